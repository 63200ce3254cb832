"""The lab hooks into moto at a few named points; a moved hook point must fail loudly."""

import ast
from importlib.metadata import version
from pathlib import Path

import pytest

from iamlab.lab.moto import hooks


def test_moto_minor_version_is_the_pinned_one():
    assert version("moto").startswith("5.2."), (
        "iamlab hooks into moto 5.2; re-check hooks.py before upgrading"
    )


def test_every_hook_point_exists():
    hooks.check_hook_points()
    hooks.check_lazy_touch_points()


def test_a_missing_hook_point_is_reported_by_name(monkeypatch):
    import moto.sts.models as sts_models

    monkeypatch.delattr(sts_models.STSBackend, "assume_role")
    try:
        hooks.check_hook_points()
    except hooks.HookPointMoved as moved:
        assert "assume_role" in str(moved)
    else:
        raise AssertionError("a missing hook point went unnoticed")


def _moto_imports_outside_the_moto_package() -> set[tuple[str, str]]:
    """(module, name) of every `from moto... import name` in the lab outside lab/moto/."""
    lab = Path(hooks.__file__).resolve().parents[1]
    found = set()
    for path in lab.rglob("*.py"):
        if path.parent.name == "moto" and path.parent.parent == lab:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "moto":
                found.update((node.module, alias.name) for alias in node.names)
            elif isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "moto" for a in node.names), path
    return found


def test_every_moto_name_used_outside_lab_moto_is_a_checked_touch_point():
    """A moto internal the lab uses elsewhere is listed, so a moto that moves it fails by name."""
    points = hooks.HOOK_POINTS + hooks.TOUCH_POINTS
    listed = {(getattr(owner, "__name__", None), name) for owner, name in points}
    listed |= set(hooks.LAZY_TOUCH_POINTS)
    imported = _moto_imports_outside_the_moto_package()
    assert len(imported) > 10
    assert imported - listed == set()


def test_moto_backends_are_reached_only_through_lab_moto_backends():
    lab = Path(hooks.__file__).resolve().parents[1]
    outside = [
        str(path.relative_to(lab))
        for path in lab.rglob("*.py")
        if path.parent != Path(hooks.__file__).parent and "_backends" in path.read_text()
    ]
    assert outside == []


def test_a_moved_touch_point_is_reported_by_name(monkeypatch):
    import moto.core.parse

    monkeypatch.delattr(moto.core.parse, "PROTOCOL_PARSERS")
    with pytest.raises(hooks.HookPointMoved, match="PROTOCOL_PARSERS"):
        hooks.check_hook_points()


def test_enforcement_comes_from_the_engine_not_moto(lab, article):
    """moto alone would deny this (it ignores same-account trust by user ARN); the lab allows it."""
    import json

    lab.admin_session().client("iam").update_assume_role_policy(
        RoleName=article.role_name,
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": article.user_arn}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
    )
    sts = lab.session(article.access_key_id, article.secret_access_key).client("sts")
    sts.assume_role(RoleArn=article.role_arn, RoleSessionName="s1")
    entry = lab.journal[-1]
    assert (entry.action, entry.result) == ("sts:AssumeRole", "Allowed")
    assert entry.decision is not None


def test_single_aws_managed_policy_lookup_agrees_with_the_full_catalogue():
    from iamlab.lab.moto import managed

    managed._catalog.cache_clear()
    arns = [
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "arn:aws:iam::aws:policy/NoSuchPolicy",
    ]
    alone = [managed._one(arn) for arn in arns]
    assert alone == [managed._catalog().get(arn) for arn in arns]
    assert alone[-1] is None
