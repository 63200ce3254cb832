"""DynamoDB: tables by `TableName`; batch calls name their tables as the keys of `RequestItems`.

A table or a stream may have a resource-based policy (PutResourcePolicy), which moto keeps by
the ARN it was put on. An index has none of its own: "You can control index permissions using
the base table's policy" (DynamoDB API Reference, PutResourcePolicy).
"""

from __future__ import annotations

import re

from iamlab.lab.authz.context import tag_dict
from iamlab.lab.services import reference
from iamlab.lab.services.adapter import Adapter, Denial, Where

BATCH = ("BatchGetItem", "BatchWriteItem")
# A transaction is authorized as each of its items: TransactWriteItems' {"Put": {...}} needs PutItem.
TRANSACTION_ITEMS = {"Get": "GetItem", "Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}
TRANSACTION_ITEMS["ConditionCheck"] = "ConditionCheckItem"
# A stream's label is a timestamp with colons ("2024-02-12T18:57:26.492"), which the reference's
# generic pattern does not allow; a shard iterator begins with its stream's ARN ("ARN|1|id").
STREAM = re.compile(r"arn:aws:dynamodb:[^:]*:[^:]*:table/[^/]+/stream/[^|/]+")
STREAM_PARAMS = ("StreamArn", "ResourceArn", "ShardIterator")


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
