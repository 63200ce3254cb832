"""Adding a service is one adapter file, one registry line and one test file.

The first test plays the newcomer: it writes an adapter for a service moto serves but the lab
does not register (EventBridge), registers it, and the lab decides the service with its real
rule ARNs and answers with its own denial shape, with no other module touched. The second keeps
every other module free of per-service branches, so no second place needs editing.
"""

import ast
from pathlib import Path

import pytest

from iamlab.lab.services.adapter import Adapter, Denial
from iamlab.lab.services.registry import ADAPTERS, adapter_for
from tests.lab.helpers import allow, error_of
from tests.lab.services.common import ACCOUNT, REGION, client_of

LAB = Path(__file__).resolve().parents[3] / "src" / "iamlab" / "lab"
RULE = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/"


class EventBridge(Adapter):
    """A rule's name is `Name` in EventBridge's API; its denial is JSON's AccessDeniedException."""

    denial = Denial("AccessDeniedException", 400)
    sources = {"RuleName": ("Name",)}


@pytest.fixture
def fresh_registry():
    adapter_for.cache_clear()
    yield ADAPTERS
    adapter_for.cache_clear()


def _put_rule(events, name: str):
    return lambda: events.put_rule(Name=name, ScheduleExpression="rate(1 day)")


def test_one_adapter_and_one_registry_line_add_a_service(lab, fresh_registry, monkeypatch):
    events = client_of(lab, "events", "mina", allow("events:PutRule", RULE + "nightly"))

    code, message = error_of(_put_rule(events, "nightly"))  # unregistered: the rule cannot be told
    assert code == "AccessDenied"
    assert "cannot tell which resource events:PutRule acts on" in message

    monkeypatch.setitem(fresh_registry, "events", EventBridge)
    adapter_for.cache_clear()
    _put_rule(events, "nightly")()
    assert (lab.journal[-1].resource, lab.journal[-1].result) == (RULE + "nightly", "Allowed")
    code, message = error_of(_put_rule(events, "weekly"))
    assert code == "AccessDeniedException"
    assert f"events:PutRule on resource: {RULE}weekly" in message


def _named_service(node: ast.expr) -> bool:
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name == "service" or name.endswith("_service") or name == "backend"


def _literal_names(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(_literal_names(e) for e in node.elts)


def _service_branches(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_named_service(s) for s in sides) and any(_literal_names(s) for s in sides):
                found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_outside_the_adapters_branches_on_a_service_name():
    """What a service does differently is its adapter's data (`lab/services/`), looked up by the
    registry; wire-level differences are keyed by protocol (`errors.WORDS`, `sigv4.PATH_AS_SENT`)."""
    modules = [p for p in LAB.rglob("*.py") if "services" not in p.relative_to(LAB).parts]
    assert len(modules) > 30
    found = [b for p in sorted(modules) for b in _service_branches(p.read_text(), str(p.relative_to(LAB)))]
    assert found == []


def test_the_branch_finder_finds_a_branch():
    """The check above can fail: it sees `service == "s3"`, `call.service in ("iam", "sts")`."""
    source = 'def f(call, service):\n    return service == "s3" or call.service in ("iam", "sts")\n'
    assert len(_service_branches(source, "probe.py")) == 2
