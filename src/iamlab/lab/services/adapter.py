"""The default adapter: a service's resources read from the reference and the request.

`Adapter.resources` fills each ARN template of the action with the request's parameters,
named as botocore's input shapes name them: `${TableName}` from `TableName`,
`${RepositoryName}` from `repositoryName`, a whole ARN from any parameter holding one of
the right type. A service adapter subclasses it only for what the default cannot know:
a variable held under another name (`sources`), a value to convert (`value`, e.g. a queue
URL), its resource policy, its own denial shape, or (IAM, STS, S3, CloudWatch) the whole
question (`resolve`, `describe`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from iamlab.i18n import _
from iamlab.lab import accounts
from iamlab.lab.authz import passrole
from iamlab.lab.authz.context import tag_dict
from iamlab.lab.authz.policies import as_policy
from iamlab.lab.moto import backends
from iamlab.lab.services import reference
from iamlab.lab.services.params import api_of, folded_params, request_params
from iamlab.lab.wire.errors import AWSError
from iamlab.policy.statement import as_list

# An API that creates resources of a type, or lists them without naming one, is authorized
# against the type with "*" for the id ("arn:aws:ec2:...:instance/*" for RunInstances,
# "arn:aws:ecr:...:repository/*" for DescribeRepositories without names).
UNNAMED_VERBS = (
    *("Create", "Run", "Allocate", "Import", "Copy", "Register", "Request", "Purchase"),
    *("Describe", "List"),
)


@dataclass
class Operation:
    """One authorization question: may the caller do `action` on `resource` with `context`?"""

    api: str
    action: str
    resource: str
    context: dict = field(default_factory=dict)
    # more questions the request asks: (action, resource) or (action, resource, extra context)
    also: list[tuple] = field(default_factory=list)
    # questions about the resources of a batch whose denial the service reports in its answer
    # (BatchGetSecretValue's `Errors`) instead of refusing the call; the gate fills `denied`
    each: list[tuple[str, str]] = field(default_factory=list)
    denied: dict[str, str] = field(default_factory=dict)  # resource ARN -> the service's denial message


class Denial(NamedTuple):
    """How a service says "not authorized": its error code, HTTP status and wire protocol.

    `protocol` None lets the request's own headers choose (see `errors.protocol_of`); a named
    protocol also words the front door's refusals (`errors.WORDS`).
    """

    code: str = "AccessDenied"
    status: int = 403
    protocol: str | None = None
    preface: str = ""  # text the service puts before the standard message

    def message(self, text: str) -> str:
        return f"{self.preface}{text}"

    def text(self, decision) -> str:
        """What the service says about the denied `decision`, before any preface."""
        return decision.aws_message  # STS's carries only the basic sentence, the others the reason

    def error(self, text: str) -> AWSError:
        """`text` as the service's own denial: its code, status and wording."""
        return AWSError(self.code, self.message(text), self.status)


class Where(NamedTuple):
    """The account and region a request is served in, which fill `${Account}` and `${Region}`."""

    account: str
    region: str


class Unresolved(Exception):
    """The request does not say which resource it acts on, so it cannot be decided faithfully."""


class Adapter:
    """What the lab knows about one service; this class alone serves any service generically."""

    prefix = ""  # IAM action prefix; the signing name when empty
    backend = ""  # moto's backend name, for `backend_for`
    denial = Denial()
    actions: dict[str, str] = {}  # API -> IAM action name, where they differ
    # template variable ("Var", or "type:Var" for one resource type) -> the parameters that can hold it
    sources: dict[str, tuple[str, ...]] = {}
    # A request for another account's resource is served by that account's backend (moto would
    # look in the caller's); False where moto finds the owner itself or the service never needs it.
    served_by_owner = True
    endpoint_region: str | None = None  # a global service's one endpoint region (IAM: us-east-1)

    def __init__(self, service: str):
        self.service = service
        self.prefix = self.prefix or service

    # -- the question --------------------------------------------------------------------------
    def describe(self, handler, moto_resource: str, caller, where: Where) -> Operation:
        """The IAM question behind the request `handler` is serving: its action, resources,
        request tags (`aws:RequestTag/*`) and the roles it passes (`iam:PassRole`)."""
        api = api_of(handler, self.service)
        op = Operation(api=api, action=self.action(api), resource=moto_resource or "*")
        params = folded_params(handler)
        self.resolve(op, handler, params, caller, where)
        _request_tags(op, params)
        resources = [op.resource, *(question[1] for question in op.also)]
        body, iam = getattr(handler, "body", None), backends.iam(where.account)
        op.also.extend(passrole.questions(self.prefix, api, params, body, resources, iam))
        return op

    def resolve(self, op: Operation, handler, params: dict, caller, where: Where) -> None:
        """Set `op`'s IAM action, the resources it is authorized against and its request tags.

        A request whose resource cannot be told is refused: deciding it against "*" would let a
        Deny that names one resource miss it.
        """
        params = request_params(handler, op.api, self.service)  # as the model shapes them
        try:
            if params is None:  # unreadable: its resource may be named where the lab cannot see it
                if reference.resource_types(self.action(op.api)):
                    raise Unresolved(op.api)
                params = {}  # an action AWS authorizes against "*" whatever the request says
            operations = self.operations(op.api, params, where)
            if not operations:
                raise Unresolved(op.api)
        except Unresolved:
            message = _(
                "iamlab cannot tell which resource {action} acts on from this request, so it refuses it "
                'rather than decide it against "*".'
            ).format(action=self.action(op.api))
            raise AWSError(self.denial.code, message, self.denial.status) from None
        (op.action, op.resource), *rest = operations
        op.also.extend(rest)
        tags = params.get("Tags") or params.get("tags")
        tags = tag_dict(tags) if isinstance(tags, list) else tags if isinstance(tags, dict) else {}
        if tags and "aws:TagKeys" not in op.context:
            op.context.update({f"aws:RequestTag/{k}": v for k, v in tags.items()})
            op.context["aws:TagKeys"] = list(tags)

    def operations(self, api: str, params: dict, where: Where) -> list[tuple[str, str]]:
        """Every (IAM action, resource ARN) the call is authorized as, the one AWS reports first."""
        action = self.action(api)
        if not reference.known(action):  # an API whose IAM action the lab cannot name
            raise Unresolved(action)
        return [(action, arn) for arn in self.resources(action, api, params, where)]

    def action(self, api: str) -> str:
        return f"{self.prefix}:{self.actions.get(api, api)}"

    def resources(self, action: str, api: str, params: dict, where: Where) -> list[str]:
        """The ARNs `action` is authorized against for this request; ["*"] when it has no resource type."""
        slots = _in_order(action, api)
        if not slots:
            return ["*"]
        request = _Lookup(params)
        found: list[str] = []
        for slot in slots:
            for arn in self._fill(slot, api, request, where):
                if arn not in found:
                    found.append(arn)
        if not found:
            raise Unresolved(action)
        return _most_specific(found)

    def _fill(self, slot: reference.Slot, api: str, request: _Lookup, where: Where) -> list[str]:
        whole = [arn for arn in request.arns if slot.pattern.match(arn)]
        if whole:
            return whole
        choices = []
        for variable in slot.variables:
            names = self.sources.get(f"{slot.kind}:{variable}") or self.sources.get(variable, ())
            guesses = (variable, variable + "s", variable.removesuffix("Name"))  # `Rule` for ${RuleName}
            raw = request.first(names + guesses)
            if raw is None:
                if not _unnamed(api, slot.kind):
                    return []
                raw = "*"
            values = [self.value(variable, str(v), where) for v in (raw if isinstance(raw, list) else [raw])]
            if any(v is None for v in values):
                return []
            choices.append(values)
        arns = []
        for combination in itertools.product(*choices):
            given = next((v for v in combination if v.startswith("arn:")), None)
            if given is not None:  # the adapter resolved the whole ARN (an alias, a queue URL, ...)
                arns.append(given)
                continue
            values = {"Partition": "aws", "Region": where.region, "Account": where.account}
            values.update(zip(slot.variables, combination, strict=True))
            arns.append(slot.fill(values))
        return arns

    def value(self, variable: str, raw: str, where: Where) -> str | None:
        """The template value (or a whole ARN) for `variable` as the request gave it; None: unknown."""
        return raw

    def before_action(self, gate, call, handler, op: Operation, params: dict[str, str]) -> None:
        """Once the caller is authorized: refuse what the service refuses before acting (raise
        `AWSError`), or answer the request itself (set `call.answer`, raise `Refused`)."""

    # -- resource-based policy -----------------------------------------------------------------
    def owner(self, arn: str) -> str | None:
        """The account that owns the resource `arn`; None when its ARN does not say."""
        return accounts.account_of_arn(arn)

    def policy(self, action: str, arn: str, where: Where):
        """The resource-based policy AWS consults for `action` on `arn`, read in the account that
        owns it, as an engine Policy; None when there is none."""
        found = self.resource_policy(arn, where_of(arn, where))
        if found is None:
            return None
        name, document = found
        return as_policy(document, kind="resource", name=name, source_type="resource")

    def resource_policy(self, arn: str, where: Where) -> tuple[str, str] | None:
        """(name, document) of the policy attached to the resource `arn`, if the service keeps one."""
        return None

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        """The tags on the resource `arn` (`aws:ResourceTag/*`); {} when it has none or is not there."""
        return {}

    def resource_policy_required(self, arn: str) -> bool:
        """Whether IAM policies grant on `arn` only what its resource policy lets them grant."""
        return False

    def backend_for(self, where: Where):
        return backends.backend(self.backend or self.service, where.account, where.region)


def _request_tags(op: Operation, params: dict) -> None:
    """`aws:RequestTag/*` and `aws:TagKeys` for requests that tag (Tag*, Create* with tags, sessions)."""
    tags = tag_dict(params.get("Tags"))
    if tags:
        for key, value in tags.items():
            op.context[f"aws:RequestTag/{key}"] = value
        op.context["aws:TagKeys"] = list(tags)
    elif op.api.startswith("Untag") and params.get("TagKeys"):
        op.context["aws:TagKeys"] = as_list(params["TagKeys"])


def where_of(arn: str, fallback: Where) -> Where:
    """The account and region that own the resource `arn` (the request's when the ARN omits them)."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return fallback
    return Where(parts[4] or fallback.account, parts[3] or fallback.region)


class _Lookup:
    """A request's top-level parameters, found by name whatever the case of the first letter."""

    __slots__ = ("params", "arns")

    def __init__(self, params: dict):
        self.params = {str(k).lower(): v for k, v in params.items() if v not in (None, "", [])}
        arns = []
        for value in self.params.values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item.startswith("arn:"):
                    arns.append(item)
        self.arns = arns

    def first(self, names: tuple[str, ...]):
        for name in names:
            value = self.params.get(name.lower())
            if isinstance(value, (str, int)) or (isinstance(value, list) and value and _scalars(value)):
                return value
        return None


def _scalars(values: list) -> bool:
    return all(isinstance(v, (str, int)) for v in values)


@lru_cache(maxsize=4096)
def _in_order(action: str, api: str) -> tuple[reference.Slot, ...]:
    """The action's slots, the type the API is named after first: AWS names it in a denial."""
    return tuple(sorted(reference.slots(action), key=lambda slot: not _names(api, slot.kind)))


def _names(api: str, kind: str) -> bool:
    noun = kind.replace("-", "").replace(" ", "").lower()
    return noun.removesuffix("y") in api.lower()  # "repository" in "DescribeRepositories"


def _unnamed(api: str, kind: str) -> bool:
    return api.startswith(UNNAMED_VERBS) and _names(api, kind)


def _most_specific(arns: list[str]) -> list[str]:
    """Drop an ARN another one refines (a table when the request names its index)."""
    return [a for a in arns if not any(b != a and b.startswith(a) and b[len(a)] in "/:" for b in arns)]
