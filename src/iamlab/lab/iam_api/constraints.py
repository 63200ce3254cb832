"""The checks IAM and STS make on a request's parameters before anything else happens.

AWS validates every parameter against its API model (required, length, pattern, range) and
refuses the request with one `ValidationError` listing each broken constraint, before it
authorizes or acts. botocore ships that model, so the constraints are read from it rather
than retyped. AWS's patterns are Java regular expressions: `\\w` is ASCII only and `\\p{L}`
is a Unicode category, which Python's `re` spells differently.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from moto.core.utils import get_service_model

from iamlab.lab.iam_api.words import API_VERSION, ECHOES_REFUSED_VALUE, say, validation_error

_CATEGORY = re.compile(r"\\p\{(\w)\}")
_NOT_NULL = "Value null at '{}' failed to satisfy constraint: Member must not be null"
_ASTRAL = re.compile(r"\\u(10|[1-9A-F])([0-9A-F]{4})")


@functools.cache
def _matcher(pattern: str):
    """A full-match predicate for one of AWS's (Java) patterns; one Python cannot read accepts all."""
    categories = tuple(_CATEGORY.findall(pattern))
    try:
        if categories:  # `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`: Unicode categories, literal characters, + or *
            body = _CATEGORY.sub("", pattern)
            literal, empty_allowed = re.compile(body[:-1]), body.endswith("*")
            return lambda value: (
                (bool(value) or empty_allowed)
                and all(unicodedata.category(ch)[0] in categories or literal.fullmatch(ch) for ch in value)
            )
        compiled = re.compile(_ASTRAL.sub(lambda m: f"\\U00{int(m[1], 16):02X}{m[2]}", pattern), re.ASCII)
    except re.error:
        return lambda value: True
    return lambda value: compiled.fullmatch(value) is not None


def _label(name: str) -> str:
    return name[0].lower() + name[1:]


def _scalar_problems(shape, value: str, where: str, echo: bool) -> list[str]:
    said = f"Value '{value}' at '{where}'" if echo else f"Value at '{where}'"
    broken = []
    if shape.type_name == "string":
        if "min" in shape.metadata and len(value) < shape.metadata["min"]:
            broken.append(f"Member must have length greater than or equal to {shape.metadata['min']}")
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            broken.append(f"Member must have length less than or equal to {shape.metadata['max']}")
        if "pattern" in shape.metadata and value and not _matcher(shape.metadata["pattern"])(value):
            broken.append(f"Member must satisfy regular expression pattern: {shape.metadata['pattern']}")
        if shape.enum and value not in shape.enum:
            broken.append("Member must satisfy enum value set")
    elif shape.type_name in ("integer", "long") and re.fullmatch(r"-?\d+", value):
        number = int(value)
        if "min" in shape.metadata and number < shape.metadata["min"]:
            broken.append(f"Member must have value greater than or equal to {shape.metadata['min']}")
        if "max" in shape.metadata and number > shape.metadata["max"]:
            broken.append(f"Member must have value less than or equal to {shape.metadata['max']}")
    return [f"{said} failed to satisfy constraint: {rule}" for rule in broken]


def _list_member_problem(shape, where: str) -> str:
    """A list item broke a constraint: AWS names every constraint of the item's shape at once."""
    rules = []
    if "max" in shape.metadata:
        rules.append(f"Member must have length less than or equal to {shape.metadata['max']}")
    if "min" in shape.metadata:
        rules.append(f"Member must have length greater than or equal to {shape.metadata['min']}")
    if "pattern" in shape.metadata:
        rules.append(f"Member must satisfy regular expression pattern: {shape.metadata['pattern']}")
    rules.append("Member must not be null")
    every = ", ".join(rules)
    return f"Value at '{where}' failed to satisfy constraint: Member must satisfy constraint: [{every}]"


def _items(params: dict[str, str], prefix: str) -> list[int]:
    """Indexes 1..n of a query-protocol list `Name.member.N...` present in the request."""
    found = set()
    for key in params:
        if key.startswith(prefix):
            head = key[len(prefix) :].split(".", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)


def _problems(shape, params: dict[str, str], prefix: str, where: str, echo: bool) -> list[str]:
    problems = []
    required = set(getattr(shape, "required_members", ()) or ())
    for name, member in shape.members.items():
        key, label = f"{prefix}{name}", f"{where}{_label(name)}"
        if member.type_name == "list":
            indexes = _items(params, f"{key}.member.")
            if "max" in member.metadata and len(indexes) > member.metadata["max"]:
                problems.append(
                    f"Value at '{label}' failed to satisfy constraint: Member must have length less than "
                    f"or equal to {member.metadata['max']}"
                )
            for index in indexes:
                item = f"{key}.member.{index}"
                if member.member.type_name == "structure":
                    problems += _problems(member.member, params, f"{item}.", f"{label}.{index}.member.", echo)
            scalars = [params[f"{key}.member.{i}"] for i in indexes if f"{key}.member.{i}" in params]
            if member.member.type_name != "structure" and any(
                _scalar_problems(member.member, value, label, echo) for value in scalars
            ):
                problems.append(_list_member_problem(member.member, label))
            if name in required and not indexes and key not in params:
                problems.append(_NOT_NULL.format(label))
        elif member.type_name == "structure":
            problems += _problems(member, params, f"{key}.", f"{label}.", echo)
        elif key in params:
            problems += _scalar_problems(member, params[key], label, echo)
        elif name in required:
            problems.append(_NOT_NULL.format(label))
    return problems


def _role_arn_parses(arn: str) -> bool:
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and all(parts[i] for i in (1, 2, 5))


def _session_tags(params: dict[str, str]) -> None:
    """STS's own checks of session tags: keys unique ignoring case, transitive keys among them."""
    keys = [params[k].lower() for k in params if k.startswith("Tags.member.") and k.endswith(".Key")]
    if len(keys) != len(set(keys)):
        raise say("sts_duplicate_tags")
    transitive = [params[k].lower() for k in params if k.startswith("TransitiveTagKeys.member.")]
    if any(key not in keys for key in transitive):
        raise say("transitive_not_tagged")


# Parameters whose broken pattern AWS reports in words of its own, not the model's constraint.
PATTERN_WORDS = {("CreateVirtualMFADevice", "path"): "path_invalid"}


def check_request(service: str, params: dict[str, str]) -> None:
    """Raise AWS's error for a request IAM or STS would refuse before reading it further."""
    if service not in API_VERSION:
        return
    model = get_service_model(service)
    action = params.get("Action", "")
    if action not in model.operation_names:
        raise say("invalid_action", action=action, version=API_VERSION[service])
    shape = model.operation_model(action).input_shape
    if shape is None:
        return
    problems = _problems(shape, params, "", "", echo=service in ECHOES_REFUSED_VALUE)
    for (api, member), word in PATTERN_WORDS.items():
        if api == action and any(p.startswith(f"Value at '{member}'") and "pattern" in p for p in problems):
            raise say(word)
    if problems:
        raise validation_error(problems)
    if action == "AssumeRole":
        if not _role_arn_parses(params["RoleArn"]):
            raise say("role_arn_invalid", arn=params["RoleArn"])
        _session_tags(params)
