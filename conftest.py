"""Repository-wide pytest hooks: run the longest lessons first, and report how long they take under nbval."""

import re
from collections import defaultdict
from functools import cache

import nbformat

# A line that runs a shell command (`!aws ...`, `out = !aws ...`): each starts a process (the AWS CLI
# takes most of a second), so the count of them is a lesson's running time, give or take.
SHELL_LINE = re.compile(r"^\s*(?:\w+\s*=\s*)?!", re.MULTILINE)


@cache
def shell_lines(path) -> int:
    cells = nbformat.read(path, as_version=4).cells
    return sum(len(SHELL_LINE.findall(cell.source)) for cell in cells if cell.cell_type == "code")


def pytest_configure(config):
    """Start a notebook's kernel again if it dies while starting, rather than erroring every cell.

    Two xdist workers start kernels, and the labs inside them bind free ports, at the same moment;
    jupyter_client picks a kernel's ports by binding and releasing them, so a port can be taken
    before the kernel binds it. nbval discards the kernel's stderr, so the first attempt's failure
    is reported here before the retry.
    """
    try:
        from nbval import kernel as nbval_kernel
    except ImportError:
        return
    start = nbval_kernel.start_new_kernel

    def start_new_kernel(*args, **kwargs):
        for attempt in range(1, 4):
            try:
                return start(*args, **kwargs)
            except RuntimeError as error:
                if attempt == 3:
                    raise
                print(f"nbval kernel start failed ({error}); starting it again")

    nbval_kernel.start_new_kernel = start_new_kernel


def pytest_collection_modifyitems(items):
    """Hand the notebooks to the xdist workers longest first (each worker runs whole notebooks), so the
    two workers end together instead of one finishing a long lesson alone; a notebook's cells keep
    their order. Other tests keep their places."""
    slots = [i for i, item in enumerate(items) if item.path.suffix == ".ipynb"]
    first_seen = {}
    for i in slots:
        first_seen.setdefault(items[i].path, i)
    notebooks = sorted(
        (items[i] for i in slots), key=lambda item: (-shell_lines(item.path), first_seen[item.path])
    )
    for i, item in zip(slots, notebooks, strict=True):
        items[i] = item


def pytest_terminal_summary(terminalreporter):
    """Print nbval's time per notebook and in all, so the lessons' budget (90 s) stays visible."""
    per_notebook = defaultdict(float)
    for reports in terminalreporter.stats.values():
        for report in reports:
            nodeid = getattr(report, "nodeid", "")
            path = nodeid.split("::")[0]
            if path.endswith(".ipynb") and getattr(report, "when", "call") == "call":
                per_notebook[path] += report.duration
    if not per_notebook:
        return
    total = sum(per_notebook.values())
    terminalreporter.section("nbval time")
    for path, seconds in sorted(per_notebook.items()):
        terminalreporter.write_line(f"{seconds:6.1f} s  {path}")
    count = len(per_notebook)
    terminalreporter.write_line(f"{total:6.1f} s  all {count} notebooks (cell time, summed over workers)")
