"""Secrets Manager: a secret by name or ARN; its ARN ends in a random six-character suffix.

A secret that does not exist yet (CreateSecret) is named `NAME-??????`, the form AWS's own
examples use, so `secret:NAME-*` matches it and a policy naming another secret does not.
"""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult

from iamlab.lab.authz.context import tag_dict
from iamlab.lab.services.adapter import Adapter, Denial, Operation, Where
from iamlab.lab.services.params import request_params
from iamlab.lab.wire.errors import AWSError, Refused


class SecretsManager(Adapter):
    denial = Denial("AccessDeniedException", 400)
    sources = {"SecretId": ("SecretId", "Name")}

    def operations(self, api: str, params: dict, where: Where) -> list[tuple[str, str]]:
        """BatchGetSecretValue with filters also needs ListSecrets."""
        found = super().operations(api, params, where)
        if api == "BatchGetSecretValue" and params.get("Filters"):
            found += super().operations("ListSecrets", {}, where)
        return found

    def resolve(self, op: Operation, handler, params: dict, caller, where: Where) -> None:
        """Each secret of a batch is a GetSecretValue question of its own, which the answer reports."""
        super().resolve(op, handler, params, caller, where)
        if op.api == "BatchGetSecretValue":
            params = request_params(handler, op.api, self.service) or {}
            for secret in self._batch(params, where):
                op.each += super().operations("GetSecretValue", {"SecretId": secret}, where)

    def before_action(self, gate, call, handler, op: Operation, params: dict[str, str]) -> None:
        """A batch answers with the secrets the caller may read and lists the others under `Errors`.

        "If Secrets Manager encounters errors such as AccessDeniedException while attempting to
        retrieve any of the secrets, you can see the errors in Errors in the response."
        (Secrets Manager API Reference, BatchGetSecretValue)
        """
        if op.api != "BatchGetSecretValue":
            return
        where = Where(gate.account_id, handler.region)
        request = request_params(handler, op.api, self.service) or {}
        asked = {
            str(secret): self.value("SecretId", str(secret), where)
            for secret in request.get("SecretIdList") or []
        }
        refused = [_denied(secret, op.denied[arn]) for secret, arn in asked.items() if arn in op.denied]
        try:
            values, errors, token = self.backend_for(where).batch_get_secret_value(
                secret_id_list=[secret for secret, arn in asked.items() if arn not in op.denied],
                filters=request.get("Filters"),
                max_results=request.get("MaxResults"),
                next_token=request.get("NextToken"),
            )
        except JsonRESTError as error:  # a request Secrets Manager refuses (both SecretIdList and Filters)
            raise AWSError(error.error_type, error.message, error.code) from None
        # A secret chosen by filters is named by its ARN. One the gate was not asked about (created
        # while this request was decided) is withheld as it was then: not there.
        decided = {resource for _, resource in op.each}
        names = {arn: secret for secret, arn in asked.items()}
        shown = []
        for value in values:
            if value["ARN"] in op.denied:
                refused.append(_denied(value["ARN"], op.denied[value["ARN"]]))
            elif value["ARN"] not in decided:
                refused.append(_not_found(names.get(value["ARN"], value["ARN"])))
            else:
                shown.append(value)
        result = {"SecretValues": shown, "Errors": refused + errors}
        if token:
            result["NextToken"] = token
        call.answer = handler.serialized(ActionResult(result))
        raise Refused()

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


def _denied(secret: str, message: str) -> dict[str, str]:
    return {"SecretId": secret, "ErrorCode": "AccessDeniedException", "Message": message}


def _not_found(secret: str) -> dict[str, str]:
    message = "Secrets Manager can't find the specified secret."
    return {"SecretId": secret, "ErrorCode": "ResourceNotFoundException", "Message": message}
