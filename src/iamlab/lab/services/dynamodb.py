"""DynamoDB: tables by `TableName`; batch calls name their tables as the keys of `RequestItems`."""

from __future__ import annotations

from iamlab.lab.services.adapter import Adapter, Denial, Where

BATCH = ("BatchGetItem", "BatchWriteItem")


class DynamoDB(Adapter):
    denial = Denial("AccessDeniedException", 400)

    def resources(self, action: str, api: str, params: dict, where: Where) -> list[str]:
        if api in BATCH and isinstance(params.get("RequestItems"), dict):
            return [self._table(name, where) for name in params["RequestItems"]]
        return super().resources(action, api, params, where)

    def _table(self, name: str, where: Where) -> str:
        if name.startswith("arn:"):
            return name
        return f"arn:aws:dynamodb:{where.region}:{where.account}:table/{name}"
