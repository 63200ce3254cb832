"""The gate every lab request passes: authorize with iamlab.policy, then let moto act.

moto calls `Gate.authorize` (through the hook in `lab/moto/hooks.py`) before it performs
any action. The caller is already authenticated by the WSGI front (`lab/wire/front.py`);
here the request becomes an engine `Request`, the applicable policies are gathered,
and a denial becomes AWS's own `AccessDenied`, recorded in the journal.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult

from iamlab.lab import accounts, iam_api
from iamlab.lab.authz import actions, policies
from iamlab.lab.authz.decision import decide
from iamlab.lab.iam_api.words import say
from iamlab.lab.journal import Entry
from iamlab.lab.moto import backends, hooks, managed
from iamlab.lab.services.adapter import Where
from iamlab.lab.services.params import member_list, query_params, tag_pairs
from iamlab.lab.services.registry import adapter_for, owner_of
from iamlab.lab.services.sts import ASSUME_ACTIONS, role_by_arn
from iamlab.lab.wire.errors import AWSError, Refused
from iamlab.lab.wire.identity import SessionExtras
from iamlab.policy import MalformedPolicyDocument, Policy
from iamlab.policy.messages import basic_message

# API -> (parameter holding a policy document, policy kind) validated before moto stores it.
POLICY_WRITES = {
    "CreatePolicy": ("PolicyDocument", "identity"),
    "CreatePolicyVersion": ("PolicyDocument", "identity"),
    "PutUserPolicy": ("PolicyDocument", "identity"),
    "PutGroupPolicy": ("PolicyDocument", "identity"),
    "PutRolePolicy": ("PolicyDocument", "identity"),
    "CreateRole": ("AssumeRolePolicyDocument", "trust"),
    "UpdateAssumeRolePolicy": ("PolicyDocument", "trust"),
}


def _simulate(gate, api, params):
    from iamlab.lab.authz import simulator  # the simulator (and its checks) only for the calls that need it

    return simulator.simulate(gate.lab, api, params)


def _put_user_boundary(gate, api, params):
    if api != "CreateUser":  # CreateUser records the boundary before moto creates the user
        gate.iam.get_user(params["UserName"])
    managed.ensure(gate.iam, [params["PermissionsBoundary"]])
    arn = params["PermissionsBoundary"]
    if arn not in gate.iam.managed_policies:
        raise say("no_boundary", arn=arn)
    gate.lab.user_boundaries[params["UserName"]] = arn
    return {}


def _delete_user_boundary(gate, api, params):
    gate.iam.get_user(params["UserName"])
    gate.lab.user_boundaries.pop(params["UserName"], None)
    return {}


# IAM actions moto lacks, answered by the lab itself after authorization.
LAB_ANSWERED = {
    "iam:SimulatePrincipalPolicy": _simulate,
    "iam:SimulateCustomPolicy": _simulate,
    "iam:PutUserPermissionsBoundary": _put_user_boundary,
    "iam:DeleteUserPermissionsBoundary": _delete_user_boundary,
}


MAX_ROLE_DURATION = 43200
CHAINED_SESSION_LIMIT = 3600


class Gate:
    def __init__(self, lab):
        self.lab = lab

    # -- moto state -------------------------------------------------------------------------
    @property
    def account_id(self) -> str:
        """The account being served: the caller's during a request, the lab's own otherwise."""
        call = hooks.current_call()
        caller = getattr(call, "caller", None)
        return caller.account_id if caller is not None else self.lab.account_id

    @property
    def iam(self):
        return backends.iam(self.account_id)

    # -- the hook ---------------------------------------------------------------------------
    def authorize(self, handler, call, moto_resource: str) -> None:
        """Decide the request moto is about to serve; raise `Refused` to stop it."""
        try:
            self._authorize(handler, call, moto_resource)
        except AWSError as error:
            call.refusal = error
            raise Refused() from None
        except ServiceException as error:  # moto's own answer (e.g. NoSuchEntity) from a lab-answered API
            call.refusal = AWSError(error.code, error.message)
            raise Refused() from None

    def _authorize(self, handler, call, moto_resource: str) -> None:
        caller = call.caller
        params = query_params(handler)
        iam_api.check_request(call.service, params)
        adapter = adapter_for(call.service)
        try:
            op = actions.describe(handler, call.service, moto_resource, caller, self.account_id)
        except AWSError as refusal:  # a resource the lab cannot name is refused, and the journal says so
            self._record_refusal(call, refusal)
            raise
        call.operation = op
        if op.api in ASSUME_ACTIONS:
            self._check_duration_syntax(params)
            if self._role_by_arn(op.resource) is None:  # no trust policy can name the caller
                self._refuse_missing_role(call, op)
        policy_set = policies.for_caller(self.iam, caller, self.lab.user_boundaries)
        context = self.lab.request_context(caller, call) | op.context
        decisions = []
        for action, resource, *extra in [(op.action, op.resource), *op.also]:
            asked = context | (extra[0] if extra else {})
            decision = decide(self, caller.arn, caller.account_id, action, resource, asked, policy_set)
            decisions.append(decision)
            if not decision.allowed:
                message = adapter.denial.text(decision)
                self._record(call, decision, message)
                raise adapter.denial.error(message)
        self._record(call, decisions[0], "")  # the journal shows the request's own action
        for action, resource in op.each:  # denied ones are reported in the answer, not refused
            decision = decide(self, caller.arn, caller.account_id, action, resource, context, policy_set)
            if not decision.allowed:
                op.denied[resource] = adapter.denial.text(decision)
                self._record(call, decision, op.denied[resource])
        self._serve_in_owning_account(handler, call, op, adapter)
        managed.prepare_for(self.iam, op.api, params)
        adapter.before_action(self, call, handler, op, params)
        if op.action in LAB_ANSWERED:
            result = LAB_ANSWERED[op.action](self, op.api, params)
            call.answer = handler.serialized(ActionResult(result))
            raise Refused()
        if op.api in POLICY_WRITES:
            self._validate_policy_write(op, params)
        if (
            op.api == "CreateUser"
            and params.get("PermissionsBoundary")
            and params["UserName"] not in self.iam.users
        ):
            _put_user_boundary(self, op.api, params)
        if op.api in ASSUME_ACTIONS:
            call.pending_session = self._session_extras(caller, params, op)

    def ask(self, call, action: str, resource: str, context: dict, why: str):
        """The Decision on the caller of `call` doing another `action` on `resource`, asked as the
        request's own questions are (S3 asks `s3:ListBucket` before saying a key does not exist);
        a denial is journaled with `why`."""
        caller = call.caller
        policy_set = policies.for_caller(self.iam, caller, self.lab.user_boundaries)
        asked = self.lab.request_context(caller, call) | context
        decision = decide(self, caller.arn, caller.account_id, action, resource, asked, policy_set)
        if not decision.allowed:
            self._record(call, decision, why)
        return decision

    def _serve_in_owning_account(self, handler, call, op, adapter) -> None:
        """A queue or key of another account is served by that account's backend, as in AWS
        (moto would look in the caller's), for services whose adapter says so."""
        owner = self.resource_account(op.resource)
        if owner != call.caller.account_id and owner in self.lab.accounts and adapter.served_by_owner:
            handler.current_account = owner

    def refuse_ungated(self, call, route: str) -> None:
        """moto served a request without asking the gate: answer AccessDenied, as no policy allowed it."""
        message = (
            f"User: {call.caller.arn} is not authorized to perform this request: "
            f"the lab could not decide it ({route})."
        )
        self.lab.journal.record(
            Entry(
                time=self.lab.clock.now(),
                principal=call.caller.arn,
                action=f"{call.service}:*",
                resource="*",
                result="ImplicitlyDenied",
                message=message,
                user_agent=call.user_agent,
                request_id=call.request_id,
                account=call.caller.account_id,
            )
        )
        call.refusal = AWSError("AccessDenied", message)

    def _refuse_missing_role(self, call, op) -> None:
        message = basic_message(call.caller.arn, op.action, op.resource)
        self.lab.journal.record(
            Entry(
                time=self.lab.clock.now(),
                principal=call.caller.arn,
                action=op.action,
                resource=op.resource,
                result="ImplicitlyDenied",
                message=message,
                user_agent=call.user_agent,
                request_id=call.request_id,
                account=call.caller.account_id,
                resource_account=self.resource_account(op.resource),
            )
        )
        raise AWSError("AccessDenied", message)

    def _record_refusal(self, call, refusal: AWSError) -> None:
        self.lab.journal.record(
            Entry(
                time=self.lab.clock.now(),
                principal=call.caller.arn,
                action="",
                resource="",
                result=refusal.code,
                message=refusal.message,
                user_agent=call.user_agent,
                request_id=call.request_id,
                account=call.caller.account_id,
            )
        )

    def _record(self, call, decision, message: str) -> None:
        self.lab.journal.record(
            Entry(
                time=call.time or self.lab.clock.now(),
                principal=call.caller.arn,
                action=decision.request.action,
                resource=decision.request.resource,
                result=decision.result,
                message=message,
                decision=decision,
                user_agent=call.user_agent,
                request_id=call.request_id,
                account=call.caller.account_id,
                resource_account=self.resource_account(decision.request.resource),
            )
        )

    # -- resource-based policies ---------------------------------------------------------------
    def resource_account(self, resource: str) -> str:
        """The account that owns `resource` (as its service tells), else the caller's."""
        return owner_of(resource) or self.account_id

    def resource_policy(self, request):
        """The resource-based policy AWS would consult (a bucket's, a queue's, a role's trust policy),
        as the service of the action finds it."""
        if request.resource == "*":
            return None
        adapter = adapter_for(request.action.split(":", 1)[0])
        return adapter.policy(request.action, request.resource, Where(self.account_id, self.lab.region))

    def _role_by_arn(self, arn: str):
        return role_by_arn(arn, self.account_id)

    # -- validation IAM and STS do before storing or issuing anything -------------------------
    def _validate_document(self, document, kind: str, code: str = "MalformedPolicyDocument") -> None:
        if isinstance(document, bytes):
            document = document.decode("utf-8", "replace")
        try:
            Policy.parse(document, kind=kind)
        except MalformedPolicyDocument as error:
            raise AWSError(code, error.message) from None
        if kind == "trust":
            self._check_trust_principals(document)

    def _validate_policy_write(self, op, params) -> None:
        name, kind = POLICY_WRITES[op.api]
        if name not in params:
            return
        self._validate_document(params[name], kind)

    def _check_trust_principals(self, document: str) -> None:
        """IAM refuses a trust policy naming a user or role that does not exist, in this account or
        another; an account's root (`arn:aws:iam::111122223333:root`) is always accepted."""
        statements = json.loads(document).get("Statement", [])
        for statement in statements if isinstance(statements, list) else [statements]:
            principal = statement.get("Principal") or {}
            if not isinstance(principal, dict):
                continue
            names = principal.get("AWS", [])
            for arn in names if isinstance(names, list) else [names]:
                if not self._principal_exists(arn):
                    raise AWSError("MalformedPolicyDocument", f'Invalid principal in policy: "AWS":"{arn}"')

    def _principal_exists(self, arn: str) -> bool:
        """False for an IAM user or role ARN that names no such entity (in an account the lab has
        not created, none exists); True for anything else, which the policy grammar already checked."""
        owner = accounts.account_of_arn(arn)
        if owner is None or not arn.startswith(f"arn:aws:iam::{owner}:"):
            return True
        kind, _, rest = arn.split(":", 5)[5].partition("/")
        if kind not in ("user", "role"):
            return True
        if owner not in self.lab.accounts:
            return False
        iam = backends.iam(owner)
        if kind == "user":
            user = iam.users.get(rest.rsplit("/", 1)[-1])
            return user is not None and arn == user.arn
        return any(arn == role.arn for role in iam.roles.values())

    def _check_duration_syntax(self, params) -> None:
        if "DurationSeconds" not in params:
            return
        value = params["DurationSeconds"]
        if not value.isdigit():
            raise AWSError(
                "ValidationError", f"Value '{value}' at 'durationSeconds' failed to satisfy constraint"
            )
        seconds = int(value)
        if seconds < 900:
            raise AWSError(
                "ValidationError",
                f"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to satisfy "
                "constraint: Member must have value greater than or equal to 900",
            )
        if seconds > MAX_ROLE_DURATION:
            raise AWSError(
                "ValidationError",
                f"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to satisfy "
                f"constraint: Member must have value less than or equal to {MAX_ROLE_DURATION}",
            )

    def _session_extras(self, caller, params, op) -> SessionExtras:
        role = self._role_by_arn(op.resource)
        seconds = int(params.get("DurationSeconds", "3600"))
        chained = caller.kind == "assumed-role"
        if chained and seconds > CHAINED_SESSION_LIMIT:
            raise say("duration_chained")
        if role is not None and seconds > int(role.max_session_duration or 3600):
            raise say("duration_role_max")
        session_policies = []
        if params.get("Policy"):
            self._validate_document(params["Policy"], "session")
            session_policies.append(
                Policy.parse(
                    params["Policy"], kind="session", name="inline session policy", source_type="session"
                )
            )
        index = 1
        while f"PolicyArns.member.{index}.arn" in params:
            arn = params[f"PolicyArns.member.{index}.arn"]
            index += 1
            managed.ensure(self.iam, [unquote(arn)])
            found = self.iam.managed_policies.get(unquote(arn))
            if found is None:
                raise say("policy_not_attachable", arn=arn)
            session_policies.append(
                Policy.parse(
                    policies.managed_document(found),
                    kind="session",
                    name=f"session policy {found.name}",
                    source_type="session",
                )
            )
        tags = tag_pairs(params)
        inherited = caller.extras.tags if chained and caller.extras else {}
        transitive = caller.extras.transitive_tag_keys if chained and caller.extras else ()
        carried = {k: v for k, v in inherited.items() if k in transitive}
        return SessionExtras(
            session_policies=tuple(session_policies),
            tags=carried | tags,
            transitive_tag_keys=tuple(transitive)
            + tuple(member_list(params, "TransitiveTagKeys.member.")),
            source_identity=params.get("SourceIdentity")
            or (caller.extras.source_identity if caller.extras else None),
            external_id=params.get("ExternalId"),
            chained=chained,
            issued_at=self.lab.clock.now(),
            source_principal=caller.arn,
            role_id=role.id if role is not None else None,
        )

