"""DynamoDB: tables by `TableName`; batch calls name their tables as the keys of `RequestItems`.

A table or a stream may have a resource-based policy (PutResourcePolicy), which moto keeps by
the ARN it was put on. An index has none of its own: "You can control index permissions using
the base table's policy" (DynamoDB API Reference, PutResourcePolicy).

moto looks a policy's table up by the ARN's last segment, which for a stream is its label, so
it refuses every policy call on a stream; the lab answers those itself (`StreamPolicies`),
keeping the policy in moto's own store by the stream's ARN, where the gate reads it.
"""

from __future__ import annotations

import re

from moto.core.responses import ActionResult

from iamlab.lab.authz.context import tag_dict
from iamlab.lab.services import reference
from iamlab.lab.services.adapter import Adapter, Denial, Operation, Where, where_of
from iamlab.lab.services.params import request_params
from iamlab.lab.wire.errors import AWSError, Refused

BATCH = ("BatchGetItem", "BatchWriteItem")
# A transaction is authorized as each of its items: TransactWriteItems' {"Put": {...}} needs PutItem.
TRANSACTION_ITEMS = {"Get": "GetItem", "Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}
TRANSACTION_ITEMS["ConditionCheck"] = "ConditionCheckItem"
# A stream's label is a timestamp with colons ("2024-02-12T18:57:26.492"), which the reference's
# generic pattern does not allow; a shard iterator begins with its stream's ARN ("ARN|1|id").
STREAM = re.compile(r"arn:aws:dynamodb:[^:]*:[^:]*:table/[^/]+/stream/[^|/]+")
STREAM_PARAMS = ("StreamArn", "ResourceArn", "ShardIterator")
POLICY_APIS = ("PutResourcePolicy", "GetResourcePolicy", "DeleteResourcePolicy")


class DynamoDB(Adapter):
    denial = Denial("AccessDeniedException", 400)

    def operations(self, api: str, params: dict, where: Where) -> list[tuple[str, str]]:
        if api not in ("TransactGetItems", "TransactWriteItems"):
            return super().operations(api, params, where)
        found = []
        for item in params.get("TransactItems") or []:
            for kind, request in item.items():
                if kind in TRANSACTION_ITEMS and isinstance(request, dict):
                    found += super().operations(TRANSACTION_ITEMS[kind], request, where)
        return found

    def resources(self, action: str, api: str, params: dict, where: Where) -> list[str]:
        if api in BATCH and isinstance(params.get("RequestItems"), dict):
            return [self._table(name, where) for name in params["RequestItems"]]
        streams = [STREAM.match(str(params.get(name) or "")) for name in STREAM_PARAMS]
        stream = next((found.group(0) for found in streams if found), None)
        if stream is not None and any(slot.kind == "stream" for slot in reference.slots(action)):
            return [stream]
        return super().resources(action, api, params, where)

    def before_action(self, gate, call, handler, op: Operation, params: dict[str, str]) -> None:
        """A policy call on a stream is answered here (moto would look for a table named after its label)."""
        if op.api not in POLICY_APIS or "/stream/" not in op.resource:
            return
        request = request_params(handler, op.api, self.service) or {}
        if request.get("ResourceArn") != op.resource:
            return  # not a whole stream ARN: moto refuses it as it refuses any unknown resource
        where = where_of(op.resource, Where(gate.account_id, handler.region))
        policies = StreamPolicies(self.backend_for(where), op.resource)
        answer = getattr(policies, op.api.removesuffix("ResourcePolicy").lower())  # put, get, delete
        call.answer = handler.serialized(ActionResult(answer(request)))
        raise Refused()

    def _table(self, name: str, where: Where) -> str:
        if name.startswith("arn:"):
            return name
        return f"arn:aws:dynamodb:{where.region}:{where.account}:table/{name}"

    def resource_policy(self, arn: str, where: Where) -> tuple[str, str] | None:
        holder = arn if "/stream/" in arn else arn.split("/index/", 1)[0]
        policy = self.backend_for(where).resource_policies.get(holder)
        if policy is None:
            return None
        return f"resource policy of {holder.split(':', 5)[-1]}", policy.policy_doc

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        """An index has no tags of its own: a request on it carries its base table's."""
        table = self.backend_for(where).tables.get(arn.split(":table/", 1)[-1].split("/", 1)[0])
        return tag_dict(table.tags) if table is not None else {}


class StreamPolicies:
    """PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy on one stream, as DynamoDB
    answers them for a table.

    "You can attach a resource-based policy to an existing table's stream ... You can't attach a
    policy to a stream while creating it ... However, you can modify or delete a policy after a
    table is deleted. You can also modify or delete the policy of a disabled stream." (DynamoDB
    Developer Guide, "Attach a resource-based policy to a DynamoDB stream")
    """

    def __init__(self, backend, arn: str):
        self.backend, self.arn = backend, arn
        self.current = backend.resource_policies.get(arn)

    def put(self, request: dict) -> dict:
        if self.current is None:
            self._require_stream()
        else:
            self._check_revision(request.get("ExpectedRevisionId"))
        if self.current is not None and self.current.policy_doc == request.get("Policy"):
            return {"RevisionId": self.current.revision_id}  # idempotent: the same revision
        from moto.dynamodb.models.table import ResourcePolicy  # the kind moto keeps for a table

        policy = ResourcePolicy(resource_arn=self.arn, policy_doc=request.get("Policy"))
        self.backend.resource_policies[self.arn] = policy
        return {"RevisionId": policy.revision_id}

    def get(self, request: dict) -> dict:
        if self.current is None:
            self._require_stream()
            raise _policy_not_found(self.arn)
        return {"Policy": self.current.policy_doc, "RevisionId": self.current.revision_id}

    def delete(self, request: dict) -> dict:
        if self.current is None:
            self._require_stream()
            raise _policy_not_found(self.arn)
        self._check_revision(request.get("ExpectedRevisionId"), deleting=True)
        del self.backend.resource_policies[self.arn]
        return {}

    def _check_revision(self, expected: str | None, deleting: bool = False) -> None:
        """`ExpectedRevisionId` must name the current revision ("NO_POLICY": that there is none)."""
        if not expected or expected == self.current.revision_id:
            return
        if expected == "NO_POLICY" and not deleting:
            detail = (
                "Requested policy update expecting none to be present for stream "
                f"{self.arn}, but a policy exists with revision id {self.current.revision_id}."
            )
        else:
            detail = (
                f"Requested update for policy with revision id {expected}, but the policy associated "
                f"to target stream {self.arn} has revision id {self.current.revision_id}."
            )
        raise _policy_not_found(detail)

    def _require_stream(self) -> None:
        """A stream gets its first policy only while it is its table's stream."""
        table_name, _, label = self.arn.split(":table/", 1)[1].partition("/stream/")
        table = self.backend.tables.get(table_name)
        if table is None or table.latest_stream_label != label:
            raise AWSError("ResourceNotFoundException", "Requested resource not found", 400)


def _policy_not_found(detail: str) -> AWSError:
    message = f"Resource-based policy not found for the provided ResourceArn: {detail}"
    return AWSError("PolicyNotFoundException", message, 400)
