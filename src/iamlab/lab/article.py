"""The article's starting point, built through the IAM and S3 APIs as an administrator would.

User `jonnung` (an access key, no permissions), role `S3BucketListReadOnlyRole`
(trusting only EC2, allowed the S3 List actions) and bucket `jonnung-sample-bucket`.
The article prepares the role beforehand; lesson 03 has the learner create it with
`aws iam create-role`, so the state before step 3 is the only one without it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from iamlab.i18n import _, display_width, pad

USER = "jonnung"
ROLE = "S3BucketListReadOnlyRole"
LIST_POLICY = "S3BucketListReadOnly"
BUCKET = "jonnung-sample-bucket"


def trust_policy(*, aws=None, service=None) -> dict:
    """A role trust policy letting the given principals call sts:AssumeRole."""
    principal = {}
    if aws:
        principal["AWS"] = aws
    if service:
        principal["Service"] = service
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }


LIST_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ListOnly", "Effect": "Allow", "Action": "s3:List*", "Resource": "*"}],
}


@dataclass(frozen=True)
class ArticleSetup:
    user_name: str
    user_arn: str
    access_key_id: str
    secret_access_key: str
    role_name: str
    role_arn: str
    bucket: str
    region: str
    role_created: bool = True

    def __repr__(self) -> str:
        role = _("(trusts ec2.amazonaws.com only)") if self.role_created else _("(not created yet)")
        rows = [
            (_("IAM user"), f"{self.user_arn}  " + _("(no policies)")),
            (_("access key"), self.access_key_id),
            (_("role"), f"{self.role_arn}  {role}"),
            (_("bucket"), f"s3://{self.bucket}"),
        ]
        width = max(display_width(label) for label, _value in rows) + 3
        return "\n".join(pad(label, width) + value for label, value in rows)


def setup(lab, step: int = 1) -> ArticleSetup:
    """The state just before the article's `step` (1-5): each lesson can start at its own step.

    Step 3 begins with the learner creating the role, so `step=3` leaves the role (and its
    permissions policy) out; every other step finds it as the article prepared it.
    """
    if not 1 <= step <= 5:
        raise ValueError(_("the article has steps 1 to 5, not {step}").format(step=step))
    article = _starting_point(lab, with_role=step != 3)
    if step >= 2:
        _configure_profile(lab, article)
    if step >= 5:
        lab.admin_session().client("iam").update_assume_role_policy(
            RoleName=ROLE,
            PolicyDocument=json.dumps(trust_policy(aws=article.user_arn, service="ec2.amazonaws.com")),
        )
    return article


ROLE_PROFILE = "s3role"


def _configure_profile(lab, article: ArticleSetup) -> None:
    """What step 1's `aws configure --profile jonnung` writes, into the lab's own files."""
    env = lab.env()
    keys = {"aws_access_key_id": article.access_key_id, "aws_secret_access_key": article.secret_access_key}
    _set_section(env["AWS_SHARED_CREDENTIALS_FILE"], USER, keys)
    _set_section(env["AWS_CONFIG_FILE"], f"profile {USER}", {"region": article.region, "output": "json"})


def add_role_profile(lab, article: ArticleSetup, name: str = ROLE_PROFILE) -> str:
    """A profile that assumes the article's role with jonnung's keys, as most people use roles:
    `aws s3 ls --profile s3role` (the CLI and SDKs call AssumeRole and refresh it themselves)."""
    _set_section(
        lab.env()["AWS_CONFIG_FILE"],
        f"profile {name}",
        {"role_arn": article.role_arn, "source_profile": USER, "region": article.region},
    )
    return name


def _set_section(path: str, section: str, values: dict) -> None:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    parser[section] = values
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        parser.write(f)


def _starting_point(lab, with_role: bool) -> ArticleSetup:
    admin = lab.admin_session()
    iam, s3 = admin.client("iam"), admin.client("s3")
    iam.create_user(UserName=USER)
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    if with_role:
        iam.create_role(
            RoleName=ROLE,
            AssumeRolePolicyDocument=json.dumps(trust_policy(service="ec2.amazonaws.com")),
            Description="Lets a trusted principal list S3 buckets",
        )
        policy = iam.create_policy(PolicyName=LIST_POLICY, PolicyDocument=json.dumps(LIST_ONLY))["Policy"]
        iam.attach_role_policy(RoleName=ROLE, PolicyArn=policy["Arn"])
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": lab.region})
    return ArticleSetup(
        user_name=USER,
        user_arn=f"arn:aws:iam::{lab.account_id}:user/{USER}",
        access_key_id=key["AccessKeyId"],
        secret_access_key=key["SecretAccessKey"],
        role_name=ROLE,
        role_arn=f"arn:aws:iam::{lab.account_id}:role/{ROLE}",
        bucket=BUCKET,
        region=lab.region,
        role_created=with_role,
    )
