"""IAM and STS as AWS answers them: AWS's words, checks and response shapes in one place.

- `words`: the table of AWS's error codes and messages, by operation and condition;
- `constraints`: what AWS refuses before reading a request further (API model, ARNs);
- `rules`: what AWS refuses given the account's state (existence, conflicts, quotas);
- `answers`: moto's errors mapped to AWS's, and responses reshaped member for member.

The gate calls `check_request` before it authorizes; once it allows, the IAM adapter calls
`before_action` and the STS adapter `rules.check_session`. `install` routes moto's IAM and STS
serialization through `answers`.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.core.utils import get_service_model
from moto.iam.responses import IamResponse
from moto.sts.responses import TokenResponse

from iamlab.lab.iam_api import answers, rules
from iamlab.lab.iam_api.constraints import check_request
from iamlab.lab.services.params import query_params
from iamlab.lab.wire.errors import Refused, render

__all__ = ["before_action", "check_request", "install"]


def before_action(gate, call, handler, api: str, params: dict[str, str]) -> None:
    """Refuse an allowed IAM request as AWS would given the account's state, or answer it here."""
    rules.check_state(gate.iam, gate.lab, call.caller, api, params)
    result = rules.answer_here(gate.iam, api, params)
    if result is not None:
        call.answer = handler.serialized(ActionResult(result))
        raise Refused()


def _boundary_uses(arn: str | None) -> int:
    """How many users and roles of the active lab have `arn` as their permissions boundary."""
    from iamlab.lab.moto.hooks import active_lab  # hooks installs this module

    lab = active_lab()
    return rules.boundary_uses(lab.gate.iam, lab, arn) if lab is not None and arn else 0


def _serialized_as_aws(original):
    def serialized(handler, action_result):
        status, headers, body = original(handler, action_result)
        api, params = handler._get_action(), query_params(handler)
        error = action_result.result
        if isinstance(error, Exception):
            from iamlab.lab.moto.hooks import current_call

            call = current_call()
            code, message = getattr(error, "code", "InternalFailure"), getattr(error, "message", "")
            aws = answers.translate(code, message, params)
            request_id = call.request_id if call else headers.get("x-amzn-RequestId", "")
            status, error_headers, body = render(aws, "query", request_id)
            return status, {**headers, **error_headers}, body.decode()
        return status, headers, answers.reshape(api, params, body, _boundary_uses)

    return serialized


def _parsed_if_known(original):
    """moto parses parameters by the operation's model; an unknown one is left to `check_request`."""

    def parse_parameters(handler, request):
        if handler._get_action() in get_service_model(handler.boto3_service_name).operation_names:
            original(handler, request)

    return parse_parameters


_installed = False


def install() -> None:
    """Route moto's IAM and STS answers through AWS's words and shapes (once per process)."""
    global _installed
    if _installed:
        return
    for response_class in (IamResponse, TokenResponse):
        response_class.serialized = _serialized_as_aws(response_class.serialized)
        response_class.parse_parameters = _parsed_if_known(response_class.parse_parameters)
    _installed = True
