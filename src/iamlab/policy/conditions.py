"""Condition operators: AND across operators and keys, OR across a key's values.

Each operator is reduced to a positive comparison plus flags: negated (`StringNotEquals`
is "not StringEquals"), `...IfExists`, and the set qualifiers `ForAllValues:` /
`ForAnyValue:`. A missing key makes positive operators false and negated ones true;
IfExists and ForAllValues treat a missing key as a match, ForAnyValue as a miss.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple

from iamlab.policy.variables import Template
from iamlab.policy.wildcards import STAR, glob_regex, regex_source

# positive comparison name -> negated operator spellings that map onto it
_NEGATIONS = {
    "stringnotequals": "stringequals",
    "stringnotequalsignorecase": "stringequalsignorecase",
    "stringnotlike": "stringlike",
    "numericnotequals": "numericequals",
    "datenotequals": "dateequals",
    "notipaddress": "ipaddress",
    "arnnotequals": "arnequals",
    "arnnotlike": "arnlike",
}
_POSITIVE = {
    "stringequals",
    "stringequalsignorecase",
    "stringlike",
    "numericequals",
    "numericlessthan",
    "numericlessthanequals",
    "numericgreaterthan",
    "numericgreaterthanequals",
    "dateequals",
    "datelessthan",
    "datelessthanequals",
    "dategreaterthan",
    "dategreaterthanequals",
    "bool",
    "binaryequals",
    "ipaddress",
    "arnequals",
    "arnlike",
    "null",
}
QUALIFIERS = {"forallvalues": "all", "foranyvalue": "any"}
# The guide, operator by operator: policy variables work with String, Boolean and ARN
# operators; with Numeric, Date, Binary, IpAddress and Null the `${...}` text stays literal.
_SUBSTITUTING = {
    "stringequals",
    "stringequalsignorecase",
    "stringlike",
    "bool",
    "arnequals",
    "arnlike",
}
# Operators whose policy values are glob patterns: substituted parts are literal text there
# (`${*}` is a real asterisk, and so is a `*` inside a variable's value).
_PATTERNS = {"stringlike", "arnequals", "arnlike"}


class Operator(NamedTuple):
    """An operator name split into what it compares and how."""

    name: str  # as written in the policy
    base: str | None  # positive comparison, lower case; None when unknown
    negated: bool
    if_exists: bool
    qualifier: str | None  # "all" | "any" | None


@lru_cache(maxsize=512)
def parse_operator(name: str) -> Operator:
    text = str(name)
    qualifier = None
    if ":" in text:
        prefix, text = text.split(":", 1)
        qualifier = QUALIFIERS.get(prefix.lower())
        if qualifier is None:
            return Operator(name, None, False, False, None)
    lowered = text.lower()
    if_exists = lowered.endswith("ifexists") and lowered != "ifexists"
    if if_exists:
        lowered = lowered[: -len("ifexists")]
    negated = lowered in _NEGATIONS
    base = _NEGATIONS.get(lowered, lowered)
    if base not in _POSITIVE or (base == "null" and if_exists):
        return Operator(name, None, False, False, None)
    return Operator(name, base, negated, if_exists, qualifier)


def request_values(raw) -> list[str] | None:
    """A context value as a list of strings; None when the key is absent."""
    if raw is None:
        return None
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif item is not None and not isinstance(item, (dict, list, tuple)):
            out.append(str(item))
    return out


def policy_value_text(value) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


class Condition:
    """One operator applied to one key with its policy values."""

    __slots__ = ("operator", "key", "key_lower", "values", "templates", "plain_values")

    def __init__(self, operator: str, key: str, values, substitute: bool):
        self.operator = parse_operator(operator)
        self.key = str(key)
        self.key_lower = self.key.lower()
        items = values if isinstance(values, list) else [values]
        texts = [t for t in (policy_value_text(v) for v in items) if t is not None]
        self.values = tuple(texts)
        substitute = substitute and self.operator.base in _SUBSTITUTING
        self.templates = tuple(Template(t, substitute) for t in texts)
        plain = all(t.is_plain for t in self.templates)
        self.plain_values = self.values if plain else None

    @property
    def names_principal_arn(self) -> bool:
        """Does this condition name principals by `aws:PrincipalArn` (a positive match, not "all but")?"""
        op = self.operator
        return (
            self.key_lower == "aws:principalarn"
            and op.base in _SUBSTITUTING
            and op.base != "bool"
            and not op.negated
            and not op.if_exists
            and op.qualifier is None
        )

    @property
    def variable_keys(self) -> tuple:
        return tuple(k for t in self.templates for k in t.keys)

    def resolved_values(self, context: dict) -> list[str]:
        if self.plain_values is not None:
            return list(self.plain_values)
        return [v for v in (t.text_value(context) for t in self.templates) if v is not None]

    def _expected(self, context: dict) -> list:
        """The values to compare: strings, or token tuples for substituted glob patterns."""
        if self.plain_values is not None or self.operator.base not in _PATTERNS:
            return self.resolved_values(context)
        return [v for v in (t.tokens(context) for t in self.templates) if v is not None]

    def holds(self, context: dict) -> bool:
        """Does the condition hold for this (lower-cased key) context?"""
        op = self.operator
        if op.base is None:
            return False
        raw = context.get(self.key_lower)
        if op.base == "null":
            present = raw is not None and raw != []
            wanted = [v.lower() for v in self.resolved_values(context)]
            return any((v == "true") != present for v in wanted if v in ("true", "false"))
        found = request_values(raw)
        if found is None or (not found and op.qualifier != "all"):
            if op.if_exists or op.qualifier == "all":
                return True
            if op.qualifier == "any":
                return False
            return op.negated
        expected = self._expected(context)
        compare = COMPARISONS[op.base]
        if op.qualifier == "all":
            return all(_any_match(compare, expected, v) != op.negated for v in found)
        if op.qualifier == "any":
            return any(_any_match(compare, expected, v) != op.negated for v in found)
        matched = any(_any_match(compare, expected, v) for v in found)
        return matched != op.negated


def _any_match(compare, expected: list[str], actual: str) -> bool:
    for value in expected:
        try:
            if compare(value, actual):
                return True
        except (ValueError, TypeError, OverflowError):
            continue
    return False


def _number(text: str) -> float:
    return float(text.strip())


@lru_cache(maxsize=2048)
def to_epoch(text: str) -> float:
    """ISO 8601 date/time or epoch seconds, as epoch seconds (UTC when no zone is given)."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _binary_equals(expected: str, actual: str) -> bool:
    try:
        return base64.b64decode(expected, validate=True) == base64.b64decode(actual, validate=True)
    except (binascii.Error, ValueError):
        return expected == actual


@lru_cache(maxsize=1024)
def _network(text: str):
    return ipaddress.ip_network(text.strip(), strict=False)


def _ip_in(expected: str, actual: str) -> bool:
    network = _network(expected)
    if "/" in actual:
        candidate = _network(actual)
        return candidate.version == network.version and candidate.subnet_of(network)
    address = ipaddress.ip_address(actual.strip())
    return address.version == network.version and address in network


def _like(expected, actual: str) -> bool:
    if isinstance(expected, tuple):  # tokens: literal text from variables, wildcards from the policy
        return _token_regex(expected, segmented=False).fullmatch(actual) is not None
    return glob_regex(expected).fullmatch(actual) is not None


@lru_cache(maxsize=1024)
def _token_regex(tokens: tuple, segmented: bool) -> re.Pattern:
    return re.compile(regex_source(tokens, segmented=segmented), re.DOTALL)


def _arn_like(expected, actual: str) -> bool:
    if isinstance(expected, tuple):
        if expected == (STAR,):
            return True
        return actual.count(":") >= 5 and _token_regex(expected, segmented=True).fullmatch(actual) is not None
    if expected == "*":
        return True
    want, got = expected.split(":", 5), actual.split(":", 5)
    if len(want) != 6 or len(got) != 6:
        return False
    return all(glob_regex(w).fullmatch(g) is not None for w, g in zip(want, got, strict=True))


def _bool(expected: str, actual: str) -> bool:
    return expected.lower() == actual.lower()


COMPARISONS = {
    "stringequals": lambda e, a: e == a,
    "stringequalsignorecase": lambda e, a: e.casefold() == a.casefold(),
    "stringlike": _like,
    "numericequals": lambda e, a: _number(a) == _number(e),
    "numericlessthan": lambda e, a: _number(a) < _number(e),
    "numericlessthanequals": lambda e, a: _number(a) <= _number(e),
    "numericgreaterthan": lambda e, a: _number(a) > _number(e),
    "numericgreaterthanequals": lambda e, a: _number(a) >= _number(e),
    "dateequals": lambda e, a: to_epoch(a) == to_epoch(e),
    "datelessthan": lambda e, a: to_epoch(a) < to_epoch(e),
    "datelessthanequals": lambda e, a: to_epoch(a) <= to_epoch(e),
    "dategreaterthan": lambda e, a: to_epoch(a) > to_epoch(e),
    "dategreaterthanequals": lambda e, a: to_epoch(a) >= to_epoch(e),
    "bool": _bool,
    "binaryequals": _binary_equals,
    "ipaddress": _ip_in,
    "arnequals": _arn_like,
    "arnlike": _arn_like,
}
