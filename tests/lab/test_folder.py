"""The lab's private folder: orphans of dead kernels are swept, and a sweep never trips over a live lab."""

import os

from iamlab.lab import folder


def test_a_folder_removed_while_the_sweep_looks_is_skipped(tmp_path, monkeypatch):
    """Two labs start at once: one removes its folder between the other's listing and its stat."""
    gone = tmp_path / f"{folder.PREFIX}999999-racing"
    gone.mkdir()
    real_scandir = os.scandir

    def listing_then_removal(path):
        entries = list(real_scandir(path))
        gone.rmdir()
        return iter(entries)

    monkeypatch.setattr(folder.os, "scandir", listing_then_removal)
    assert folder.sweep_orphans(str(tmp_path)) == []


def test_the_folder_of_a_dead_process_is_swept_and_a_live_ones_kept(tmp_path):
    dead = tmp_path / f"{folder.PREFIX}{2**22 + 12345}-old"  # above pid_max's default: no such process
    live = tmp_path / f"{folder.PREFIX}{os.getpid()}-now"
    dead.mkdir()
    live.mkdir()
    assert folder.sweep_orphans(str(tmp_path)) == [str(dead)]
    assert live.exists() and not dead.exists()
