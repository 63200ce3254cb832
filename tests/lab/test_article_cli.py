"""The article's five steps typed into the real AWS CLI against the lab give the article's outputs."""

import json

from iamlab.lab.article import trust_policy
from tests.conftest import run_aws

ROLE = "arn:aws:iam::123456789012:role/S3BucketListReadOnlyRole"
ASSUME_AS_JONNUNG = (
    "sts",
    "assume-role",
    "--profile",
    "jonnung",
    "--role-arn",
    ROLE,
    "--role-session-name",
    "jonnung-s3-role",
)
STEP3 = (
    "An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
    "arn:aws:iam::123456789012:user/jonnung is not authorized to perform: sts:AssumeRole on resource: "
    "arn:aws:iam::123456789012:role/S3BucketListReadOnlyRole"
)


def configure(env, article, run_aws=run_aws):
    for key, value in [
        ("aws_access_key_id", article.access_key_id),
        ("aws_secret_access_key", article.secret_access_key),
        ("region", "ap-northeast-2"),
        ("output", "json"),
    ]:
        assert run_aws(env, "configure", "set", key, value, "--profile", "jonnung")[0] == 0


def test_article_end_to_end(lab, article):
    walk_the_article(lab.env(), article)


def walk_the_article(env, article, run_aws=run_aws):
    """The article's five steps with one CLI (`run_aws`), checked against the article's outputs."""
    configure(env, article, run_aws)

    code, _, err = run_aws(env, "s3", "ls", "--profile", "jonnung")
    assert code != 0
    assert err.startswith("An error occurred (AccessDenied) when calling the ListBuckets operation: ")

    assume = ASSUME_AS_JONNUNG
    code, _, err = run_aws(env, *assume)
    assert code != 0
    assert err == STEP3

    new_trust = json.dumps(trust_policy(aws=article.user_arn, service="ec2.amazonaws.com"))
    code, _, err = run_aws(
        env,
        "iam",
        "update-assume-role-policy",
        "--role-name",
        article.role_name,
        "--policy-document",
        new_trust,
    )
    assert code == 0, err

    code, out, err = run_aws(env, *assume)
    assert code == 0, err
    credentials = json.loads(out)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")

    env.update(
        AWS_ACCESS_KEY_ID=credentials["AccessKeyId"],
        AWS_SECRET_ACCESS_KEY=credentials["SecretAccessKey"],
        AWS_SESSION_TOKEN=credentials["SessionToken"],
    )
    code, out, err = run_aws(env, "s3", "ls")
    assert code == 0, err
    assert out.split()[-1] == "jonnung-sample-bucket"

    code, out, _ = run_aws(env, "sts", "get-caller-identity")
    assert (
        json.loads(out)["Arn"]
        == "arn:aws:sts::123456789012:assumed-role/S3BucketListReadOnlyRole/jonnung-s3-role"
    )

    code, _, err = run_aws(
        env, "s3api", "put-object", "--bucket", "jonnung-sample-bucket", "--key", "hello.txt"
    )
    assert code != 0
    assert "(AccessDenied) when calling the PutObject operation" in err


def test_step5_needs_no_identity_policy_on_the_user(lab, article):
    """AWS's same-account rule: the trust policy naming the user suffices; the user keeps zero policies."""
    admin_iam = lab.admin_session().client("iam")
    admin_iam.update_assume_role_policy(
        RoleName=article.role_name, PolicyDocument=json.dumps(trust_policy(aws=article.user_arn))
    )
    assert admin_iam.list_user_policies(UserName="jonnung")["PolicyNames"] == []
    assert admin_iam.list_attached_user_policies(UserName="jonnung")["AttachedPolicies"] == []
    assert admin_iam.list_groups_for_user(UserName="jonnung")["Groups"] == []
    sts = lab.session(article.access_key_id, article.secret_access_key).client("sts")
    session = sts.assume_role(RoleArn=article.role_arn, RoleSessionName="s1")
    assert session["AssumedRoleUser"]["Arn"].endswith(":assumed-role/S3BucketListReadOnlyRole/s1")


def test_account_root_in_trust_policy_also_needs_an_identity_allow(lab, article):
    admin_iam = lab.admin_session().client("iam")
    root = f"arn:aws:iam::{lab.account_id}:root"
    admin_iam.update_assume_role_policy(
        RoleName=article.role_name, PolicyDocument=json.dumps(trust_policy(aws=root))
    )
    sts = lab.session(article.access_key_id, article.secret_access_key).client("sts")
    denied = _error_code(lambda: sts.assume_role(RoleArn=article.role_arn, RoleSessionName="s1"))
    assert denied == "AccessDenied"
    admin_iam.put_user_policy(
        UserName="jonnung",
        PolicyName="MayAssume",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE}],
            }
        ),
    )
    assert sts.assume_role(RoleArn=article.role_arn, RoleSessionName="s1")["Credentials"]["AccessKeyId"]


def _error_code(call):
    from botocore.exceptions import ClientError

    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    return None


def test_a_lesson_can_start_at_any_step(lab):
    article = lab.setup_article(step=5)
    env = lab.env()
    code, out, err = run_aws(env, *ASSUME_AS_JONNUNG)
    assert code == 0, err
    assert json.loads(out)["AssumedRoleUser"]["Arn"].endswith("/jonnung-s3-role")
    assert article.user_name == "jonnung"


def test_step3_leaves_the_role_for_the_learner_to_create(lab):
    """Lesson 03 creates the role with the article's EC2-only trust policy; assume-role is then denied.

    IAM User Guide (roles terms): a trust policy is "A JSON policy document in which you define the
    principals that you trust to assume the role."
    """
    article = lab.setup_article(step=3)
    assert not article.role_created
    env = lab.env()
    code, _, err = run_aws(env, "iam", "get-role", "--role-name", article.role_name)
    assert code != 0 and "(NoSuchEntity)" in err
    ec2_only = json.dumps(trust_policy(service="ec2.amazonaws.com"))
    code, out, err = run_aws(
        env, "iam", "create-role", "--role-name", article.role_name, "--assume-role-policy-document", ec2_only
    )
    assert code == 0, err
    assert json.loads(out)["Role"]["Arn"] == article.role_arn
    code, _, err = run_aws(env, *ASSUME_AS_JONNUNG)
    assert code != 0 and err == STEP3
