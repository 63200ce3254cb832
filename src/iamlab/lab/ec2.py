"""The article's other trusted principal: an EC2 instance with an instance profile.

An instance never holds keys. EC2 assumes the profile's role on the instance's
behalf (as the service principal `ec2.amazonaws.com`) and the instance reads
the temporary credentials from its metadata service. This module plays EC2's part.
"""

from __future__ import annotations

from iamlab.lab.authz.policies import as_policy, trust_policy_name
from iamlab.lab.journal import Entry
from iamlab.lab.moto import backends
from iamlab.lab.wire.identity import SessionExtras
from iamlab.policy import Request, evaluate

EC2 = "ec2.amazonaws.com"
INSTANCE_SESSION_SECONDS = 6 * 3600


class InstanceCredentialsError(Exception):
    """What the instance metadata service reports when EC2 cannot assume the role."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def instance_credentials(lab, instance_profile: str, instance_id: str = "i-0123456789abcdef0") -> dict:
    """The JSON an instance reads at /latest/meta-data/iam/security-credentials/ROLE."""
    iam = backends.iam(lab.account_id)
    profile = iam.get_instance_profile(instance_profile)
    if not profile.roles:
        raise InstanceCredentialsError("NoRole", f"Instance profile {instance_profile} has no role.")
    role = profile.roles[0]
    trust = as_policy(
        role.assume_role_policy_document,
        kind="trust",
        name=trust_policy_name(role.name),
        source_type="resource",
    )
    decision = evaluate(
        Request(principal=EC2, action="sts:AssumeRole", resource=role.arn, resource_account=lab.account_id),
        resource_policy=trust,
    )
    lab.journal.record(
        Entry(
            time=lab.clock.now(),
            principal=EC2,
            action="sts:AssumeRole",
            resource=role.arn,
            result=decision.result,
            message=decision.basic_message if not decision.allowed else "",
            deciding=tuple(decision.deciding),
            decision=decision,
        )
    )
    if not decision.allowed:
        raise InstanceCredentialsError(
            "AssumeRoleUnauthorizedAccess",
            f"EC2 cannot assume the role {role.name}. {decision.basic_message}",
        )
    sts = backends.sts(lab.account_id)
    session = sts.assume_role(
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
