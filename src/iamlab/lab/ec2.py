"""The article's other trusted principal: an EC2 instance with an instance profile.

An instance never holds keys. EC2 assumes the profile's role on the instance's
behalf (as the service principal `ec2.amazonaws.com`) and the instance reads
the temporary credentials from its metadata service. This module plays EC2's part, in the
account that owns the instance profile, deciding the assumption as the gate decides any
request (`authz/decision.py`): the role's trust policy and its account's RCPs.
"""

from __future__ import annotations

from iamlab.lab.authz.checks import serving
from iamlab.lab.authz.decision import NO_POLICIES, decide
from iamlab.lab.journal import Entry
from iamlab.lab.moto import backends
from iamlab.lab.wire.identity import SessionExtras

EC2 = "ec2.amazonaws.com"
INSTANCE_SESSION_SECONDS = 6 * 3600
# Where the metadata service's AssumeRoleUnauthorizedAccess message sends the reader.
TROUBLESHOOTING = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_iam-ec2.html#troubleshoot_iam-ec2_errors-info-doc"
)


class InstanceCredentialsError(Exception):
    """What the instance metadata service reports when EC2 cannot assume the role."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def instance_credentials(
    lab, instance_profile: str, instance_id: str = "i-0123456789abcdef0", account_id: str | None = None
) -> dict:
    """The JSON an instance of `account_id` (the lab's own by default) reads at
    /latest/meta-data/iam/security-credentials/ROLE."""
    account = account_id or lab.account_id
    lab.accounts.ensure(account)
    profile = backends.iam(account).get_instance_profile(instance_profile)
    if not profile.roles:
        raise InstanceCredentialsError("NoRole", f"Instance profile {instance_profile} has no role.")
    role = profile.roles[0]
    now = lab.clock.now()
    context = {  # a service principal calls: AWS sets no user, session or network keys
        "aws:PrincipalIsAWSService": "true",
        "aws:PrincipalServiceName": EC2,
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
    }
    with serving(account):
        decision = decide(lab.gate, EC2, account, "sts:AssumeRole", role.arn, context, NO_POLICIES)
    lab.journal.record(
        Entry(
            time=now,
            principal=EC2,
            action="sts:AssumeRole",
            resource=role.arn,
            result=decision.result,
            message=decision.aws_message,
            decision=decision,
            account=account,
            resource_account=account,
        )
    )
    if not decision.allowed:
        raise InstanceCredentialsError(
            "AssumeRoleUnauthorizedAccess",
            # as the metadata service words it (two spaces included); the journal keeps the why
            f"EC2 cannot assume the role {role.name}.  Please see documentation at {TROUBLESHOOTING}.",
        )
    session = backends.sts(account).assume_role(
        region_name=lab.region,
        role_session_name=instance_id,
        role_arn=role.arn,
        policy=None,
        duration=INSTANCE_SESSION_SECONDS,
        external_id=None,
    )
    session.iamlab_extras = SessionExtras(issued_at=lab.clock.now(), source_principal=EC2, role_id=role.id)
    return {
        "Code": "Success",
        "LastUpdated": lab.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Type": "AWS-HMAC",
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": session.secret_access_key,
        "Token": session.session_token,
        "Expiration": session.expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
