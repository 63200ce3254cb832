"""What `evaluate` returns: the result, AWS's message, why, and the evidence.

The decision itself is computed eagerly and cheaply; everything explanatory (statement
diagnostics, the flow path, the fix, text and HTML) is computed on first access from the
trace the evaluation left behind, so a hot authorisation path pays only for the verdict.
The data types live in `results`; explaining, fixing and rendering read them, and this
class only ties them together, importing each the first time it is asked for (an authorization
never loads them).
"""

from __future__ import annotations

from iamlab.i18n import _
from iamlab.policy.messages import basic_message, enhanced_message
from iamlab.policy.results import ALLOWED, REASONS, Fix, Reason, Result, Trace


class Decision:
    """The verdict on a Request, with AWS's message and lazily built explanations."""

    __slots__ = ("result", "reason", "request", "_trace", "_cache")

    def __init__(self, result: Result, reason: Reason, request, trace: Trace):
        setter = object.__setattr__
        setter(self, "result", result)  # evaluate passes the enum members themselves
        setter(self, "reason", reason)
        setter(self, "request", request)
        setter(self, "_trace", trace)
        setter(self, "_cache", {})

    @property
    def allowed(self) -> bool:
        return self.result == ALLOWED

    @property
    def message(self) -> str:
        if self.result == ALLOWED:
            return ""
        r = self.request
        return enhanced_message(self._principal_text, r.action, r.resource, self.reason)

    @property
    def basic_message(self) -> str:
        if self.result == ALLOWED:
            return ""
        r = self.request
        return basic_message(self._principal_text, r.action, r.resource)

    @property
    def aws_message(self) -> str:
        """The AccessDenied text AWS returns: STS words it without naming a policy type (the basic
        message); other services name the policy type that denied (the enhanced message)."""
        return self.basic_message if str(self.request.action).lower().startswith("sts:") else self.message

    @property
    def _principal_text(self) -> str:
        """The principal as AWS prints it ("anonymous" for an unsigned request)."""
        principal = self.request.principal
        return principal if isinstance(principal, str) else self._trace.caller.arn

    @property
    def explanation(self) -> str:
        """Why, in one sentence in the learner's language (plus, for Organizations, which level)."""
        from iamlab.policy.explain import ORG_REASONS, org_sentence

        text = _(REASONS[self.reason]) if self.reason in REASONS else str(self.reason)
        if self.reason in ORG_REASONS:
            sentence = org_sentence(self)
            text = f"{text} ({sentence[0].upper()}{sentence[1:]}.)"
        return text

    def _lazy(self, name: str, build):
        if name not in self._cache:
            self._cache[name] = build(self)
        return self._cache[name]

    @property
    def errors(self) -> tuple:
        """EvaluationErrors: what in the policies could not be used (and so matched nothing)."""
        from iamlab.policy.explain import policy_errors

        return self._lazy("errors", policy_errors)

    @property
    def statements(self) -> tuple:
        from iamlab.policy.explain import all_statements

        return self._lazy("statements", all_statements)

    @property
    def deciding(self) -> tuple:
        from iamlab.policy.explain import deciding_statements

        return self._lazy("deciding", deciding_statements)

    @property
    def missing_context_keys(self) -> tuple:
        from iamlab.policy.explain import missing_context_keys

        return self._lazy("missing", missing_context_keys)

    @property
    def path(self) -> tuple:
        from iamlab.policy.explain import flow_path

        return self._lazy("path", flow_path)

    @property
    def fix(self) -> Fix | None:
        from iamlab.policy.fix import suggest_fix

        return self._lazy("fix", suggest_fix)

    def to_text(self) -> str:
        from iamlab.policy.render import as_text

        return as_text(self)

    def _repr_html_(self) -> str:
        from iamlab.policy.render import as_html

        return as_html(self)

    def __repr__(self) -> str:
        r = self.request
        return (
            f"Decision({self.result}, reason={str(self.reason)!r}, action={r.action!r}, "
            f"resource={r.resource!r})"
        )

    def __setattr__(self, name, value):
        raise AttributeError("Decision is read-only")
