"""What every service's tests share: the lab's account and region, and a user with one policy."""

import io
import zipfile

from tests.lab.helpers import doc, new_role, new_user, trusting

ACCOUNT = "123456789012"
REGION = "ap-northeast-2"
# A DynamoDB table keyed by "id", billed per request.
TABLE = {
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def client_of(lab, service: str, name: str, *statements):
    """A client of `service` for a new IAM user whose only policy holds `statements` (none: no policy)."""
    policies = [doc(*statements)] if statements else []
    return new_user(lab, name, policies=policies).client(service)


def as_principal(name: str) -> dict:
    return {"Principal": {"AWS": user_arn(name)}}


def create_functions(lab, tags_by_name: dict[str, dict]):
    """Lambda functions (each with its tags) whose `handler.handle` returns its event; the admin's client."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    role = new_role(lab, "runner", trusting(service="lambda.amazonaws.com"))
    client = lab.admin_session().client("lambda")
    for name, tags in tags_by_name.items():
        client.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="handler.handle",
            Code={"ZipFile": buffer.getvalue()},
            Tags=tags,
        )
    return client
