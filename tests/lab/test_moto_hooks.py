"""The lab hooks into moto at a few named points; a moved hook point must fail loudly."""

from importlib.metadata import version

from iamlab.lab.moto import hooks


def test_moto_minor_version_is_the_pinned_one():
    assert version("moto").startswith("5.2."), (
        "iamlab hooks into moto 5.2; re-check hooks.py before upgrading"
    )


def test_every_hook_point_exists():
    hooks.check_hook_points()


def test_a_missing_hook_point_is_reported_by_name(monkeypatch):
    import moto.sts.models as sts_models

    monkeypatch.delattr(sts_models.STSBackend, "assume_role")
    try:
        hooks.check_hook_points()
    except hooks.HookPointMoved as moved:
        assert "assume_role" in str(moved)
    else:
        raise AssertionError("a missing hook point went unnoticed")


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
