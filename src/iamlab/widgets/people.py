"""The cast of the playground: the article's users plus a second user to compare with.

Everything is created through the lab's admin session (the IAM API), exactly as a
learner's administrator would, so it shows up in the journal. Re-running a lesson
cell must not fail, hence "ensure" rather than "create".
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from iamlab.i18n import N_

OTHER_USER = "minji"


@dataclass(frozen=True)
class Principal:
    """A principal a trust policy can name: `kind` is the Principal key ("AWS" or "Service").

    `label` identifies the principal (and its checkbox); learners read `_(label)`.
    """

    label: str
    kind: str
    value: str
    css: str

    @property
    def checkbox_class(self) -> str:
        return f"iamlab-principal-{self.css}"


def ensure_user(iam, name: str) -> str:
    """The ARN of IAM user `name`, created if it does not exist yet."""
    try:
        return iam.create_user(UserName=name)["User"]["Arn"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "EntityAlreadyExists":
            raise
        return iam.get_user(UserName=name)["User"]["Arn"]


def trust_principals(lab, article, other_user: str = OTHER_USER) -> list[Principal]:
    """The four principals the trust toggle offers, in the order the lesson discusses them."""
    other_arn = ensure_user(lab.admin_session().client("iam"), other_user)
    return [
        Principal(f"user/{article.user_name}", "AWS", article.user_arn, article.user_name),
        Principal(N_("account root"), "AWS", f"arn:aws:iam::{lab.account_id}:root", "root"),
        Principal("ec2.amazonaws.com", "Service", "ec2.amazonaws.com", "ec2"),
        Principal(f"user/{other_user}", "AWS", other_arn, other_user),
    ]
