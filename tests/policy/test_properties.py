"""Properties over generated policies and requests (hypothesis).

- any JSON-shaped input gives a decision or a validation error, never a crash;
- evaluation is deterministic;
- adding a Deny never turns a denial into Allowed; adding an Allow never turns Allowed
  into a denial;
- Organizations policies: adding an SCP or RCP Deny never turns a denial into Allowed, and
  removing an SCP Allow never turns a denial into Allowed;
- statement order does not matter;
- the fast path and the per-statement diagnostics agree.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamlab.policy import MalformedPolicyDocument, Policy, Request, evaluate, validate
from iamlab.policy.organizations import levels_of
from iamlab.policy.words import statement_label

A, B = "111122223333", "444455556666"
SETTINGS = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RESULTS = {"Allowed", "ExplicitlyDenied", "ImplicitlyDenied"}

principals = st.sampled_from(
    [
        f"arn:aws:iam::{A}:user/alice",
        f"arn:aws:iam::{B}:user/bob",
        f"arn:aws:iam::{A}:role/Reader",
        f"arn:aws:sts::{A}:assumed-role/Reader/s1",
        f"arn:aws:iam::{A}:root",
        f"arn:aws:sts::{A}:federated-user/carol",
        f"arn:aws:iam::{A}:role/aws-service-role/s3.amazonaws.com/AWSServiceRoleForS3",
        "ec2.amazonaws.com",
        "anonymous",
    ]
)
actions = st.sampled_from(
    ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "sts:AssumeRole", "ec2:RunInstances"]
)
resources = st.sampled_from(
    [
        "arn:aws:s3:::bucket/key",
        "arn:aws:s3:::bucket/private/x",
        "arn:aws:s3:::bucket/*",
        "arn:aws:s3:::other",
        f"arn:aws:iam::{A}:role/Reader",
        "*",
    ]
)
action_patterns = st.sampled_from(
    ["*", "s3:*", "s3:Get*", "s3:GetObject", "sts:AssumeRole", "ec2:*", "S3:?utObject"]
)
resource_patterns = st.sampled_from(
    [
        "*",
        "arn:aws:s3:::bucket/*",
        "arn:aws:s3:::bucket/private/*",
        "arn:aws:s3:::*",
        "arn:aws:s3:::other",
        f"arn:aws:iam::{A}:role/*",
        "arn:aws:s3:::home/${aws:username}/*",
    ]
)
principal_elements = st.sampled_from(
    [
        "*",
        {"AWS": A},
        {"AWS": f"arn:aws:iam::{B}:root"},
        {"AWS": f"arn:aws:iam::{A}:user/alice"},
        {"AWS": f"arn:aws:iam::{A}:role/Reader"},
        {"AWS": f"arn:aws:sts::{A}:assumed-role/Reader/s1"},
        {"Service": "ec2.amazonaws.com"},
    ]
)
conditions = st.sampled_from(
    [
        None,
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        {"StringNotEquals": {"aws:PrincipalTag/team": ["red", "green"]}},
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}},
        {"ForAnyValue:StringLike": {"aws:TagKeys": "t*"}},
        {"NumericLessThanIfExists": {"s3:max-keys": "10"}},
        {"Null": {"aws:SourceIp": "false"}},
    ]
)
contexts = st.fixed_dictionaries(
    {},
    optional={
        "aws:PrincipalTag/team": st.sampled_from(["blue", "red"]),
        "aws:SourceIp": st.sampled_from(["203.0.113.7", "198.51.100.1", "2001:db8::1"]),
        "aws:TagKeys": st.lists(st.sampled_from(["team", "env", "cost"]), max_size=3),
        "s3:max-keys": st.sampled_from(["5", "50", 7]),
        "aws:username": st.sampled_from(["alice", "bob"]),
    },
)


@st.composite
def statements(draw, effect=None, with_principal=False):
    statement = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    statement["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = draw(
        st.lists(action_patterns, min_size=1, max_size=2)
    )
    statement["NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"] = draw(resource_patterns)
    if with_principal:
        statement["NotPrincipal" if draw(st.integers(0, 6)) == 0 else "Principal"] = draw(principal_elements)
    condition = draw(conditions)
    if condition:
        statement["Condition"] = condition
    return statement


def document(items):
    return {"Version": "2012-10-17", "Statement": list(items)}


@st.composite
def scenarios(draw):
    return {
        "request": Request(
            draw(principals),
            draw(actions),
            draw(resources),
            draw(st.sampled_from([None, A, B])),
            draw(contexts),
        ),
        "identity": draw(st.lists(st.lists(statements(), min_size=1, max_size=3), max_size=2)),
        "resource": draw(
            st.one_of(st.none(), st.lists(statements(with_principal=True), min_size=1, max_size=3))
        ),
        "boundary": draw(st.one_of(st.none(), st.lists(statements(), max_size=2))),
        "session": draw(st.one_of(st.none(), st.lists(statements(), min_size=1, max_size=2))),
        "scp": draw(st.one_of(st.none(), st.lists(org_level(), min_size=1, max_size=3))),
        "rcp": draw(st.one_of(st.none(), st.lists(org_level(with_principal=True), min_size=1, max_size=2))),
    }


def org_level(with_principal=False):
    """One organization level: its policies, each a list of statements."""
    return st.lists(st.lists(statements(with_principal=with_principal), max_size=2), max_size=2)


def _levels(levels):
    return None if levels is None else [[document(p) for p in level] for level in levels]


def run(s, **override):
    parts = {**s, **override}
    return evaluate(
        parts["request"],
        identity_policies=[document(p) for p in parts["identity"]],
        resource_policy=None if parts["resource"] is None else document(parts["resource"]),
        permissions_boundary=None if parts["boundary"] is None else document(parts["boundary"]),
        session_policy=None if parts["session"] is None else document(parts["session"]),
        service_control_policies=_levels(parts.get("scp")),
        resource_control_policies=_levels(parts.get("rcp")),
    )


def _add(s, slot, statement):
    if slot == "identity":
        return {**s, "identity": [*s["identity"], [statement]]}
    return {**s, slot: [*(s[slot] or []), statement]} if s[slot] is not None or slot == "resource" else s


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["Allow", "Deny", "*", "s3:*", "arn:aws:s3:::b/*", "2012-10-17", "${aws:username}"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Version",
                    "Statement",
                    "Effect",
                    "Action",
                    "NotAction",
                    "Resource",
                    "NotResource",
                    "Principal",
                    "NotPrincipal",
                    "Condition",
                    "Sid",
                    "AWS",
                    "StringEquals",
                    "aws:username",
                    "IpAddress",
                    "ForAllValues:StringLike",
                ]
            )
            | st.text(max_size=5),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@SETTINGS
@given(junk=json_values, request=st.builds(Request, principals, actions, resources, st.none(), contexts))
def test_any_json_gives_a_decision_or_a_validation_error(junk, request):
    for form in (junk, json.dumps(junk)):
        d = evaluate(
            request,
            identity_policies=[form],
            resource_policy=form,
            permissions_boundary=form,
            session_policy=form,
        )
        assert d.result in RESULTS
        d.statements, d.path, d.fix, d.missing_context_keys, d.to_text(), d._repr_html_()  # noqa: B018
        for kind in ("identity", "resource", "trust", "boundary", "session"):
            try:
                Policy.parse(form, kind=kind)
            except MalformedPolicyDocument as error:
                assert error.message
            assert all(f.severity in ("error", "warning") for f in validate(form, kind))


@SETTINGS
@given(scenarios())
def test_deterministic(s):
    first, second = run(s), run(s)
    assert (first.result, first.reason) == (second.result, second.reason)


@SETTINGS
@given(scenarios(), st.sampled_from(["identity", "resource", "boundary", "session"]), st.data())
def test_adding_a_deny_never_allows(s, slot, data):
    before = run(s)
    extra = data.draw(statements(effect="Deny", with_principal=slot == "resource"))
    after = run(_add(s, slot, extra))
    if before.result != "Allowed":
        assert after.result != "Allowed"
    if before.result == "ExplicitlyDenied":
        assert after.result == "ExplicitlyDenied"


@SETTINGS
@given(scenarios(), st.sampled_from(["identity", "resource", "boundary", "session"]), st.data())
def test_adding_an_allow_never_denies(s, slot, data):
    before = run(s)
    extra = data.draw(statements(effect="Allow", with_principal=slot == "resource"))
    after = run(_add(s, slot, extra))
    if before.result == "Allowed":
        assert after.result == "Allowed"
    if before.result == "ImplicitlyDenied":
        assert after.result != "ExplicitlyDenied"


@SETTINGS
@given(scenarios(), st.randoms(use_true_random=False))
def test_statement_order_does_not_matter(s, rng):
    def shuffled(items):
        items = list(items)
        rng.shuffle(items)
        return items

    reordered = {
        **s,
        "identity": shuffled(shuffled(p) for p in s["identity"]),
        **{slot: shuffled(s[slot]) for slot in ("resource", "boundary", "session") if s[slot] is not None},
    }
    a, b = run(s), run(reordered)
    assert (a.result, a.reason) == (b.result, b.reason)


@SETTINGS
@given(scenarios())
def test_fast_path_and_diagnostics_agree(s):
    d = run(s)
    if d.result == "ExplicitlyDenied":
        assert d.deciding and all(m.applied and m.effect == "Deny" for m in d.deciding)
        assert any(m.applied and m.effect == "Deny" for m in d.statements)
    elif d.reason in ("get_caller_identity", "root_user") or d.reason.endswith("_protected"):
        pass
    else:
        assert not any(m.applied and m.effect == "Deny" for m in d.statements)
        if d.allowed:
            assert d.deciding and all(m.applied and m.effect == "Allow" for m in d.deciding)


@SETTINGS
@given(scenarios())
def test_fix_turns_implicit_denials_around(s):
    d = run(s)
    fix = d.fix
    if d.result != "ImplicitlyDenied" or fix is None or fix.statement is None:
        return
    if fix.kind == "widen_scp":
        names = [level.name for level in levels_of(_levels(s["scp"]), "scp")]
        where = names.index(fix.target.removeprefix("SCP at "))
        grown = [list(level) for level in s["scp"]]
        grown[where] = [*grown[where], [fix.statement]]
        patched = {**s, "scp": grown}
    else:
        slot = {
            "add_identity_statement": "identity",
            "add_resource_statement": "resource",
            "add_trust_principal": "resource",
            "widen_boundary": "boundary",
            "widen_session_policy": "session",
        }[fix.kind]
        patched = _add(s, slot, fix.statement)
        if slot == "session" and s["session"] is None:  # a federated user who passed none
            patched = {**s, "session": [fix.statement]}
    after = run(patched)
    if after.result == "ImplicitlyDenied":
        # one layer fixed may reveal the next one (e.g. a boundary after the identity policy,
        # or the next SCP level down)
        assert (after.reason, after.fix.kind, after.fix.target) != (d.reason, fix.kind, fix.target)


@SETTINGS
@given(scenarios())
def test_an_unmet_condition_fix_names_what_really_held_the_allow_back(s):
    """IAM User Guide, "Conditions with multiple context keys or values": "All context keys in a
    condition element block must resolve to true to invoke the desired Allow or Deny effect."
    So each statement whose unmet Condition the fix names (an SCP's included), without that
    Condition, lifts this denial."""
    d = run(s)
    fix = d.fix
    if fix is None or fix.kind != "meet_condition":
        return
    assert fix.statement is None
    named = {
        json.dumps([m.policy_name, m.index, m.statement], sort_keys=True): m
        for m in d.statements
        if m.effect == "Allow"
        and not m.applied
        and m.action
        and m.resource
        and statement_label(m) in fix.text
    }.values()
    assert named
    for match in named:
        slot = "resource" if match.kind == "trust" else match.kind
        without = {key: value for key, value in match.statement.items() if key != "Condition"}
        after = run({**s, slot: _replaced(s[slot], match.statement, without)})
        # the next layer (or the next SCP level down) may still deny, but not this one
        assert after.allowed or (after.reason, after.fix.kind, after.fix.target) != (
            d.reason,
            fix.kind,
            fix.target,
        )


def _replaced(items, old, new):
    """`items` (statements, or lists of them at any depth) with each `old` statement replaced by `new`."""
    return [
        _replaced(item, old, new) if isinstance(item, list) else new if item == old else item
        for item in items
    ]


@SETTINGS
@given(scenarios(), st.sampled_from(["scp", "rcp"]), st.data())
def test_adding_an_organizations_deny_never_allows(s, kind, data):
    """Organizations User Guide: an explicit Deny in an SCP or RCP at any level overrides every Allow."""
    levels = s[kind] or [[]]
    where = data.draw(st.integers(0, len(levels) - 1))
    extra = data.draw(statements(effect="Deny", with_principal=kind == "rcp"))
    grown = [list(level) for level in levels]
    grown[where] = [*grown[where], [extra]]
    before, after = run(s), run({**s, kind: grown})
    if before.result != "Allowed":
        assert after.result != "Allowed"
    if before.result == "ExplicitlyDenied":
        assert after.result == "ExplicitlyDenied"


@SETTINGS
@given(scenarios(), st.data())
def test_removing_an_scp_allow_never_allows(s, data):
    """SCP evaluation: "there must be an explicit Allow statement at every level from the root
    through each OU in the direct path to the account"."""
    places = [
        (li, pi, si)
        for li, level in enumerate(s["scp"] or [])
        for pi, policy in enumerate(level)
        for si, statement in enumerate(policy)
        if statement["Effect"] == "Allow"
    ]
    if not places:
        return
    li, pi, si = data.draw(st.sampled_from(places))
    shrunk = [[list(policy) for policy in level] for level in s["scp"]]
    del shrunk[li][pi][si]
    before, after = run(s), run({**s, "scp": shrunk})
    if before.result != "Allowed":
        assert after.result != "Allowed"
