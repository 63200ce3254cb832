"""Systems Manager: a parameter's ARN drops its name's leading slash (`parameter/app/db`)."""

from __future__ import annotations

from iamlab.lab.services.adapter import Adapter, Denial, Where


class SSM(Adapter):
    denial = Denial("AccessDeniedException", 400)
    sources = {
        "ParameterNameWithoutLeadingSlash": ("Name", "Names", "Path"),
        "DocumentName": ("DocumentName", "Name"),
        "InstanceId": ("InstanceId", "InstanceIds", "Target"),
        "maintenancewindow:ResourceId": ("WindowId",),
        "PatchBaselineIdResourceId": ("BaselineId",),
    }

    def value(self, variable: str, raw: str, where: Where) -> str | None:
        if variable == "ParameterNameWithoutLeadingSlash":
            return raw if raw.startswith("arn:") else raw.lstrip("/")
        return raw

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        """Tags of a parameter (by its stored name, which may begin with "/") or a document."""
        backend = self.backend_for(where)
        kind, _, rest = arn.split(":", 5)[-1].partition("/")
        if kind == "parameter":
            found = (backend.get_parameter(n) for n in ("/" + rest, rest))
            name = next((p.name for p in found if p is not None), None)
            kind = "Parameter"
        else:
            name, kind = rest, kind.capitalize()  # "document/NAME" -> ("NAME", "Document")
        return dict(backend._resource_tags.get(kind, {}).get(name) or {})
