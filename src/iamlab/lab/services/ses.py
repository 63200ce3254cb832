"""SES: identities (an email address or a domain), configuration sets, templates, contact lists.

Both of SES's APIs sign as `ses` and share its actions: API v1 (the query protocol, at
`email.<region>.amazonaws.com`) and API v2 (REST-JSON under `/v2/email/`), which the registry
tells apart by path. Each answers a denial in its own shape: v1 `AccessDenied` (403) as query
XML, v2 `AccessDeniedException` as JSON.

A message is sent from an identity: the one the request names for sending authorization
(`SourceArn`, `FromArn`, `FromEmailAddressIdentityArn`), else the sender's address if it is a
verified identity, else its domain if that is (the identity SES lets the address send from, as
moto's check does), else the address itself.
"""

from __future__ import annotations

import base64
import binascii
import json
from email import message_from_bytes
from email.utils import parseaddr

from iamlab.lab.authz.context import tag_dict
from iamlab.lab.services.adapter import Adapter, Denial, Where

# APIs that send from an identity, and where each API version names the sender.
SENDERS = ("Source", "FromEmailAddress")
RAW = ("RawMessage", "Content")  # v1 {"Data": ...}; v2 {"Raw": {"Data": ...}}
IDENTITY_ARNS = ("SourceArn", "FromArn", "FromEmailAddressIdentityArn")
SENDING = frozenset(
    {"SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail", "SendBulkEmail"}
)


class SendingDenial(Denial):
    """SES v1 words a refused send its own way, naming the identity:

    "User `arn:aws:iam::123456789012:user/iam-user-name' is not authorized to perform
    `ses:SendRawEmail' on resource `arn:aws:ses:eu-west-1:123456789012:identity/example.com'"
    (AWS Knowledge Center, "How do I resolve a 554 Access denied error ... in Amazon SES?").
    Its other denials are IAM's standard sentence.
    """

    __slots__ = ()

    def text(self, decision) -> str:
        request = decision.request
        if request.action.partition(":")[2] not in SENDING or request.resource == "*":
            return decision.aws_message
        return (
            f"User `{request.principal}' is not authorized to perform `{request.action}' "
            f"on resource `{request.resource}'"
        )


class SES(Adapter):
    """API v1 (query)."""

    prefix = "ses"
    backend = "ses"
    denial = SendingDenial("AccessDenied", 403, protocol="query")
    sources = {
        "IdentityName": ("Identity", "EmailIdentity", "EmailAddress", "Domain"),
        "DedicatedIPPool": ("PoolName",),
    }

    def resources(self, action: str, api: str, params: dict, where: Where) -> list[str]:
        params = {**params, **_nested_names(params)}
        if api in SENDING and not any(params.get(name) for name in IDENTITY_ARNS):
            sender = self._sender(params)
            if sender:
                params["SendingIdentity"] = self._identity_arn(sender, where)
        arns = super().resources(action, api, params, where)
        return sorted(arns, key=lambda arn: ":identity/" not in arn)  # a refused send names its identity

    def value(self, variable: str, raw: str, where: Where) -> str | None:
        if variable == "IdentityName" and raw.startswith("arn:"):
            return raw
        if variable == "IdentityName":
            return parseaddr(raw)[1] or raw
        return raw

    def _sender(self, params: dict) -> str | None:
        """The sender's address: `Source` / `FromEmailAddress`, else a raw message's From header."""
        for name in SENDERS:
            if isinstance(params.get(name), str) and params[name]:
                return parseaddr(params[name])[1] or None
        for name in RAW:
            raw = params.get(name)
            raw = raw.get("Raw", raw) if isinstance(raw, dict) else None
            data = raw.get("Data") if isinstance(raw, dict) else None
            if isinstance(data, str):
                try:
                    data = base64.b64decode(data, validate=True)
                except (binascii.Error, ValueError):
                    data = data.encode("utf-8", "replace")
            if isinstance(data, bytes):
                return parseaddr(message_from_bytes(data).get("From", ""))[1] or None
        return None

    def _identity_arn(self, address: str, where: Where) -> str:
        identities = self.backend_for(where).email_identities
        domain = address.rpartition("@")[2].lower()
        name = domain if address not in identities and domain in identities else address
        return f"arn:aws:ses:{where.region}:{where.account}:identity/{name}"

    def resource_policy(self, arn: str, where: Where) -> tuple[str, str] | None:
        """An identity's authorization policies (API v2 CreateEmailIdentityPolicy), read as one.

        "An identity can have zero, one, or many policies." (SES Developer Guide, "Creating an
        identity authorization policy"): a request is allowed if any of them allows it and denied
        if any denies it, as it is by one document holding all their statements.
        """
        name = arn.partition(":identity/")[2]
        identity = self.backend_for(where).email_identities.get(name) if name else None
        if identity is None or not identity.policies:
            return None
        return f"authorization policies of identity {name}", _one_document(identity.policies.values())

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        tags = self.backend_for(where).tagger.list_tags_for_resource(arn)
        return tag_dict(tags.get("Tags", []))


def _one_document(documents) -> str:
    """The statements of several policy documents as one document (a Sid kept only once)."""
    statements, sids = [], set()
    for document in documents:
        try:
            found = json.loads(document).get("Statement", [])
        except (ValueError, AttributeError):
            continue  # SES refuses a malformed policy; one moto kept anyway grants nothing
        for statement in found if isinstance(found, list) else [found]:
            if isinstance(statement, dict) and statement.get("Sid") in sids:
                statement = {k: v for k, v in statement.items() if k != "Sid"}
            if isinstance(statement, dict):
                sids.add(statement.get("Sid"))
                statements.append(statement)
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _nested_names(params: dict) -> dict[str, str]:
    """Names the request holds one level down: v1 CreateConfigurationSet's `ConfigurationSet.Name`,
    v2's template in `Content.Template` (SendEmail) or `DefaultContent.Template` (SendBulkEmail)."""
    found = {}
    created = params.get("ConfigurationSet")
    if isinstance(created, dict) and isinstance(created.get("Name"), str):
        found["ConfigurationSetName"] = created["Name"]
    for holder in ("Content", "DefaultContent"):
        template = params.get(holder, {}).get("Template") if isinstance(params.get(holder), dict) else None
        if isinstance(template, dict):
            found.update({k: v for k, v in template.items() if k in ("TemplateName", "TemplateArn")})
    return found


class SESv2(SES):
    """API v2 (REST-JSON), served by moto's `sesv2` on the same state."""

    denial = Denial("AccessDeniedException", 403, protocol="json")
