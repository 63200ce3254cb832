"""Exercise checks: say what is missing when run too early, and recognise a solution."""

from __future__ import annotations

import json

from iamlab.exercises import check_group_member, check_instance_role, check_playground, check_session_policy
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
