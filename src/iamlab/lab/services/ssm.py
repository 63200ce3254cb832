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
