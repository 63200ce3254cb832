"""Run All is safe: a lesson's last cell keeps its widgets alive, and a widget whose lab is closed
says so, with the fix, instead of blaming the learner (issue 10: "Tick at least one principal"
after `lab.close()`, when the real cause was the closed lab)."""

from __future__ import annotations

import json

import pytest

from iamlab import Lab, lessons
from iamlab.lab import LabClosed
from iamlab.widgets import AccessMatrix, Playground, PolicyEditor, TrustToggle
from iamlab.widgets.matrix import article_columns, article_principals

CLOSED = "This lab is closed: run the lesson from its first cell again."


def test_finish_keeps_the_widgets_working(lab, article, capsys):
    toggle = TrustToggle(lab, article)
    lessons.finish(lab)  # the lesson's last cell, run by Run All
    assert "exercises above keep working" in capsys.readouterr().out
    assert not lab.closed
    toggle.set("user/jonnung", True)
    assert toggle.assume(), toggle.result.value


def test_the_next_lesson_closes_a_finished_lab(article, lab):
    lessons.finish(lab)
    with Lab():
        assert lab.closed  # one lab per kernel: starting the next lesson closes this one


def test_every_widget_on_a_closed_lab_names_the_closed_lab(lab, article):
    toggle = TrustToggle(lab, article)
    editor = PolicyEditor(lab, article.user_name)
    matrix = AccessMatrix(lab, article_principals(lab, article), article_columns(article))
    lab.close()
    toggle.set("user/jonnung", True)
    assert CLOSED in toggle.status.value and "principal" not in toggle.status.value
    assert not toggle.assume() and CLOSED in toggle.result.value
    assert "InvalidClientTokenId" not in toggle.result.value
    assert not editor.apply() and CLOSED in editor.status.value
    assert not editor.remove() and CLOSED in editor.status.value
    matrix.refresh()
    assert CLOSED in matrix.table.value and repr(matrix) == CLOSED


def test_building_a_widget_on_a_closed_lab_says_why(lab, article, capsys):
    lab.close()
    for build in (lambda: Playground(lab, article), lambda: TrustToggle(lab, article)):
        with pytest.raises(LabClosed, match="first cell"):
            build()
    lessons.finish(lab)
    assert CLOSED in capsys.readouterr().out


def test_the_toggle_names_the_real_cause_of_a_refusal(lab, article):
    toggle = TrustToggle(lab, article)
    toggle.set("user/minji", True)
    lab.admin_session().client("iam").delete_user(UserName="minji")
    toggle.set("user/jonnung", True)  # IAM refuses a trust policy naming a user that no longer exists
    assert "MalformedPolicyDocument" in toggle.status.value and "minji" in toggle.status.value
    assert "tick one" not in toggle.status.value
    for label in ("user/jonnung", "account root", "ec2.amazonaws.com", "user/minji"):
        toggle.set(label, False)
    assert "tick one" in toggle.status.value  # now the learner's own untick is the cause
    trust = lab.admin_session().client("iam").get_role(RoleName=article.role_name)["Role"]
    assert json.dumps(trust["AssumeRolePolicyDocument"])  # the role kept a trust policy


def test_the_matrix_names_a_missing_principal_instead_of_denying_it(lab, article):
    ghost = ("user/ghost", "arn:aws:iam::123456789012:user/ghost")
    matrix = AccessMatrix(lab, [ghost], article_columns(article))
    assert "no such principal" in repr(matrix) and "deny" not in repr(matrix).split("\n", 1)[1]
    assert "iamlab-cell-missing" in matrix.table.value and "iamlab-cell-deny" not in matrix.table.value
    assert not matrix.allowed("user/ghost", "s3:ListBucket")
    lab.admin_session().client("iam").create_user(UserName="ghost")
    matrix.refresh()
    assert "iamlab-cell-deny" in matrix.table.value and "no such principal" not in repr(matrix)
