"""SNS: topics by `TopicArn` (or `Name` when created); the topic policy is its `Policy` attribute."""

from __future__ import annotations

from iamlab.lab.services.adapter import Adapter, Denial, Where


class SNS(Adapter):
    denial = Denial("AuthorizationError", 403)
    sources = {"TopicName": ("Name",)}
    actions = {"PublishBatch": "Publish"}  # a batch needs the permission of the single call

    def resource_policy(self, arn: str, where: Where) -> tuple[str, str] | None:
        topic = self.backend_for(where).topics.get(arn)
        if topic is None:
            return None
        return f"topic policy of {arn.rsplit(':', 1)[-1]}", topic.policy

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        topic = self.backend_for(where).topics.get(arn)
        return dict(topic._tags) if topic is not None else {}
