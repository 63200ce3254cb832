"""Lambda: `FunctionName` may be a name, `name:qualifier`, a partial ARN or an ARN.

A qualified call (an alias or version, in the name or in `Qualifier`) is authorized
against the qualified ARN, which a policy naming only `function:NAME` does not match.
Lambda speaks REST-JSON, so its denial is JSON with the status in the HTTP line.
"""

from __future__ import annotations

from iamlab.lab.services.adapter import Adapter, Denial, Where


class Lambda(Adapter):
    denial = Denial("AccessDeniedException", 403, protocol="json")
    actions = {"Invoke": "InvokeFunction", "InvokeWithResponseStream": "InvokeFunction"}
    sources = {"LayerVersion": ("VersionNumber",)}

    def resources(self, action: str, api: str, params: dict, where: Where) -> list[str]:
        arns = super().resources(action, api, params, where)
        qualifier = params.get("Qualifier")
        if qualifier and arns and ":function:" in arns[0]:
            arns = [a if a.count(":") > 6 else f"{a}:{qualifier}" for a in arns]
        return arns

    def value(self, variable: str, raw: str, where: Where) -> str | None:
        if variable != "FunctionName":
            return raw
        parts = raw.split(":")
        if raw.startswith("arn:"):
            return raw
        if len(parts) >= 3 and parts[1] == "function":  # ACCOUNT:function:NAME[:QUALIFIER]
            return f"arn:aws:lambda:{where.region}:{raw}"
        return f"arn:aws:lambda:{where.region}:{where.account}:function:{raw}"

    def resource_policy(self, arn: str, where: Where) -> tuple[str, str] | None:
        parts = arn.split(":")
        name, qualifier = parts[6], (parts[7] if len(parts) > 7 else None)
        try:
            function = self.backend_for(where).get_function(name, qualifier)
        except Exception:  # no such function: nothing to consult
            return None
        statements = function.policy.statements if function.policy is not None else []
        if not statements:
            return None
        return f"function policy of {name}", {"Version": "2012-10-17", "Statement": statements}

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        try:
            return dict(self.backend_for(where).get_function(arn).tags or {})
        except Exception:  # no such function: no tags
            return {}
