"""Glob patterns (`*` and `?`) as AWS uses them, compiled once to regexes.

A pattern is kept as a tuple of tokens: STAR, ANY_ONE, or a one-character literal.
Policy variables substitute literal text (so `${*}` is a real asterisk), which is why
matching works on tokens rather than on raw strings.

Requests may carry a wildcard resource (`arn:aws:s3:::bucket/*`, "anything under this
prefix"). Then an Allow needs only to *overlap* the request (`intersects`) while a Deny
must *cover* all of it (`covers`); for a plain request both reduce to ordinary matching.
"""

from __future__ import annotations

import re
from functools import lru_cache

STAR = -1
ANY_ONE = -2


def tokens_of(text: str) -> tuple:
    """A policy pattern's tokens: `*` and `?` are wildcards, everything else literal."""
    return tuple(STAR if c == "*" else ANY_ONE if c == "?" else c for c in text)


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def regex_source(tokens: tuple, *, segmented: bool) -> str:
    """Regex text for a token tuple.

    With `segmented`, wildcards in the first five colon-separated ARN fields cannot cross a
    colon (AWS matches an ARN field by field); the sixth field, the resource, may contain
    anything. A pattern with no colon at all (such as `*`) is one plain glob; one with two
    to five fields is a malformed ARN and matches nothing.
    """
    colons_in_pattern = sum(1 for t in tokens if t == ":")
    if segmented and colons_in_pattern == 0:
        segmented = False
    elif segmented and colons_in_pattern < 5:
        return "(?!)"
    out, colons = [], 0
    for t in tokens:
        in_resource = not segmented or colons >= 5
        if t == STAR:
            out.append(".*" if in_resource else "[^:]*")
        elif t == ANY_ONE:
            out.append("." if in_resource else "[^:]")
        else:
            if t == ":":
                colons += 1
            out.append(re.escape(t))
    return "".join(out)


@lru_cache(maxsize=4096)
def glob_regex(pattern: str, ignore_case: bool = False) -> re.Pattern:
    """A compiled full-match regex for a plain glob string (no variables)."""
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(regex_source(tokens_of(pattern), segmented=False), flags)


def intersects(a: tuple, b: tuple) -> bool:
    """Do two token patterns share at least one concrete string?"""
    la, lb = len(a), len(b)
    seen: set = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == la and j == lb:
            return True
        ta = a[i] if i < la else None
        tb = b[j] if j < lb else None
        if ta == STAR:
            stack.append((i + 1, j))
            if j < lb:
                stack.append((i, j + 1))
        if tb == STAR:
            stack.append((i, j + 1))
            if i < la:
                stack.append((i + 1, j))
        if ta is not None and tb is not None and ta != STAR and tb != STAR:
            if ta == ANY_ONE or tb == ANY_ONE or ta == tb:
                stack.append((i + 1, j + 1))
    return False


def covers(general: tuple, specific: tuple) -> bool:
    """Is every string `specific` can stand for also matched by `general`? (sound check)

    `general`'s `*` may absorb any of `specific`'s tokens, its `?` any single non-star
    token, and its literals only the same literal. When this answers True the containment
    certainly holds, so a Deny never applies to more than it should.
    """
    lg, ls = len(general), len(specific)
    seen: set = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == lg and j == ls:
            return True
        if i == lg:
            continue
        g = general[i]
        if g == STAR:
            stack.append((i + 1, j))
            if j < ls:
                stack.append((i, j + 1))
        elif j < ls:
            s = specific[j]
            if (g == ANY_ONE and s != STAR) or (g == s and g != ANY_ONE):
                stack.append((i + 1, j + 1))
            elif g == ANY_ONE and s == ANY_ONE:
                stack.append((i + 1, j + 1))
    return False
