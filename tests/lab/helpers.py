"""Small builders for lab tests: policy documents and AWS error codes."""

import json

import pytest
from botocore.exceptions import ClientError


def doc(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def trusting(*aws, service=None, **extra) -> str:
    principal = {}
    if aws:
        principal["AWS"] = list(aws) if len(aws) > 1 else aws[0]
    if service:
        principal["Service"] = service
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra})


def error_code(call) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"]


def error_of(call) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def new_user(lab, name, *, group=None, policies=(), managed=()):
    """Create a user with an access key; returns a boto3 session acting as them."""
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName=name)
    for index, document in enumerate(policies):
        iam.put_user_policy(UserName=name, PolicyName=f"inline{index}", PolicyDocument=document)
    for arn in managed:
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
    if group:
        iam.add_user_to_group(GroupName=group, UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return lab.session(key["AccessKeyId"], key["SecretAccessKey"])


def new_role(lab, name, trust, *, policies=(), managed=(), **kwargs):
    iam = lab.admin_session().client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **kwargs)["Role"]["Arn"]
    for index, document in enumerate(policies):
        iam.put_role_policy(RoleName=name, PolicyName=f"inline{index}", PolicyDocument=document)
    for policy_arn in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    return arn


def assume(session, role_arn, name="lesson", **kwargs):
    creds = session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=name, **kwargs)["Credentials"]
    return creds
