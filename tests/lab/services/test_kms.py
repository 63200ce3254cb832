"""KMS keys decided by their key ARNs (aliases resolved), and the key policy required.

"Unless the key policy explicitly allows it, you cannot use IAM policies to allow access
to a KMS key. Without this permission, IAM policies that allow access to the key have no
effect." (AWS KMS Developer Guide, "Default key policy")
"""

import pytest

from tests.lab.helpers import allow, deny, doc, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, as_principal, client_of, user_arn

ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/"


@pytest.fixture
def keys(lab):
    kms = lab.admin_session().client("kms")
    found = {name: kms.create_key()["KeyMetadata"]["KeyId"] for name in ("payments", "logs")}
    kms.create_alias(AliasName="alias/payments", TargetKeyId=found["payments"])
    return found


def test_a_policy_naming_a_key_allows_exactly_that_key(lab, keys):
    kms = client_of(lab, "kms", "mina", allow("kms:Encrypt", ARN + keys["payments"]))
    kms.encrypt(KeyId=keys["payments"], Plaintext=b"x")
    kms.encrypt(KeyId="alias/payments", Plaintext=b"x")  # an alias is authorized as its key
    assert error_code(lambda: kms.encrypt(KeyId=keys["logs"], Plaintext=b"x")) == "AccessDeniedException"


def test_a_deny_naming_one_key_denies_exactly_that_one_even_through_its_alias(lab, keys):
    kms = client_of(lab, "kms", "mina", allow("kms:*"), deny("kms:Encrypt", ARN + keys["payments"]))
    code, message = error_of(lambda: kms.encrypt(KeyId="alias/payments", Plaintext=b"x"))
    assert code == "AccessDeniedException"
    assert f"kms:Encrypt on resource: {ARN}{keys['payments']} with an explicit deny" in message
    kms.encrypt(KeyId=keys["logs"], Plaintext=b"x")


def test_without_a_key_policy_statement_for_the_account_iam_policies_grant_nothing(lab):
    admin = lab.admin_session().client("kms")
    only_admin = doc(allow("kms:*", "*", Principal={"AWS": user_arn("admin")}))
    key = admin.create_key(Policy=only_admin, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]["KeyId"]
    kms = client_of(lab, "kms", "mina", allow("kms:*"))
    code, message = error_of(lambda: kms.encrypt(KeyId=key, Plaintext=b"x"))
    assert code == "AccessDeniedException"
    assert message.endswith("because no resource-based policy allows the kms:Encrypt action")


def test_a_key_policy_naming_the_user_grants_without_any_iam_policy(lab):
    admin = lab.admin_session().client("kms")
    policy = doc(
        allow("kms:*", "*", Principal={"AWS": user_arn("admin")}),
        allow("kms:Encrypt", "*", **as_principal("mina")),
    )
    key = admin.create_key(Policy=policy)["KeyMetadata"]["KeyId"]
    kms = client_of(lab, "kms", "mina")
    kms.encrypt(KeyId=key, Plaintext=b"x")
    assert error_code(lambda: kms.decrypt(CiphertextBlob=b"x" * 32, KeyId=key)) == "AccessDeniedException"


def test_an_allow_on_a_key_tag_allows_the_tagged_key_only(lab, keys):
    lab.admin_session().client("kms").tag_resource(
        KeyId=keys["payments"], Tags=[{"TagKey": "team", "TagValue": "pay"}]
    )
    abac = allow("kms:Encrypt", Condition={"StringEquals": {"aws:ResourceTag/team": "pay"}})
    kms = client_of(lab, "kms", "mina", abac)
    kms.encrypt(KeyId="alias/payments", Plaintext=b"x")
    assert error_code(lambda: kms.encrypt(KeyId=keys["logs"], Plaintext=b"x")) == "AccessDeniedException"


def test_decrypt_without_a_key_id_is_decided_against_the_key_in_the_ciphertext(lab, keys):
    """AWS KMS API Reference, Decrypt: "If the ciphertext was encrypted under a symmetric encryption
    KMS key, the KeyId parameter is optional. KMS can get this information from metadata that it adds
    to the symmetric ciphertext blob."."""
    admin = lab.admin_session().client("kms")
    blobs = {name: admin.encrypt(KeyId=key, Plaintext=b"hi")["CiphertextBlob"] for name, key in keys.items()}
    kms = client_of(lab, "kms", "mina", allow("kms:Decrypt", ARN + keys["payments"]))
    assert kms.decrypt(CiphertextBlob=blobs["payments"])["Plaintext"] == b"hi"
    code, message = error_of(lambda: kms.decrypt(CiphertextBlob=blobs["logs"]))
    assert code == "AccessDeniedException"
    assert f"kms:Decrypt on resource: {ARN}{keys['logs']}" in message
