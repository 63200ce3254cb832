"""With `iamlab.set_language("ko")`, nothing iamlab writes reads as an English sentence.

Walks what a learner actually sees: every widget's descriptions, labels, options, tooltips and
HTML values (after the clicks a lesson makes), and the text and HTML reprs of explanations,
flow views, the journal, exercise feedback and the lab's notices. AWS's own messages, commands,
ARNs, JSON and code identifiers may stay English; any other run of three English words fails.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
from pathlib import Path

import pytest

import iamlab
from iamlab.lab.article import trust_policy

EC2 = "ec2.amazonaws.com"

AWS_MESSAGE_ELEMENT = re.compile(
    r"<(code|pre)\b[^>]*>.*?</\1>|<(\w+)[^>]*class='[^']*iamlab-aws-message[^']*'[^>]*>.*?</\2>", re.S
)
AWS_MESSAGE_TEXT = re.compile(  # AWS's messages as the CLI, boto and IAM print them; CLI commands
    r"!?\baws [a-z0-9-]+ [a-z0-9-]+.*|An error occurred \(\w+\).*|User: \S+ is not authorized.*"
    r"|EC2 cannot assume the role.*"
    r"|AWS Access Key ID \[.*"  # `aws configure` asking its four questions
    r"|(ERROR|WARNING|SUGGESTION|SECURITY_WARNING): .*"
)
CODE_TOKEN = re.compile(
    r"\"[^\"]*\"|'[^']*'|`[^`]*`|\S*[:/._=@$*{}()\[\]<>\\-]\S*|\b[a-z]+[A-Z]\w*\b|\b\d\S*"
)
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")


def english_sentences(text: str) -> list[str]:
    """Runs of 3+ English words left after removing AWS's messages, code, ARNs and JSON."""
    text = AWS_MESSAGE_ELEMENT.sub(" ", text)
    text = re.sub(r"<title>(.*?)</title>", r" \1 ", text, flags=re.S)  # tooltips are read too
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    found = []
    for line in text.splitlines():
        line = AWS_MESSAGE_TEXT.sub(" ", line)
        line = CODE_TOKEN.sub(" ", line)
        found += ENGLISH_RUN.findall(line)
    return found


def widget_texts(widget) -> list[str]:
    """Every string a learner reads on `widget` and its children (not the policy text they type)."""
    import ipywidgets as widgets

    texts = [repr(widget)]
    for name in ("description", "tooltip", "placeholder"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            texts.append(value)
    if isinstance(widget, widgets.HTML):
        texts.append(widget.value)
    texts += [str(label) for label in getattr(widget, "_options_labels", ())]
    for child in getattr(widget, "children", ()):
        texts += widget_texts(child)
    return texts


@pytest.fixture
def korean():
    iamlab.set_language("ko")
    yield
    iamlab.set_language("en")


def assert_korean(texts):
    bad = {s for text in texts for s in english_sentences(text)}
    assert not bad, f"English sentences in Korean output: {sorted(bad)}"


def test_the_detector_finds_english_and_spares_aws_and_code():
    assert english_sentences("Tick at least one principal") == ["Tick at least one principal"]
    assert english_sentences("<b>Press the button to call STS</b>")
    assert not english_sentences(
        "AWS 메시지: User: arn:aws:iam::1:user/jonnung is not authorized to perform: sts:AssumeRole on it"
    )
    assert not english_sentences("<code class='iamlab-aws-message'>AccessDenied: not allowed at all</code>")
    assert not english_sentences(
        '정답: {"Effect": "Allow", "Action": "sts:AssumeRole"} !aws s3 ls s3://bucket'
    )


def playground_texts(lab, article) -> list[str]:
    """Everything the playground shows through a lesson's clicks, and every explanation of them."""
    from iamlab.widgets import FlowView, Playground, explain

    playground = Playground(lab, article)
    toggle, editor, matrix = playground.toggle, playground.editor, playground.matrix
    toggle.assume()  # denied: AWS's message, the explanation and the fix
    texts = widget_texts(playground)
    toggle.set("user/jonnung", True)  # auto-retry: success
    toggle.set("account root", True)
    texts += widget_texts(playground)
    for label in ("user/jonnung", "account root", "ec2.amazonaws.com", "user/minji"):
        toggle.set(label, False)  # the last untick is refused by IAM (a trust policy needs a principal)
    texts += widget_texts(playground)
    editor.value = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Nope"}]}'
    editor.apply()
    texts += widget_texts(playground)
    editor.value = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
    }
    editor.apply()
    editor.remove()
    for option in matrix.picker.options:
        matrix.picker.value = option[1]
        texts += widget_texts(playground.why)
    texts += widget_texts(playground)
    texts += [repr(matrix.snapshot()), matrix.snapshot()._repr_html_()]
    for entry in lab.journal.entries():
        if entry.decision is not None:
            for shown in (explain(entry.decision), FlowView(entry.decision), entry.decision):
                texts += [
                    repr(shown) if not hasattr(shown, "to_text") else shown.to_text(),
                    shown._repr_html_(),
                ]
    table = lab.journal.table()
    texts += [repr(table), table._repr_html_(), repr(article)]
    return texts


def test_every_widget_speaks_korean(korean, lab, article):
    texts = playground_texts(lab, article)
    assert any("역할 수임" in t for t in texts) and any("암시적 거부" in t for t in texts)
    assert_korean(texts)


def test_the_same_walk_in_english_finds_english(lab, article):
    """The walk reaches the widgets' words: in English it finds plenty of sentences."""
    found = " | ".join(s for text in playground_texts(lab, article) for s in english_sentences(text))
    for phrase in (
        "Principals trusted by role",
        "Does any applicable policy",
        "Inline policy",
        "denied because",
    ):
        assert phrase in found


def test_exercise_feedback_and_notices_speak_korean(korean, lab, article):
    from iamlab import exercises, lessons

    iam = lab.admin_session().client("iam")
    iam.create_user(UserName="minji")
    iam.update_assume_role_policy(
        RoleName=article.role_name, PolicyDocument=json.dumps(trust_policy(aws="*", service=EC2))
    )
    feedbacks = [
        exercises.check_group_member(lab, "minji"),
        exercises.check_profile(lab),
        exercises.check_needed_action(lab, "s3:ListBuckets"),
        exercises.check_trust_statement(
            lab, {"Effect": "Allow", "Principal": "*", "Action": "sts:*"}, article
        ),
        exercises.check_trust_statement(lab, "nope", article),
        exercises.check_role_trusts(lab, article, "minji"),
        exercises.check_bucket_listing(lab, article),
        exercises.check_playground(lab, article),
        exercises.check_session_policy(lab, None),
        exercises.check_instance_role(lab, "none", article),
        exercises.check_cross_account_trust(
            lab,
            {"Effect": "Allow", "Principal": "*", "Action": "sts:*"},
            "arn:aws:iam::111122223333:role/PartnerReadOnly",
            article.user_arn,
            "Partner-4729",
        ),
    ]
    texts = []
    for feedback in feedbacks:
        texts += [repr(feedback), feedback._repr_html_()]
        texts += [repr(feedback.show_solution()), feedback.show_solution()._repr_html_()]
        button = exercises.show_solution(feedback)
        texts += widget_texts(button)
        button.button.click()
        texts += widget_texts(button)
        assert "정답 숨기기" in button.button.description
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        lessons.session_credentials(
            "An error occurred (AccessDenied) when calling the AssumeRole operation: "
            "User: x is not authorized to perform: sts:AssumeRole"
        )
        lessons.finish(lab)
    texts.append(out.getvalue())
    assert "레슨이 끝났습니다" in out.getvalue()
    lab.close()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        lessons.finish(lab)
    texts += [out.getvalue(), repr(exercises.check_playground(lab, article))]
    assert "닫혔습니다" in out.getvalue()
    assert_korean(texts)


def organizations_decisions():
    """Decisions an Organizations lesson would show: SCP and RCP denies, a level without an SCP
    allow, an allow through every level, and a policy with errors."""
    from iamlab.policy import Request, evaluate

    user = "arn:aws:iam::111122223333:user/jonnung"
    full = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    no_list = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "NoList", "Effect": "Deny", "Action": "s3:ListAllMyBuckets", "Resource": "*"}],
    }
    empty = {"Version": "2012-10-17", "Statement": []}
    list_buckets = Request(user, "s3:ListAllMyBuckets", "*")
    broken = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEqualz": {"a": "b"}}},
            {"Effect": "Permit"},
        ],
    }
    no_get = {  # RCPs name their principals, like resource-based policies
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}],
    }
    get_object = Request(user, "s3:GetObject", "arn:aws:s3:::bucket/key")
    return [
        evaluate(
            list_buckets, [full], service_control_policies=[[full], {"id": "ou-1a", "policies": [no_list]}]
        ),
        evaluate(list_buckets, [full], service_control_policies=[[full], [empty]]),
        evaluate(
            list_buckets, [full], service_control_policies=[[full], [full]], resource_control_policies=[[]]
        ),
        evaluate(get_object, [full], resource_control_policies=[[no_get]]),
        evaluate(get_object, [broken]),
    ]


def test_organizations_explanations_and_policy_errors_speak_korean(korean):
    """SCPs and RCPs in AWS's Korean terms; AWS's own AccessDenied text stays verbatim English."""
    from iamlab.widgets import FlowDiagram, FlowView, explain

    decisions = organizations_decisions()
    texts = []
    for decision in decisions:
        for shown in (explain(decision), FlowView(decision)):
            texts += [repr(shown), shown._repr_html_()]
        texts += [decision.to_text(), decision._repr_html_(), FlowDiagram(decision).value]
    assert_korean(texts)
    scp_deny, no_scp_allow, allowed, rcp_deny, broken = decisions
    assert "서비스 제어 정책(SCP)" in scp_deny.explanation and "OU ou-1a의 SCP" in scp_deny.explanation
    assert "with an explicit deny in a service control policy" in scp_deny.message  # AWS's words
    assert "관리 계정" in scp_deny.fix.text and "관리 계정" in no_scp_allow.fix.text
    assert [step.name for step in no_scp_allow.path][-1] == "Organizations"  # data stays a message id
    assert "조직 정책" in no_scp_allow.to_text() and "조직 정책" in allowed.to_text()
    assert "리소스 제어 정책(RCP)" in rcp_deny.explanation
    assert "알 수 없는 조건 연산자 StringEqualz" in broken.to_text() and "정책 오류" in broken.to_text()


def test_an_unmet_condition_fix_speaks_korean(korean):
    """Lesson 12's refusal without (or with a wrong) external ID: the fix names the condition key and
    says, in Korean, to pass the external ID."""
    from iamlab.policy import Request, evaluate
    from iamlab.widgets import explain

    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "Partner-4729"}},
            }
        ],
    }
    role = "arn:aws:iam::111122223333:role/PartnerReadOnly"
    user = "arn:aws:iam::123456789012:user/jonnung"
    texts = []
    for context in ({}, {"sts:ExternalId": "Partner-0000"}):
        decision = evaluate(Request(user, "sts:AssumeRole", role, context=context), [], resource_policy=trust)
        assert "외부 ID" in decision.fix.text and "조건" in decision.fix.text
        assert "sts:ExternalId" in decision.fix.text and "추가" not in decision.fix.text
        texts += [repr(explain(decision)), explain(decision)._repr_html_(), decision.to_text()]
    assert_korean(texts)


KOREAN_LESSONS = sorted((Path(__file__).resolve().parents[2] / "notebooks" / "ko").glob("*.ipynb"))


@pytest.mark.parametrize("path", KOREAN_LESSONS, ids=lambda p: p.name)
def test_korean_lessons_print_no_english_sentence_of_iamlab(path):
    """Every output a Korean lesson stores (nbval re-executes each one and compares) is Korean,
    apart from AWS's own messages, commands, ARNs and JSON."""
    import nbformat

    found = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")]
            texts += [output.get("data", {}).get(kind, "") for kind in ("text/plain", "text/html")]
            found += [(index, run) for text in texts for run in english_sentences(text)]
    assert not found, f"{path.name}: English sentences in outputs {found[:5]}"


def from_column(line: str, column: int) -> str:
    """What `line` shows from display column `column` on (a Hangul syllable takes two columns)."""
    from iamlab.i18n import display_width

    for i in range(len(line) + 1):
        if display_width(line[:i]) >= column:
            return line[i:] if display_width(line[:i]) == column else "\0" + line[i:]  # "\0": mid-syllable
    return ""


def test_the_korean_text_matrix_lines_up(korean, lab, article):
    """`print(matrix)` in a terminal: each column starts at the same display column on every line, however
    many Hangul syllables (two columns each) the cells before it hold; in a notebook it is a table."""
    from iamlab.i18n import display_width
    from iamlab.widgets import AccessMatrix, Playground
    from iamlab.widgets.matrix import article_columns, article_principals

    playground = Playground(lab, article)
    playground.toggle.set("account root", True)
    playground.editor.value = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": article.role_arn}],
    }
    playground.editor.apply()
    ghost = ("user/ghost", f"arn:aws:iam::{lab.account_id}:user/ghost")  # "없는 보안 주체": a wider cell
    matrix = AccessMatrix(lab, [ghost, *article_principals(lab, article)], article_columns(article))
    lines = repr(matrix).splitlines()
    assert len({display_width(line) for line in lines}) == 1, lines
    header, *rows = lines
    starts = [header.index(c.label) for c in matrix.columns]  # the headings are ASCII
    expected = [(p, *(matrix._mark(p, c.label)[1] for c in matrix.columns)) for p, _arn in matrix.principals]
    assert {"허용", "거부", "없는 보안 주체"} <= {word for row in expected for word in row[1:]}
    for line, (principal, *words) in zip(rows, expected, strict=True):
        assert line.startswith(principal + " ")
        for start, word in zip(starts, words, strict=True):
            assert from_column(line, start).startswith(word), (line, start, word)
            assert from_column(line, start - 2).startswith("  "), (line, start)

    shown = matrix.snapshot()
    assert repr(shown) == repr(matrix)
    table = shown._repr_html_()
    assert table.startswith("<table>") and table.count("<tr>") == len(lines)
    assert all(html.escape(word) in table for row in expected for word in row)
