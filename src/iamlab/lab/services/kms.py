"""KMS: keys by id, ARN, alias name or alias ARN; the key policy must admit the caller.

"Unless the key policy explicitly allows it, you cannot use IAM policies to allow access
to a KMS key" (AWS KMS Developer Guide, "Key policies"): `resource_policy_required`.
"""

from __future__ import annotations

import re

from iamlab.lab.services.adapter import Adapter, Denial, Where

# APIs whose ciphertext names the key it was encrypted under.
CIPHERTEXT_NAMES_KEY = ("Decrypt", "ReEncrypt")


def _key_of(blob) -> str | None:
    """The key id moto writes at the head of its ciphertext blobs; None for a blob not of its making."""
    from moto.kms.utils import _deserialize_ciphertext_blob

    if not isinstance(blob, bytes):
        return None
    try:
        key = _deserialize_ciphertext_blob(blob).key_id
    except Exception:  # too short, or not moto's format: AWS would refuse the ciphertext
        return None
    return key if re.fullmatch(r"[0-9a-f-]{36}", key) else None


class KMS(Adapter):
    denial = Denial("AccessDeniedException", 400)
    actions = {"ReEncrypt": "ReEncryptFrom"}
    sources = {"KeyId": ("KeyId", "TargetKeyId", "SourceKeyId"), "Alias": ("AliasName",)}

    def value(self, variable: str, raw: str, where: Where) -> str | None:
        if variable == "Alias":
            return raw.split("alias/", 1)[-1]
        if variable != "KeyId":
            return raw
        alias = raw.split(":", 5)[-1] if raw.startswith("arn:") else raw
        if not alias.startswith("alias/"):
            return raw.split(":key/")[-1] if raw.startswith("arn:") else raw
        # An alias: the key it points to, read without letting moto create AWS managed keys.
        for key in self.backend_for(where).keys.values():
            if alias in key.aliases:
                return key.arn
        return f"arn:aws:kms:{where.region}:{where.account}:{alias}"

    def operations(self, api: str, params: dict, where: Where) -> list[tuple[str, str]]:
        """ReEncrypt decrypts under one key and encrypts under another: two permissions.

        Decrypt and ReEncrypt may leave the key out for a symmetric key: "AWS KMS gets the KMS key
        from metadata that it adds to the symmetric ciphertext blob" (AWS KMS API Reference, Decrypt).
        """
        blob = params.get("CiphertextBlob")
        if api in CIPHERTEXT_NAMES_KEY and not params.get("KeyId") and not params.get("SourceKeyId"):
            key = _key_of(blob)
            params = {**params, "KeyId": key} if key else params
        found = super().operations(api, params, where)
        if api == "ReEncrypt" and params.get("DestinationKeyId"):
            found += super().operations("ReEncryptTo", {"KeyId": params["DestinationKeyId"]}, where)
        return found

    def resource_policy_required(self, arn: str) -> bool:
        return ":key/" in arn

    def resource_policy(self, arn: str, where: Where) -> tuple[str, str] | None:
        key = self.backend_for(where).keys.get(arn.rsplit("/", 1)[-1]) if ":key/" in arn else None
        if key is None:
            return None
        return f"key policy of {key.id}", key.policy

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        """KMS keeps tags as {"TagKey", "TagValue"}."""
        backend = self.backend_for(where)
        key_id = arn.rsplit("/", 1)[-1]
        if key_id not in backend.keys:
            return {}
        return {t["TagKey"]: t["TagValue"] for t in backend.tagger.list_tags_for_resource(key_id)["Tags"]}
