"""ECR: repositories by `repositoryName`; the repository policy is stored on the repository."""

from __future__ import annotations

from iamlab.lab.services.adapter import Adapter, Denial, Where


class ECR(Adapter):
    denial = Denial("AccessDeniedException", 400)

    def resource_policy(self, arn: str, where: Where) -> tuple[str, str] | None:
        name = arn.split(":repository/", 1)[-1]
        repository = self.backend_for(where).repositories.get(name)
        if repository is None or not repository.policy:
            return None
        return f"repository policy of {name}", repository.policy

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        return dict(self.backend_for(where).tagger.get_tag_dict_for_resource(arn))
