"""The trust-policy toggle: tick who the role trusts, press "Assume role", see what AWS says.

The point of the article is that a role's trust policy decides who may *become* the role.
Ticking a box rewrites the trust policy through IAM (`UpdateAssumeRolePolicy`, as the
administrator) so every change is a real, journaled API call; "Assume role" is a real
`sts:AssumeRole` call signed with jonnung's keys. Nothing is simulated: the result area
shows either the temporary credentials (and the buckets they can list) or AWS's
AccessDenied text with the engine's explanation and its "how to fix" hint.
"""

from __future__ import annotations

import html
import json

import ipywidgets as widgets
import traitlets
from botocore.exceptions import BotoCoreError, ClientError

from iamlab.i18n import _
from iamlab.widgets.explain import aws_error_html, closed_html, explanation_html
from iamlab.widgets.people import trust_principals

SESSION_NAME = "jonnung-playground"


def trust_document(principals) -> dict:
    """The trust policy naming `principals`; IAM's own shape (a string for one value, a list for more)."""
    grouped: dict[str, list[str]] = {}
    for p in principals:
        grouped.setdefault(p.kind, []).append(p.value)
    principal = {kind: values[0] if len(values) == 1 else values for kind, values in sorted(grouped.items())}
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }


def named_values(document) -> set[str]:
    """Every principal value a trust policy names (to tick the boxes that match the role as it is)."""
    if isinstance(document, str):
        document = json.loads(document)
    found = set()
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal", {}) if statement.get("Effect") == "Allow" else {}
        for values in principal.values() if isinstance(principal, dict) else []:
            found.update(values if isinstance(values, list) else [values])
    return found


class TrustToggle(widgets.VBox):
    """Checkboxes for the role's trusted principals, a live JSON preview and an "Assume role" button.

    `revision` grows after every trust-policy change IAM accepted (other widgets observe it);
    `decision` is the engine's Decision for the last AssumeRole attempt.
    """

    revision = traitlets.Int(0)
    decision = traitlets.Any(None, allow_none=True)

    def __init__(self, lab, article, *, auto_retry: bool = True):
        lab.require_open()
        self.lab = lab
        self.article = article
        self.auto_retry = auto_retry
        self.tried = False
        admin = lab.admin_session()
        self._iam = admin.client("iam")
        self.principals = trust_principals(lab, article)
        self._jonnung = lab.session(article.access_key_id, article.secret_access_key)
        self._sts = self._jonnung.client("sts")
        self._jonnung.client("s3")  # load S3's service model now, so the first successful click is fast too
        ticked = named_values(self._stored_document())
        self.boxes = {}
        for p in self.principals:
            box = widgets.Checkbox(value=p.value in ticked, description=_(p.label), indent=False)
            box.add_class(p.checkbox_class)
            box.observe(self._on_tick, "value")
            self.boxes[p.label] = box
        self.preview = widgets.HTML()
        self.preview.add_class("iamlab-trust-preview")
        self.status = widgets.HTML()
        self.status.add_class("iamlab-trust-status")
        self.button = widgets.Button(description=_("Assume role"), button_style="primary", icon="user-secret")
        self.button.add_class("iamlab-assume")
        self.button.on_click(lambda _: self.assume())
        press = _("Press “{button}” to call STS as {user}.").format(
            button=_("Assume role"), user=article.user_name
        )
        self.result = widgets.HTML(f"<i>{html.escape(press)}</i>")
        self.result.add_class("iamlab-result")
        self._show_preview(self.document())
        boxes = widgets.VBox(
            [
                widgets.HTML(
                    "<b>"
                    + html.escape(_("Principals trusted by role {role}").format(role=article.role_name))
                    + "</b>"
                ),
                *self.boxes.values(),
            ]
        )
        super().__init__([widgets.HBox([boxes, self.preview]), self.status, self.button, self.result])
        self.add_class("iamlab-trust")

    # -- trust policy -----------------------------------------------------------------------
    def ticked(self) -> list:
        return [p for p in self.principals if self.boxes[p.label].value]

    def document(self) -> dict:
        return trust_document(self.ticked())

    def set(self, label: str, value: bool) -> None:
        """Tick or untick one principal, as a click would (tests and lesson cells use this)."""
        self.boxes[label].value = value

    def _on_tick(self, change) -> None:
        document = self.document()
        self._show_preview(document)
        if self.lab.closed:
            self.status.value = closed_html()
            return
        try:
            self._iam.update_assume_role_policy(
                RoleName=self.article.role_name, PolicyDocument=json.dumps(document)
            )
        except (ClientError, BotoCoreError) as error:
            keeps = _("The role keeps its previous trust policy.")
            if not self.ticked():  # the one refusal a learner causes by unticking every box
                keeps += " " + _("A trust policy must name at least one principal: tick one.")
            self.status.value = aws_error_html(_("IAM refused this trust policy:"), error) + (
                f"<div style='color:#cf222e'>{html.escape(keeps)}</div>"
            )
            self._show_preview(self._stored_document())  # the preview shows what IAM holds
            return
        updated = _("Trust policy updated (iam:UpdateAssumeRolePolicy).")
        self.status.value = f"<span style='color:#57606a'>{html.escape(updated)}</span>"
        self.revision += 1
        self.retry()

    def retry(self) -> None:
        """Assume again after a change, once the learner has pressed the button, so the result shown
        is never older than the policies."""
        if self.tried and self.auto_retry:
            self.assume()

    def _stored_document(self) -> dict:
        return self._iam.get_role(RoleName=self.article.role_name)["Role"]["AssumeRolePolicyDocument"]

    def _show_preview(self, document) -> None:
        self.preview.value = (
            "<pre style='margin:0 0 0 2em;font-size:12px;line-height:1.3'>"
            f"{html.escape(json.dumps(document, indent=2))}</pre>"
        )

    # -- AssumeRole ---------------------------------------------------------------------------
    def assume(self) -> bool:
        """Call sts:AssumeRole as jonnung; show credentials and buckets, or AWS's error and why."""
        self.tried = True
        if self.lab.closed:
            self.result.value = closed_html()
            return False
        start = len(self.lab.journal)
        try:
            answer = self._sts.assume_role(RoleArn=self.article.role_arn, RoleSessionName=SESSION_NAME)
        except ClientError as error:
            self.decision = self._assume_decision(start)
            self.result.value = failure_html(error, self.decision)
            return False
        except BotoCoreError as error:  # not AWS's answer: keep the widget alive and say so
            self.result.value = aws_error_html(_("The request did not reach AWS:"), error)
            return False
        self.decision = self._assume_decision(start)
        self.result.value = success_html(answer, self._buckets(answer["Credentials"]))
        return True

    def _assume_decision(self, start: int):
        for entry in reversed(self.lab.journal.entries()[start:]):
            if entry.action == "sts:AssumeRole":
                return entry.decision
        return None

    def _buckets(self, creds) -> list[str] | str:
        s3 = self._jonnung.client(
            "s3",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        try:
            return [b["Name"] for b in s3.list_buckets()["Buckets"]]
        except ClientError as error:
            return error.response.get("Error", {}).get("Message", str(error))

    def __repr__(self) -> str:
        ticked = ", ".join(_(p.label) for p in self.ticked()) or _("nobody")
        return f"TrustToggle(role={self.article.role_name!r}, " + _("trusts: {who}").format(who=ticked) + ")"


def success_html(answer, buckets) -> str:
    creds = answer["Credentials"]
    expiration = creds["Expiration"]
    expiration = (
        expiration.strftime("%Y-%m-%dT%H:%M:%SZ") if hasattr(expiration, "strftime") else str(expiration)
    )
    if isinstance(buckets, list):
        listing = ", ".join(html.escape(b) for b in buckets) or html.escape(_("(no buckets)"))
    else:  # AWS's refusal, verbatim
        listing = f"<code class='iamlab-aws-message' style='color:#cf222e'>{html.escape(buckets)}</code>"

    def code(text: str) -> str:
        return f"<code>{html.escape(text)}</code>"

    succeeded = _("AssumeRole succeeded.")
    you_are = _("You are now {arn}").format(arn=code(answer["AssumedRoleUser"]["Arn"]))
    key = _("Temporary access key {key}, expires {time}").format(
        key=code(creds["AccessKeyId"]), time=html.escape(expiration)
    )
    listed = _("{command} with these credentials: {listing}").format(
        command=code("aws s3 ls"), listing=listing
    )
    return (
        "<div class='iamlab-success' style='border-left:4px solid #1a7f37;padding-left:8px'>"
        f"<b style='color:#1a7f37'>{html.escape(succeeded)}</b> "
        f"{you_are}<br>{key}<br>{listed}</div>"
    )


def failure_html(error: ClientError, decision) -> str:
    err = error.response.get("Error", {})
    operation = getattr(error, "operation_name", "AssumeRole")
    text = (
        f"An error occurred ({err.get('Code', '?')}) when calling the {operation} operation: "
        f"{err.get('Message', '')}"
    )
    why = explanation_html(decision) if decision is not None else ""
    return (
        "<div class='iamlab-failure' style='border-left:4px solid #cf222e;padding-left:8px'>"
        "<code class='iamlab-aws-message' style='color:#cf222e;white-space:pre-wrap'>"
        f"{html.escape(text)}</code>{why}</div>"
    )
