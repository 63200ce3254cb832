"""What every service's tests share: the lab's account and region, and a user with one policy."""

from tests.lab.helpers import doc, new_user

ACCOUNT = "123456789012"
REGION = "ap-northeast-2"


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def client_of(lab, service: str, name: str, *statements):
    """A client of `service` for a new IAM user whose only policy holds `statements` (none: no policy)."""
    policies = [doc(*statements)] if statements else []
    return new_user(lab, name, policies=policies).client(service)


def as_principal(name: str) -> dict:
    return {"Principal": {"AWS": user_arn(name)}}
