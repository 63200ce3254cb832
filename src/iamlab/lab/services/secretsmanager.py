"""Secrets Manager: a secret by name or ARN; its ARN ends in a random six-character suffix.

A secret that does not exist yet (CreateSecret) is named `NAME-??????`, the form AWS's own
examples use, so `secret:NAME-*` matches it and a policy naming another secret does not.
"""

from __future__ import annotations

from iamlab.lab.authz.context import tag_dict
from iamlab.lab.services.adapter import Adapter, Denial, Where


class SecretsManager(Adapter):
    denial = Denial("AccessDeniedException", 400)
    sources = {"SecretId": ("SecretId", "Name")}

    def operations(self, api: str, params: dict, where: Where) -> list[tuple[str, str]]:
        """BatchGetSecretValue also needs GetSecretValue on each secret it returns."""
        found = super().operations(api, params, where)
        if api == "BatchGetSecretValue":
            for secret in self._batch(params, where):
                found += super().operations("GetSecretValue", {"SecretId": secret}, where)
        return found

    def _batch(self, params: dict, where: Where) -> list[str]:
        """The secrets a batch names, or those its filters select (every page of them)."""
        if params.get("SecretIdList"):
            return [str(secret) for secret in params["SecretIdList"]]
        from moto.secretsmanager.models import _matches  # moto's own filter, so both select alike

        filters = params.get("Filters") or []
        secrets = self.backend_for(where).secrets.values()
        return [secret.arn for secret in secrets if filters and _matches(secret, filters)]

    def value(self, variable: str, raw: str, where: Where) -> str | None:
        if variable != "SecretId":
            return raw
        secrets = self.backend_for(where).secrets
        if raw in secrets:
            return secrets[raw].arn
        if raw.startswith("arn:"):
            return raw
        return f"arn:aws:secretsmanager:{where.region}:{where.account}:secret:{raw}-??????"

    def resource_policy(self, arn: str, where: Where) -> tuple[str, str] | None:
        secrets = self.backend_for(where).secrets
        secret = secrets[arn] if arn in secrets else None
        if secret is None or not secret.policy:
            return None
        return f"resource policy of secret {secret.name}", secret.policy

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        secrets = self.backend_for(where).secrets
        return tag_dict(secrets[arn].tags) if arn in secrets else {}
