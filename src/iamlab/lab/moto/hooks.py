"""The few places where the lab hooks into moto, installed once per process.

moto is pinned to one minor version because of these. `install()` checks every
hook point first and raises `HookPointMoved` naming it, so an upgrade that moves
one fails loudly instead of silently skipping enforcement. `TOUCH_POINTS` are the
moto names the rest of the lab uses without hooking them; they are checked alike.
"""

from __future__ import annotations

import base64
import datetime as real_datetime
import functools
import importlib
import sys
import threading
import types

import moto.backend_index as moto_backend_index
import moto.backends as moto_backends
import moto.core as moto_core
import moto.core.authorization as moto_authorization
import moto.core.base_backend as moto_base_backend
import moto.core.exceptions as moto_exceptions
import moto.core.parse as moto_parse
import moto.core.request as moto_request
import moto.core.responses as moto_responses
import moto.core.routing as moto_routing
import moto.core.utils as moto_utils
import moto.iam.models as moto_iam_models
import moto.iam.responses as moto_iam_responses
import moto.moto_api._internal as moto_internal
import moto.organizations.exceptions as moto_organizations_exceptions
import moto.organizations.models as moto_organizations_models
import moto.organizations.responses as moto_organizations_responses
import moto.s3.models as moto_s3_models
import moto.s3.responses as moto_s3_responses
import moto.sts.models as moto_sts_models
import moto.sts.responses as moto_sts_responses
from moto.core.responses import ActionResult
from moto.iam.access_control import PermissionResult
from moto.moto_api._internal import mock_random

from iamlab.lab import iam_api
from iamlab.lab.authz import organizations
from iamlab.lab.moto import unique_ids


class HookPointMoved(RuntimeError):
    """moto changed where iamlab hooks in; enforcement cannot be guaranteed."""


HOOK_POINTS = (
    (moto_authorization.ActionAuthenticatorMixin, "_authenticate_and_authorize_action"),
    (moto_sts_models.STSBackend, "assume_role"),
    (moto_sts_models.STSBackend, "assume_role_with_saml"),
    (moto_sts_models, "random_session_token"),
    (moto_utils, "utcnow"),
    (moto_sts_models, "utcnow"),
    (moto_iam_models, "utcnow"),
    (moto_s3_models, "datetime"),
    (moto_iam_models, "AWSManagedPolicy"),
    (moto_responses, "gen_amzn_requestid_long"),
    (moto_responses.BaseResponse, "serialized"),  # IAM and STS answers in AWS's words (iam_api)
    (moto_responses.BaseResponse, "parse_parameters"),
    (moto_responses.BaseResponse, "setup_class"),
    (moto_responses.BaseResponse, "dispatch"),
    (moto_responses.BaseResponse, "_dispatch"),
    (moto_responses.BaseResponse, "call_action"),
    (moto_s3_responses.S3Response, "bucket_dispatch"),
    (moto_s3_responses.S3Response, "serialized"),
    (moto_s3_models.FakeBucket, "get_permission"),
    (moto_routing, "get_service_router"),  # actions: the operation of routes moto's handler cannot name
    (moto_iam_models.User, "__init__"),
    (moto_iam_models.Group, "__init__"),
    (moto_iam_models.InstanceProfile, "__init__"),
    (moto_iam_models.Policy, "__init__"),
    (moto_organizations_models.OrganizationsBackend, "create_account"),
    (moto_organizations_responses.OrganizationsResponse, "attach_policy"),
)

# moto's names the lab uses outside this package (each module's `from moto... import`, and the
# backends' own registries); tests/lab/test_moto_hooks.py keeps this list complete.
TOUCH_POINTS = (
    (moto_backends, "get_backend"),  # lab/moto/backends.py: every backend
    (moto_s3_models.s3_backends, "bucket_accounts"),
    (moto_organizations_models.organizations_backends, "master_accounts"),
    (moto_parse, "PROTOCOL_PARSERS"),  # services/params.py: a request's parameters
    (moto_request, "determine_request_protocol"),
    (moto_routing, "get_service_router"),
    (moto_utils, "get_service_model"),
    (moto_exceptions, "ServiceException"),  # authz/gate.py, iam_api: answers the lab gives itself
    (moto_exceptions, "JsonRESTError"),  # services/secretsmanager.py: a batch moto refuses
    (moto_responses, "ActionResult"),
    (moto_iam_responses, "IamResponse"),
    (moto_sts_responses, "TokenResponse"),
    (moto_organizations_models, "OrganizationsBackend"),
    (moto_organizations_responses, "OrganizationsResponse"),  # authz/organizations.py: AttachPolicy
    (moto_organizations_exceptions, "PolicyTypeNotEnabledException"),
    (moto_base_backend, "BackendDict"),  # core.py, wire/: the server moto runs
    (moto_internal, "mock_random"),
    (moto_request, "Request"),  # wire/front.py: the request moto's handlers read
    (moto_request, "PRESERVED_HEADER_NAMES_ENVIRON_KEY"),  # wire/serving.py: underscored S3 metadata
    (moto_request, "environ_key_for_header"),
    (moto_request, "should_preserve_original_header_name"),
    (moto_backend_index, "backend_url_patterns"),  # moto/dispatch.py: the backend of a signing name
    (moto_backends, "list_of_moto_modules"),
    (moto_core, "DEFAULT_ACCOUNT_ID"),  # moto/routes.py: the backend moto's server reads routes from
    (moto_base_backend.BaseBackend, "flask_paths"),
    (moto_responses.BaseResponse, "_get_action_from_method_and_request_uri"),  # dispatch: Bedrock's APIs
    (moto_request, "EnvironHeaders"),  # wire/front.py: moto's header view, read once per request
)

_installed = False
_active = {"lab": None}
_call = threading.local()


def active_lab():
    return _active["lab"]


def current_call():
    """The lab's bookkeeping for the request this thread is serving, if any."""
    return getattr(_call, "value", None)


def set_current_call(value) -> None:
    _call.value = value


# Touch points imported only when first needed (keeping `Lab()` quick): (module, name).
LAZY_TOUCH_POINTS = (
    ("moto.kms.utils", "_deserialize_ciphertext_blob"),  # services/kms.py: the key a ciphertext names
    ("moto.secretsmanager.models", "_matches"),  # services/secretsmanager.py: BatchGetSecretValue filters
    ("moto.dynamodb.models.table", "ResourcePolicy"),  # services/dynamodb.py: a stream's policy
    # moto/dispatch.py: the APIs that share a signing name, told apart by their handlers' routes
    ("moto.bedrock.responses", "BedrockResponse"),
    ("moto.bedrockagent.responses", "AgentsforBedrockResponse"),
    ("moto.bedrockruntime.responses", "BedrockRuntimeResponse"),
    ("moto.bedrockagentcore.responses", "BedrockAgentCoreResponse"),
    ("moto.bedrockagentcorecontrol.responses", "BedrockAgentCoreControlResponse"),
)


def check_lazy_touch_points() -> None:
    """What `check_hook_points` does for the lazily imported touch points (tests call it)."""
    for module, name in LAZY_TOUCH_POINTS:
        if not hasattr(importlib.import_module(module), name):
            raise HookPointMoved(f"moto no longer has {module}.{name}")


def check_hook_points() -> None:
    for owner, name in HOOK_POINTS + TOUCH_POINTS:
        # a dunder such as __init__ always exists; what matters is that the class still defines its own
        if not (name in vars(owner) if name.startswith("__") else hasattr(owner, name)):
            raise HookPointMoved(f"moto no longer has {getattr(owner, '__name__', owner)}.{name}")


def _seeded_session_token() -> str:
    body = base64.b64encode(mock_random.getrandbits(266 * 8).to_bytes(266, "big")).decode()
    return "FQoGZXIvYXdzEBYaD" + body[len("FQoGZXIvYXdzEBYaD") :]


def _lab_now_naive():
    lab = active_lab()
    return (
        lab.clock.utcnow_naive()
        if lab
        else real_datetime.datetime.now(real_datetime.timezone.utc).replace(tzinfo=None)
    )


class _LabDatetime(real_datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        lab = active_lab()
        if lab is None:
            return real_datetime.datetime.now(tz)
        now = lab.clock.now()
        return now.astimezone(tz) if tz else now.replace(tzinfo=None)


def _route_utcnow_to_lab_clock(original) -> None:
    """moto modules import `utcnow` by name: replace it in moto.core.utils and wherever it was copied."""
    moto_utils.utcnow = _lab_now_naive
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.") and getattr(module, "utcnow", None) is original:
            module.utcnow = _lab_now_naive


def install() -> None:
    """Route moto's authorization, clock and randomness through the active lab."""
    global _installed
    if _installed:
        return
    check_hook_points()
    mixin = moto_authorization.ActionAuthenticatorMixin
    original_authorize = mixin._authenticate_and_authorize_action

    def authorize(handler, iam_request_cls, resource="*"):
        lab, call = active_lab(), current_call()
        if lab is None or call is None:
            return original_authorize(handler, iam_request_cls, resource)
        if getattr(call, "decided_at_setup", False):  # the lab decided this request already
            return None
        lab.gate.authorize(handler, call, resource)

    mixin._authenticate_and_authorize_action = authorize
    original_permission = moto_s3_models.FakeBucket.get_permission

    def bucket_permission(bucket, action, resource):
        """moto's own bucket-policy check ignores Principal and Condition and answers an empty 403;
        in a lab the gate has already evaluated the bucket policy with the engine, so it decides nothing."""
        if active_lab() is None:
            return original_permission(bucket, action, resource)
        return PermissionResult.NEUTRAL

    moto_s3_models.FakeBucket.get_permission = bucket_permission
    _gate_every_route()
    _shape_ids_as_aws()

    for name in ("assume_role", "assume_role_with_saml"):  # web identity goes through assume_role
        _keep_session_extras(moto_sts_models.STSBackend, name)
    moto_sts_models.random_session_token = _seeded_session_token
    _answer_with_the_journals_request_id(moto_responses.gen_amzn_requestid_long)
    _route_utcnow_to_lab_clock(moto_utils.utcnow)
    iam_api.install()
    organizations.install(lambda: getattr(active_lab(), "accounts", None))
    moto_s3_models.datetime = types.SimpleNamespace(
        datetime=_LabDatetime, timedelta=real_datetime.timedelta, timezone=real_datetime.timezone
    )
    _installed = True


def _answer_with_the_journals_request_id(original) -> None:
    """An answer's request ID is the one the lab gave the request (and its journal entry, and its
    refusals), not a second random one moto draws for every answer."""

    def request_id(headers=None):
        call = current_call()
        if call is None:
            return original(headers)
        if isinstance(headers, dict):
            headers["x-amzn-requestid"] = call.request_id
        return call.request_id

    moto_responses.gen_amzn_requestid_long = request_id


def _keep_session_extras(backend_cls, name: str) -> None:
    """Attach what the gate decided about a new session (policies, tags, the role's unique ID)."""
    original = getattr(backend_cls, name)

    def issue(backend, *args, **kwargs):
        session = original(backend, *args, **kwargs)
        call = current_call()
        if call is not None and call.pending_session is not None:
            session.iamlab_extras = call.pending_session
        return session

    setattr(backend_cls, name, issue)


@functools.cache  # moto's handlers are its classes' methods, fixed for the process
def moto_gates(callback) -> bool:
    """Does moto itself consult the gate before acting, for a route served by `callback`?

    Routes served by `BaseResponse.dispatch` reach moto's `call_action`, which authorizes
    first; S3's own dispatchers authorize once they know the bucket. Every other route (the legacy
    Elasticsearch API, tagging routes of some services, ...) is gated by the lab as soon as
    moto has read the request, before the action runs.
    """
    base = moto_responses.BaseResponse
    owner, func = getattr(callback, "__self__", None), getattr(callback, "__func__", None)
    if not (isinstance(owner, type) and issubclass(owner, base)):
        return False
    if issubclass(owner, moto_s3_responses.S3Response):
        return True
    # A class that overrides `call_action` may skip moto's authorization (DynamoDB 2011-12-05 does).
    return (
        func is base.dispatch.__func__
        and owner._dispatch is base._dispatch
        and owner.call_action is base.call_action
    )


def route_chosen(callback) -> None:
    """The front door found the moto handler that will serve this thread's request (`views.serve`)."""
    call = current_call()
    if call is not None:
        call.gate_at_setup = not moto_gates(callback)


def _gate_every_route() -> None:
    """No moto route acts for a caller the gate has not decided about.

    Routes moto does not gate are decided when moto has read the request (`setup_class`); a
    route that still answers without the gate ever deciding is refused by the front door.
    """
    original_setup = moto_responses.BaseResponse.setup_class

    def setup_class(handler, /, *args, **kwargs):
        original_setup(handler, *args, **kwargs)
        lab, call = active_lab(), current_call()
        if lab is not None and call is not None and getattr(call, "gate_at_setup", False):
            call.gate_at_setup = False  # one decision per request, however many handlers moto builds
            lab.gate.authorize(handler, call, "*")
            call.decided_at_setup = True

    moto_responses.BaseResponse.setup_class = setup_class


def _shape_ids_as_aws() -> None:
    """IAM entities get AWS's prefixed unique IDs; S3 answers with AWS's bucket owner."""
    for cls, kind in (
        (moto_iam_models.User, "user"),
        (moto_iam_models.Group, "group"),
        (moto_iam_models.InstanceProfile, "instance-profile"),
        (moto_iam_models.Policy, "policy"),
    ):
        _assign_id_on_init(cls, kind)
    original_serialized = moto_s3_responses.S3Response.serialized

    def serialized(handler, action_result):
        if type(action_result) is ActionResult and isinstance(action_result.result, dict):
            action_result = ActionResult(unique_ids.realistic_owner(action_result.result))
        return original_serialized(handler, action_result)

    moto_s3_responses.S3Response.serialized = serialized


def _assign_id_on_init(cls, kind: str) -> None:
    original_init = cls.__init__

    def __init__(entity, *args, **kwargs):
        original_init(entity, *args, **kwargs)
        entity.id = unique_ids.new_id(kind, entity.account_id)

    cls.__init__ = __init__


def activate(lab) -> None:
    """Make `lab` the one the hooks serve; a previous lab in this process is closed first.

    One lab per process keeps accounts and the clock unambiguous, and closing the old one
    lets a learner simply re-run a notebook's first cell.
    """
    previous = _active["lab"]
    if previous is not None and previous is not lab:
        previous.close()
    _active["lab"] = lab


def deactivate(lab) -> None:
    if _active["lab"] is lab:
        _active["lab"] = None
