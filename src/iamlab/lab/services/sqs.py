"""SQS: a queue is named by its URL (`http://host/ACCOUNT/NAME`); its policy is the `Policy` attribute."""

from __future__ import annotations

from urllib.parse import urlsplit

from iamlab.lab.services.adapter import Adapter, Denial, Where


class SQS(Adapter):
    denial = Denial("AccessDenied", 403)
    sources = {"QueueName": ("QueueUrl", "QueueName")}
    # A batch needs the permission of the single call it batches.
    actions = {
        "SendMessageBatch": "SendMessage",
        "DeleteMessageBatch": "DeleteMessage",
        "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
    }

    def value(self, variable: str, raw: str, where: Where) -> str | None:
        if variable == "QueueName" and "://" in raw:
            account, _, name = urlsplit(raw).path.strip("/").rpartition("/")
            if not name:
                return None
            return f"arn:aws:sqs:{where.region}:{account or where.account}:{name}"
        return raw

    def resource_policy(self, arn: str, where: Where) -> tuple[str, str] | None:
        name = arn.rsplit(":", 1)[-1]
        queue = self.backend_for(where).queues.get(name)
        if queue is None or not queue.policy:
            return None
        return f"queue policy of {name}", queue.policy

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        queue = self.backend_for(where).queues.get(arn.rsplit(":", 1)[-1])
        return dict(queue.tags) if queue is not None else {}
