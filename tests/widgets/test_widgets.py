"""The widgets, driven in-process as a learner's clicks would drive them (values set, buttons clicked)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from types import SimpleNamespace

import pytest

from iamlab.widgets import AccessMatrix, Column, FlowDiagram, Playground, PolicyEditor, TrustToggle, flow_svg
from iamlab.widgets.flow import STEPS, taken_steps

LIST_BUCKETS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}],
}


@pytest.fixture
def toggle(lab, article):
    return TrustToggle(lab, article)


def trust_of(lab, article) -> dict:
    return (
        lab.admin_session()
        .client("iam")
        .get_role(RoleName=article.role_name)["Role"]["AssumeRolePolicyDocument"]
    )


def test_toggle_starts_from_the_roles_trust_policy(toggle):
    assert [label for label, box in toggle.boxes.items() if box.value] == ["ec2.amazonaws.com"]
    assert '"Service": "ec2.amazonaws.com"' in toggle.preview.value.replace("&quot;", '"')
    for css in ("jonnung", "root", "ec2", "minji"):
        assert any(f"iamlab-principal-{css}" in box._dom_classes for box in toggle.boxes.values())
    assert "iamlab-assume" in toggle.button._dom_classes


def test_toggle_flips_failure_to_success_and_back(lab, article, toggle):
    toggle.button.click()
    assert "iamlab-failure" in toggle.result.value
    assert "AccessDenied" in toggle.result.value and "sts:AssumeRole" in toggle.result.value
    assert toggle.decision is not None and not toggle.decision.allowed

    toggle.boxes["user/jonnung"].value = True  # a tick retries the assume once the learner has pressed it
    assert "iamlab-success" in toggle.result.value, toggle.result.value
    assert "ASIA" in toggle.result.value and article.bucket in toggle.result.value
    expires = re.search(r"expires (\S+Z)", toggle.result.value).group(1)
    hour_ahead = lab.clock.now() + dt.timedelta(hours=1)
    expires = dt.datetime.fromisoformat(expires.replace("Z", "+00:00"))
    assert hour_ahead - dt.timedelta(minutes=1) < expires <= hour_ahead  # one hour of lab time
    assert toggle.decision.allowed
    assert article.user_arn in json.dumps(trust_of(lab, article))

    toggle.boxes["user/jonnung"].value = False
    assert "iamlab-failure" in toggle.result.value and "AccessDenied" in toggle.result.value
    toggle.button.click()
    assert "iamlab-failure" in toggle.result.value


def test_every_toggle_change_is_a_journaled_iam_call(lab, toggle):
    before = len(lab.journal)
    toggle.set("user/minji", True)
    toggle.set("user/minji", False)
    actions = [e.action for e in lab.journal.entries()[before:]]
    assert actions == ["iam:UpdateAssumeRolePolicy", "iam:UpdateAssumeRolePolicy"]
    assert toggle.revision == 2


def test_toggle_explains_a_denial_with_the_engines_words(toggle):
    toggle.set("account root", True)
    toggle.button.click()
    assert "iamlab-explanation" in toggle.result.value
    decision = toggle.decision
    assert decision.result == "ImplicitlyDenied"
    fix = getattr(decision, "fix", None)
    if fix is not None:
        assert "How to fix" in toggle.result.value


def test_the_explanation_quotes_what_sts_returned(lab, article, toggle):
    """The "AWS says" row is the message the client received, word for word: STS's AccessDenied names
    no policy type, so the engine's longer wording (other services') must not appear under AWS's name."""
    from botocore.exceptions import ClientError

    from iamlab.widgets import explain

    sts = lab.session(article.access_key_id, article.secret_access_key).client("sts")
    with pytest.raises(ClientError) as denied:
        sts.assume_role(RoleArn=article.role_arn, RoleSessionName="quoted")
    returned = denied.value.response["Error"]["Message"]
    said = dict(explain(lab.journal[-1].decision).lines())["AWS says"]
    assert said == returned and "because" not in said


def test_unticking_every_principal_does_not_crash(lab, article, toggle):
    toggle.set("ec2.amazonaws.com", False)  # nobody trusted: IAM refuses such a trust policy
    assert toggle.ticked() == []
    if "refused" in toggle.status.value:
        assert "MalformedPolicyDocument" in toggle.status.value
        assert "ec2.amazonaws.com" in json.dumps(trust_of(lab, article))  # the previous policy stays
        assert "ec2.amazonaws.com" in toggle.preview.value  # and the preview shows it, not the refused one
    toggle.button.click()
    assert "iamlab-failure" in toggle.result.value


def test_assume_before_trusting_is_friendly(toggle):
    """Step 5 before step 4: pressing Assume first gives AWS's message and a hint, never a traceback."""
    assert toggle.assume() is False
    assert "not authorized to perform: sts:AssumeRole" in toggle.result.value


def test_a_second_toggle_on_the_same_lab_works(lab, article, toggle):
    again = TrustToggle(lab, article)  # re-running the lesson cell: minji exists already
    assert [p.label for p in again.principals] == [p.label for p in toggle.principals]


def test_editor_shows_iams_validation_messages(lab):
    editor = PolicyEditor(lab, "admin", "p")
    editor.value = LIST_BUCKETS
    assert "IAM would accept" in editor.errors.value
    editor.value = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets"'
    )
    assert editor.messages and "iamlab-finding" in editor.errors.value
    assert editor.apply() is False
    assert "MalformedPolicyDocument" in editor.status.value
    editor.value = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets"}],
    }
    from iamlab import policy

    if hasattr(policy, "validate"):
        assert any("resource" in m.message.lower() for m in editor.messages), editor.messages


def test_editor_apply_puts_an_inline_user_policy(lab, article):
    editor = PolicyEditor(lab, article.user_name)
    editor.value = LIST_BUCKETS
    editor.apply_button.click()
    assert "Applied" in editor.status.value and editor.revision == 1
    iam = lab.admin_session().client("iam")
    assert iam.list_user_policies(UserName=article.user_name)["PolicyNames"] == ["playground"]
    editor.remove_button.click()
    assert iam.list_user_policies(UserName=article.user_name)["PolicyNames"] == []
    assert editor.revision == 2
    assert editor.value == "" and not editor.draft  # the editor shows what the user has: nothing


def test_the_editor_shows_the_policy_the_user_has_and_marks_a_draft(lab, article):
    """What a learner reads in the editor is what IAM holds; text IAM does not hold is called a draft."""
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName="minji")
    minji = PolicyEditor(lab, "minji")
    assert minji.value == "" and minji.stored is None and not minji.draft
    assert "has no inline policy playground yet" in minji.status.value and minji.errors.value == ""
    assert "iamlab-draft" not in minji.status.value

    minji.value = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    assert minji.draft and "iamlab-draft" in minji.status.value and "iamlab-finding" in minji.errors.value
    assert iam.list_user_policies(UserName="minji")["PolicyNames"] == []  # typing stores nothing

    minji.value = LIST_BUCKETS
    assert minji.apply() and not minji.draft and "Applied" in minji.status.value
    again = PolicyEditor(lab, "minji")  # the cell run again: it opens on what minji has now
    assert json.loads(again.value) == LIST_BUCKETS and not again.draft
    assert "as IAM holds it" in again.status.value
    again.value = again.value.replace("s3:ListAllMyBuckets", "s3:ListBucket")
    assert again.draft and "previous policy" in again.status.value
    again.value = json.dumps(LIST_BUCKETS)  # the same document, laid out differently: not a draft
    assert not again.draft and "iamlab-draft" not in again.status.value


def test_matrix_reflects_a_change(lab, article):
    toggle = TrustToggle(lab, article)
    editor = PolicyEditor(lab, article.user_name)
    columns = [Column("assume", "sts:AssumeRole", article.role_arn), Column("list", "s3:ListAllMyBuckets")]
    matrix = AccessMatrix(lab, [("jonnung", article.user_arn)], columns, watch=(toggle, editor))
    assert not matrix.allowed("jonnung", "assume") and not matrix.allowed("jonnung", "list")
    assert "iamlab-cell-deny" in matrix.table.value
    editor.value = LIST_BUCKETS
    editor.apply()
    assert matrix.allowed("jonnung", "list")
    toggle.set("user/jonnung", True)
    assert matrix.allowed("jonnung", "assume")
    assert "iamlab-cell-allow" in matrix.table.value
    toggle.set("user/jonnung", False)
    assert not matrix.allowed("jonnung", "assume")
    matrix.picker.value = ("jonnung", "assume")
    assert matrix.decision is matrix.decisions[("jonnung", "assume")]


def fake_decision(result, path):
    request = SimpleNamespace(
        principal="arn:aws:iam::123456789012:user/jonnung", action="s3:ListAllMyBuckets", resource="*"
    )
    return SimpleNamespace(result=result, allowed=result == "Allowed", request=request, path=path)


def test_diagram_highlights_the_path():
    path = [
        SimpleNamespace(step="Explicit deny", outcome="No explicit deny, continue"),
        SimpleNamespace(step="Identity-based policies", outcome="Implicitly denied"),
    ]
    svg = flow_svg(fake_decision("ImplicitlyDenied", path))
    assert svg.startswith("<svg") and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    taken = [t.key for t in taken_steps(fake_decision("ImplicitlyDenied", path))]
    assert taken == ["deny", "identity"]
    assert "iamlab-flow-step iamlab-flow-deny iamlab-flow-taken iamlab-flow-pass" in svg
    assert "iamlab-flow-identity iamlab-flow-taken iamlab-flow-deny" in svg
    assert "iamlab-flow-boundary iamlab-flow-taken" not in svg
    assert "iamlab-flow-final iamlab-flow-deny" in svg
    assert svg.count("iamlab-flow-taken") == 2


def test_diagram_of_a_real_decision(lab, article):
    decision = lab.check(article.user_arn, "s3:ListAllMyBuckets")
    diagram = FlowDiagram()
    assert "no request yet" in diagram.value
    diagram.show(decision)
    assert "iamlab-flow-final iamlab-flow-deny" in diagram.value
    path = getattr(decision, "path", None)
    if path:
        assert "iamlab-flow-taken" in diagram.value
        assert len(taken_steps(decision)) == len(path)
        assert all(t.key in {s.key for s in STEPS} for t in taken_steps(decision)), taken_steps(decision)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_diagrams_caption_shows_the_whole_decision(lab, article, language):
    """A role session's ARN makes the one-line summary wider than the picture: it wraps, never cut off."""
    import iamlab
    from iamlab.i18n import display_width
    from iamlab.widgets.explain import summary

    session = f"arn:aws:sts::{lab.account_id}:assumed-role/{article.role_name}/a-rather-long-session-name"
    decision = lab.check(session, "s3:PutObject", f"arn:aws:s3:::{article.bucket}/reports/2026/11/hello.txt")
    iamlab.set_language(language)
    try:
        svg, whole = flow_svg(decision), summary(decision)
    finally:
        iamlab.set_language("en")
    lines = re.findall(r"class='iamlab-flow-caption'[^>]*>([^<]*)</text>", svg)
    caption = [html.unescape(line) for line in lines]
    assert len(caption) > 1 and all(display_width(line) <= 120 for line in caption)
    assert "".join(caption).replace(" ", "") == whole.replace(" ", "")


def test_playground_wires_the_parts(lab, article):
    playground = Playground(lab, article)
    playground.toggle.button.click()
    assert playground.why.decision is playground.toggle.decision
    assert "iamlab-flow-final iamlab-flow-deny" in playground.why.diagram.value
    playground.toggle.set("user/jonnung", True)
    assert "iamlab-flow-final iamlab-flow-allow" in playground.why.diagram.value
    assert playground.matrix.allowed("user/jonnung", "sts:AssumeRole")
    assert repr(playground) == "Playground(role='S3BucketListReadOnlyRole', user='jonnung')"


def test_the_toggles_result_follows_the_users_policy(lab, article):
    """After the editor stores or deletes jonnung's own policy, the result shown is the new answer,
    not a success that no longer holds (07: trusting the account root needs jonnung's policy too)."""
    playground = Playground(lab, article)
    playground.toggle.set("account root", True)
    playground.toggle.button.click()
    assert "iamlab-failure" in playground.toggle.result.value
    allow = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": article.role_arn}
    playground.editor.value = {"Version": "2012-10-17", "Statement": [allow]}
    playground.editor.apply()
    assert "iamlab-success" in playground.toggle.result.value
    playground.editor.remove()
    assert "iamlab-failure" in playground.toggle.result.value
    assert playground.why.decision is playground.toggle.decision


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_diagrams_notes_are_whole(lab, article, language):
    """Beside the resource-based step, trusting the account says the identity-based policy must allow too:
    lesson 07's point. The note wraps onto a second line instead of ending in "…"."""
    import iamlab

    trust = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{lab.account_id}:root"}}
    iam = lab.admin_session().client("iam")
    policy = {"Version": "2012-10-17", "Statement": [{**trust, "Action": "sts:AssumeRole"}]}
    iam.update_assume_role_policy(RoleName=article.role_name, PolicyDocument=json.dumps(policy))
    decision = lab.check(article.user_arn, "sts:AssumeRole", article.role_arn)
    iamlab.set_language(language)
    try:
        svg = flow_svg(decision)
        notes = [
            iamlab.i18n._(t.outcome) + (f" — {iamlab.i18n._(t.detail)}" if t.detail else "")
            for t in taken_steps(decision)
        ]
    finally:
        iamlab.set_language("en")
    shown = re.findall(r"<text class='iamlab-flow-note'[^>]*>(.*?)<title>", svg)
    assert len(shown) == len(notes)
    for spans, note in zip(shown, notes, strict=True):
        lines = [html.unescape(line) for line in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", spans) or [spans]]
        assert " ".join(lines) == note and "…" not in "".join(lines)
    if language == "en":  # the English note is wider than one line: it takes two
        assert any(spans.count("<tspan") == 2 for spans in shown)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_steps_question_fits_its_box(language):
    """The diagram's boxes show each step's question whole, never cut with "…"."""
    import iamlab

    iamlab.set_language(language)
    try:
        svg = flow_svg(None)
    finally:
        iamlab.set_language("en")
    assert len(re.findall(r"font-size='11'[^>]*>[^<]+</text>", svg)) == len(STEPS) and "…" not in svg
