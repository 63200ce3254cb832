"""A Decision is plain data: typed result and reason, typed flow verdicts, visible errors."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import iamlab.policy
from iamlab.policy import Reason, Result, Verdict
from tests.policy.helpers import allow, decide, deny, doc

POLICY_PACKAGE = Path(iamlab.policy.__file__).parent


def test_result_and_reason_are_enums_that_still_compare_as_strings():
    d = decide(allow())
    assert d.result is Result.ALLOWED and d.result == "Allowed"
    assert d.reason is Reason.ALLOWED_BY_IDENTITY and d.reason == "allowed_by_identity"
    assert json.dumps({"result": d.result}) == '{"result": "Allowed"}'
    assert decide(deny()).result is Result.EXPLICITLY_DENIED
    assert decide().result is Result.IMPLICITLY_DENIED


def test_every_flow_step_carries_a_typed_verdict():
    denied = decide(allow(), boundary=doc(allow("ec2:*")))
    verdicts = [step.verdict for step in denied.path]
    assert all(isinstance(v, Verdict) for v in verdicts)
    assert verdicts[0] is Verdict.CONTINUE  # no explicit deny
    assert verdicts[-1] is Verdict.DENY  # the boundary
    assert [s.key for s in denied.path][-1] == "boundary"
    assert decide(deny()).path[0].verdict is Verdict.DENY
    allowed = decide(allow())
    assert Verdict.ALLOW in [s.verdict for s in allowed.path]
    assert Verdict.ABSENT in [s.verdict for s in allowed.path]  # no boundary, no session policy


def test_an_unknown_condition_operator_is_a_visible_error():
    """IAM refuses such a policy ("Syntax errors in policy."); evaluated leniently it matches
    nothing, and the decision says why instead of failing silently."""
    d = decide(
        allow(Condition={"StringEqualz": {"aws:username": "jonnung"}}), context={"aws:username": "jonnung"}
    )
    assert d.result == "ImplicitlyDenied"
    (error,) = d.errors
    assert "unknown condition operator StringEqualz" in error.message
    assert error.statement == "statement #0"
    assert str(error).startswith("identity-based policy statement #0: unknown condition operator")
    assert decide(allow()).errors == ()


def test_malformed_statements_and_documents_are_errors_too():
    d = decide({"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]})
    assert any('Effect must be "Allow" or "Deny"' in e.message for e in d.errors)
    d = decide("not json")
    assert [e.statement for e in d.errors] == [None]


def test_the_engine_has_no_import_cycles():
    """Presentation depends on data, never the reverse: iamlab.policy's modules form no cycle."""
    graph = {}
    for path in POLICY_PACKAGE.glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("iamlab.policy."):
                deps.add(node.module.split(".")[2])
        graph[path.stem] = deps - {path.stem}

    def reaches(start, goal, seen):
        for dep in graph.get(start, ()):
            if dep == goal or (dep not in seen and reaches(dep, goal, seen | {dep})):
                return True
        return False

    cyclic = sorted(module for module in graph if reaches(module, module, {module}))
    assert cyclic == []


def test_errors_are_shown_with_the_explanation():
    d = decide(allow(Condition={"StringEqualz": {"aws:username": "jonnung"}}))
    assert "unknown condition operator StringEqualz" in d.to_text()
    assert "unknown condition operator StringEqualz" in d._repr_html_()
    assert "Policy errors" not in decide(allow()).to_text()
