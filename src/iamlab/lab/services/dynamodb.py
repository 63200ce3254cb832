"""DynamoDB: tables by `TableName`; batch calls name their tables as the keys of `RequestItems`."""

from __future__ import annotations

from iamlab.lab.authz.context import tag_dict
from iamlab.lab.services.adapter import Adapter, Denial, Where

BATCH = ("BatchGetItem", "BatchWriteItem")
# A transaction is authorized as each of its items: TransactWriteItems' {"Put": {...}} needs PutItem.
TRANSACTION_ITEMS = {"Get": "GetItem", "Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}
TRANSACTION_ITEMS["ConditionCheck"] = "ConditionCheckItem"


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
        return super().resources(action, api, params, where)

    def _table(self, name: str, where: Where) -> str:
        if name.startswith("arn:"):
            return name
        return f"arn:aws:dynamodb:{where.region}:{where.account}:table/{name}"

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        table = self.backend_for(where).tables.get(arn.split(":table/", 1)[-1])
        return tag_dict(table.tags) if table is not None else {}
