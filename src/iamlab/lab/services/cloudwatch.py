"""CloudWatch (signing name `monitoring`, actions `cloudwatch:`): alarms and dashboards are resources.

Metric actions have no resource type ("*"). moto parses CloudWatch's requests itself, whether
they arrive as query, JSON or CBOR.
"""

from __future__ import annotations

from iamlab.lab.services.adapter import Adapter, Operation, Where
from iamlab.lab.services.reference import resource_types
from iamlab.policy.statement import as_list


class CloudWatch(Adapter):
    prefix = "cloudwatch"

    def resolve(self, op: Operation, handler, params: dict, caller, where: Where) -> None:
        alarm = f"arn:aws:cloudwatch:{where.region}:{where.account}:alarm:"
        names = as_list(params.get("AlarmNames") or params.get("AlarmName") or [])
        dashboards = as_list(params.get("DashboardNames") or params.get("DashboardName") or [])
        if params.get("ResourceARN"):
            arns = [params["ResourceARN"]]
        elif names:
            arns = [alarm + name for name in names]
        elif dashboards:
            arns = [f"arn:aws:cloudwatch::{where.account}:dashboard/{name}" for name in dashboards]
        elif "alarm" in resource_types(op.action):
            arns = [alarm + "*"]
        else:
            arns = ["*"]
        op.resource = arns[0]
        op.also.extend((op.action, arn) for arn in arns[1:])
        if op.api == "PutMetricData" and "Namespace" in params:
            op.context["cloudwatch:namespace"] = params["Namespace"]
        if op.api == "PutMetricAlarm" and params.get("AlarmActions"):
            op.context["cloudwatch:AlarmActions"] = as_list(params["AlarmActions"])
