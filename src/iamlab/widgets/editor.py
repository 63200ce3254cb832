"""A policy editor that answers like IAM: type JSON, read IAM's own complaints, press Apply.

Learners write policies by trial and error. Showing IAM's exact validation messages while
they type (from `iamlab.policy.validate`, the same checks IAM runs) teaches the grammar;
"Apply" then really calls `iam:PutUserPolicy` as the administrator, so the journal, the
access matrix and every later request see the new policy, or IAM's refusal is shown.
The editor opens on the policy the user has (empty when there is none), and says "draft"
whenever its text differs from what IAM holds, so what a learner reads is never mistaken for
what the lab decides with.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import ipywidgets as widgets
import traitlets
from botocore.exceptions import BotoCoreError, ClientError

from iamlab.i18n import _
from iamlab.widgets.explain import aws_error_html, closed_html

# Greyed out in an empty editor: one line, so it reads as a hint and never as a policy the user holds.
PLACEHOLDER = '{"Version": "2012-10-17", "Statement": [ ... ]}'


@dataclass(frozen=True)
class Message:
    severity: str
    message: str
    path: str = ""

    def __str__(self) -> str:
        """IAM's own finding (verbatim, under Access Analyzer's finding type: ERROR, WARNING, ...) and
        where it is; the location note is ours, translated."""
        return f"{self.severity.upper()}: {self.message}" + (
            " " + _("(at {path})").format(path=self.path) if self.path else ""
        )


def validation_messages(text: str, kind: str = "identity") -> list[Message]:
    """IAM's findings for the policy `text` (empty when IAM would accept it as written)."""
    from iamlab import policy

    validate = getattr(policy, "validate", None)
    try:
        if validate is not None:
            return [
                Message(
                    str(getattr(f, "severity", "ERROR")),
                    str(getattr(f, "message", f)),
                    _path(getattr(f, "path", "")),
                )
                for f in validate(text, kind)
            ]
        policy.Policy.parse(text, kind=kind)  # an engine without validate(): parsing is the check
        return []
    except policy.MalformedPolicyDocument as error:
        return [Message("ERROR", getattr(error, "message", str(error)))]


def _path(path) -> str:
    if isinstance(path, (list, tuple)):
        return ".".join(str(p) for p in path)
    return str(path or "")


class PolicyEditor(widgets.VBox):
    """A Textarea holding an inline policy of one user, validated as you type, applied through IAM.

    `revision` grows each time IAM stores or deletes the policy (other widgets observe it).
    """

    revision = traitlets.Int(0)

    def __init__(self, lab, user_name: str = "jonnung", policy_name: str = "playground"):
        lab.require_open()
        self.lab = lab
        self.user_name = user_name
        self.policy_name = policy_name
        self._iam = lab.admin_session().client("iam")
        self.stored = self._read()
        self.text = widgets.Textarea(
            value=_as_text(self.stored), placeholder=PLACEHOLDER, rows=12, layout=widgets.Layout(width="100%")
        )
        self.text.add_class("iamlab-editor-text")
        self.errors = widgets.HTML()
        self.errors.add_class("iamlab-editor-errors")
        self.apply_button = widgets.Button(description=_("Apply"), button_style="primary", icon="check")
        self.apply_button.add_class("iamlab-apply")
        self.apply_button.on_click(lambda _: self.apply())
        self.remove_button = widgets.Button(description=_("Remove policy"), icon="trash")
        self.remove_button.add_class("iamlab-remove")
        self.remove_button.on_click(lambda _: self.remove())
        self.status = widgets.HTML()
        self.status.add_class("iamlab-editor-status")
        self.text.observe(lambda _: self._edited(), "value")
        title = _("Inline policy {policy} of user {user}").format(
            policy=f"<code>{html.escape(policy_name)}</code>", user=html.escape(user_name)
        )
        title = widgets.HTML(f"<b>{title}</b>")
        super().__init__(
            [
                title,
                self.text,
                self.errors,
                widgets.HBox([self.apply_button, self.remove_button]),
                self.status,
            ]
        )
        self.add_class("iamlab-editor")
        self._edited()

    @property
    def value(self) -> str:
        return self.text.value

    @value.setter
    def value(self, text) -> None:
        self.text.value = text if isinstance(text, str) else json.dumps(text, indent=2)

    @property
    def draft(self) -> bool:
        """True when the text is not the policy IAM holds (whitespace and key order aside)."""
        try:
            return json.loads(self.text.value) != self.stored
        except ValueError:
            return bool(self.text.value.strip()) or self.stored is not None

    def _read(self):
        """The user's inline policy as IAM holds it now, or None when there is none."""
        try:
            found = self._iam.get_user_policy(UserName=self.user_name, PolicyName=self.policy_name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchEntity":
                return None
            raise
        document = found["PolicyDocument"]
        return json.loads(document) if isinstance(document, str) else document

    def _edited(self) -> None:
        self.validate()
        self._show_state()

    def _show_state(self) -> None:
        """Say whether the text is the user's policy, or a draft IAM does not hold."""
        if not self.draft:
            note = (
                _("User {user} has no inline policy {policy} yet: write one here and press Apply.")
                if self.stored is None
                else _("This is the inline policy {policy} of user {user} as IAM holds it.")
            )
            self.status.value = html.escape(note.format(user=self.user_name, policy=self.policy_name))
            return
        note = (
            _("Draft, not applied: user {user} has no inline policy {policy} until you press Apply.")
            if self.stored is None
            else _("Draft, not applied: IAM still holds the previous policy until you press Apply.")
        )
        note = html.escape(note.format(user=self.user_name, policy=self.policy_name))
        self.status.value = f"<span class='iamlab-draft' style='color:#9a6700'>{note}</span>"

    def validate(self) -> list[Message]:
        messages = validation_messages(self.text.value, "identity")
        if not self.text.value.strip() and self.stored is None:
            self.errors.value = ""  # nothing typed yet: nothing to complain about
        elif not messages:
            self.errors.value = (
                "<span style='color:#1a7f37'>" + html.escape(_("IAM would accept this policy.")) + "</span>"
            )
        else:
            items = "".join(
                f"<li class='iamlab-finding iamlab-finding-{html.escape(m.severity.lower())}'>"
                f"<code class='iamlab-aws-message'>{html.escape(f'{m.severity.upper()}: {m.message}')}</code>"
                + (" " + html.escape(_("(at {path})").format(path=m.path)) if m.path else "")
                + "</li>"
                for m in messages
            )
            self.errors.value = f"<ul style='color:#cf222e;margin:0'>{items}</ul>"
        self.messages = messages
        return messages

    def apply(self) -> bool:
        """PutUserPolicy as the administrator; IAM's refusal (if any) is shown, not raised."""
        if self.lab.closed:
            self.status.value = closed_html()
            return False
        try:
            self._iam.put_user_policy(
                UserName=self.user_name, PolicyName=self.policy_name, PolicyDocument=self.text.value
            )
        except (ClientError, BotoCoreError) as error:
            self.status.value = aws_error_html(_("IAM refused the policy:"), error)
            return False
        self.stored = json.loads(self.text.value)  # what IAM accepted is what it now holds
        done = _("Applied to user {user}.").format(user=self.user_name)
        self.status.value = f"<span style='color:#1a7f37'>{html.escape(done)}</span>"
        self.revision += 1
        return True

    def remove(self) -> bool:
        if self.lab.closed:
            self.status.value = closed_html()
            return False
        try:
            self._iam.delete_user_policy(UserName=self.user_name, PolicyName=self.policy_name)
        except (ClientError, BotoCoreError) as error:
            self.status.value = aws_error_html(_("IAM could not remove the policy:"), error)
            return False
        self.stored = None
        self.text.value = ""  # the editor shows what the user has: nothing now
        self.status.value = html.escape(_("Removed from user {user}.").format(user=self.user_name))
        self.revision += 1
        return True

    def __repr__(self) -> str:
        return f"PolicyEditor(user={self.user_name!r}, policy={self.policy_name!r})"


def _as_text(document) -> str:
    return "" if document is None else json.dumps(document, indent=2)
