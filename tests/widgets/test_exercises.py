"""Exercise checks: say what is missing when run too early, and recognise a solution."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from iamlab.exercises import (
    check_bucket_listing,
    check_group_member,
    check_instance_role,
    check_needed_action,
    check_playground,
    check_profile,
    check_role_trusts,
    check_session_policy,
    check_trust_statement,
)
from iamlab.lab.article import trust_policy


def test_group_check_before_anything_exists(lab):
    feedback = check_group_member(lab, "minji")
    assert not feedback and "create-user" in repr(feedback)


def test_group_check_recognises_a_solution(lab):
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName="minji")
    assert "backend_developers exists" in repr(check_group_member(lab, "minji"))
    iam.create_group(GroupName="backend_developers")
    for name in ("AmazonS3ReadOnlyAccess", "CloudWatchReadOnlyAccess"):
        iam.attach_group_policy(GroupName="backend_developers", PolicyArn=f"arn:aws:iam::aws:policy/{name}")
    feedback = check_group_member(lab, "minji")
    assert not feedback and "add-user-to-group" in repr(feedback)
    iam.add_user_to_group(GroupName="backend_developers", UserName="minji")
    assert check_group_member(lab, "minji"), repr(check_group_member(lab, "minji"))


def test_playground_check(lab, article):
    from iamlab.widgets import TrustToggle

    toggle = TrustToggle(lab, article)
    assert "tick user/minji" in repr(check_playground(lab, article))
    toggle.set("user/minji", True)
    assert check_playground(lab, article)
    toggle.set("user/jonnung", True)
    assert "untick user/jonnung" in repr(check_playground(lab, article))


def test_session_policy_check(lab, article):
    assert "run the assume-role cell" in repr(check_session_policy(lab, None))
    iam = lab.admin_session().client("iam")
    iam.update_assume_role_policy(
        RoleName=article.role_name, PolicyDocument=json.dumps(trust_policy(aws=article.user_arn))
    )
    sts = lab.session(article.access_key_id, article.secret_access_key).client("sts")

    def creds(actions):
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        }
        return sts.assume_role(RoleArn=article.role_arn, RoleSessionName="ex", Policy=json.dumps(policy))[
            "Credentials"
        ]

    assert not check_session_policy(lab, creds("s3:List*"))
    assert check_session_policy(lab, creds("s3:ListAllMyBuckets"))


def test_instance_role_check(lab, article):
    iam = lab.admin_session().client("iam")
    assert "exists" in repr(check_instance_role(lab, "p", article))
    iam.create_role(RoleName="R", AssumeRolePolicyDocument=json.dumps(trust_policy(aws=article.user_arn)))
    iam.create_instance_profile(InstanceProfileName="p")
    iam.add_role_to_instance_profile(InstanceProfileName="p", RoleName="R")
    feedback = check_instance_role(lab, "p", article)
    assert not feedback and "ec2.amazonaws.com" in repr(feedback)
    fixed = trust_policy(aws=article.user_arn, service="ec2.amazonaws.com")
    iam.update_assume_role_policy(RoleName="R", PolicyDocument=json.dumps(fixed))
    assert check_instance_role(lab, "p", article)


def test_profile_check(lab, article):
    import configparser

    assert "--profile jonnung-seoul" in repr(check_profile(lab, "jonnung-seoul"))
    env = lab.env()
    for path, section, values in (
        (env["AWS_CONFIG_FILE"], "profile jonnung-seoul", {"region": "us-east-1"}),
        (env["AWS_SHARED_CREDENTIALS_FILE"], "jonnung-seoul", {"aws_access_key_id": article.access_key_id}),
    ):
        parser = configparser.ConfigParser()
        parser.read(path)
        parser[section] = values
        with open(path, "w") as f:
            parser.write(f)
    feedback = check_profile(lab, "jonnung-seoul", region="ap-northeast-2")
    assert (
        not feedback
        and "set region ap-northeast-2" in repr(feedback)
        and "aws_secret_access_key" in repr(feedback)
    )
    parser = configparser.ConfigParser()
    parser.read(env["AWS_CONFIG_FILE"])
    parser["profile jonnung-seoul"]["region"] = "ap-northeast-2"
    parser["profile jonnung-seoul"]["aws_secret_access_key"] = "wrong"
    with open(env["AWS_CONFIG_FILE"], "w") as f:
        parser.write(f)
    assert "typo" in repr(check_profile(lab, "jonnung-seoul"))
    parser["profile jonnung-seoul"]["aws_secret_access_key"] = article.secret_access_key
    with open(env["AWS_CONFIG_FILE"], "w") as f:
        parser.write(f)
    assert check_profile(lab, "jonnung-seoul"), repr(check_profile(lab, "jonnung-seoul"))


def test_needed_action_check(lab, article):
    assert "run the cell" in repr(check_needed_action(lab, "s3:ListAllMyBuckets"))
    s3 = lab.session(article.access_key_id, article.secret_access_key).client("s3")
    with pytest.raises(ClientError):
        s3.list_buckets()
    assert "service:Action" in repr(check_needed_action(lab, "ListAllMyBuckets"))
    assert "service:Action" in repr(check_needed_action(lab, None))
    assert "API operation" in repr(check_needed_action(lab, "s3:ListBuckets"))
    assert check_needed_action(lab, " s3:listallmybuckets ")


def test_trust_statement_check(lab, article):
    assert not check_trust_statement(lab, "nope", article)
    statement = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    assert article.user_arn in repr(check_trust_statement(lab, statement, article))
    statement["Principal"]["AWS"] = "arn:aws:iam::123456789012:root"
    assert "identity policy" in repr(check_trust_statement(lab, statement, article))
    statement["Principal"] = "*"
    assert "everyone" in repr(check_trust_statement(lab, statement, article))
    statement["Principal"] = {"AWS": [article.user_arn]}
    assert "keep" in repr(check_trust_statement(lab, statement, article))
    statement["Principal"]["Service"] = "ec2.amazonaws.com"
    statement["Action"] = ["sts:*"]
    assert check_trust_statement(lab, statement, article), repr(
        check_trust_statement(lab, statement, article)
    )


def test_role_trusts_check(lab, article):
    assert "create-user" in repr(check_role_trusts(lab, article, "minji"))
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName="minji")
    minji = "arn:aws:iam::123456789012:user/minji"
    feedback = check_role_trusts(lab, article, "minji")
    assert not feedback and 'make "AWS" a list' in repr(feedback)
    only_minji = trust_policy(aws=minji, service="ec2.amazonaws.com")
    iam.update_assume_role_policy(RoleName=article.role_name, PolicyDocument=json.dumps(only_minji))
    assert "replaces the old one" in repr(check_role_trusts(lab, article, "minji"))
    both = trust_policy(aws=[article.user_arn, minji], service="ec2.amazonaws.com")
    iam.update_assume_role_policy(RoleName=article.role_name, PolicyDocument=json.dumps(both))
    assert check_role_trusts(lab, article, "minji"), repr(check_role_trusts(lab, article, "minji"))


def test_bucket_listing_check(lab, article):
    assert "assume-role" in repr(check_bucket_listing(lab, article))
    iam = lab.admin_session().client("iam")
    iam.update_assume_role_policy(
        RoleName=article.role_name, PolicyDocument=json.dumps(trust_policy(aws=article.user_arn))
    )
    user = lab.session(article.access_key_id, article.secret_access_key)
    with pytest.raises(ClientError):
        user.client("s3").list_objects_v2(Bucket=article.bucket)
    creds = user.client("sts").assume_role(RoleArn=article.role_arn, RoleSessionName="ex")["Credentials"]
    feedback = check_bucket_listing(lab, article)
    assert not feedback and "--profile jonnung" in repr(feedback)
    session = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    session.client("s3").list_objects_v2(Bucket=article.bucket)
    assert check_bucket_listing(lab, article), repr(check_bucket_listing(lab, article))
