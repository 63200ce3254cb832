"""Exercise checks: each refuses wrong and too-broad answers, accepts every right one, and never
gives the answer away unless asked.

Each check gets at least three wrong answers and two different right ones. "Broader than asked"
is a wrong answer too: the IAM User Guide's advice is least privilege, "grant only the
permissions required to perform a task".
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from iamlab.exercises import (
    check_account_trust,
    check_bucket_listing,
    check_cross_account_trust,
    check_group_member,
    check_instance_role,
    check_needed_action,
    check_playground,
    check_profile,
    check_role_trusts,
    check_session_policy,
    check_trust_statement,
    show_solution,
)
from iamlab.lab.article import trust_policy

EC2 = "ec2.amazonaws.com"
MINJI = "arn:aws:iam::123456789012:user/minji"
ROOT = "arn:aws:iam::123456789012:root"
ALLOW_ASSUME = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
}


def statement(principal, action="sts:AssumeRole", effect="Allow") -> dict:
    return {"Effect": effect, "Principal": principal, "Action": action}


def document(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def set_trust(lab, role_name: str, trust: dict) -> None:
    lab.admin_session().client("iam").update_assume_role_policy(
        RoleName=role_name, PolicyDocument=json.dumps(trust)
    )


def assert_refused(feedback, *words):
    text = repr(feedback)
    assert not feedback, text
    for word in words:
        assert word in text, f"{word!r} not in:\n{text}"


def assert_solved(feedback):
    assert feedback, repr(feedback)


# -- the feedback itself ------------------------------------------------------------------------------
def test_feedback_never_shows_the_solution_until_asked(lab, article):
    feedback = check_trust_statement(lab, statement({"Service": EC2}), article)
    solution = json.dumps(trust_policy(aws=article.user_arn, service=EC2)["Statement"][0]["Principal"]["AWS"])
    assert not feedback
    assert article.user_arn not in repr(feedback) and article.user_arn not in feedback._repr_html_()
    assert "show_solution()" in repr(feedback)
    shown = feedback.show_solution()
    assert solution.strip('"') in repr(shown) and solution.strip('"') in shown._repr_html_()
    button = show_solution()  # the exercise checked last, behind a button
    assert not button.shown and article.user_arn not in repr(button) + button.answer.value
    button.button.click()
    assert button.shown and article.user_arn in button.answer.value
    button.button.click()
    assert not button.shown
    check_needed_action(lab, "s3:ListAllMyBuckets")
    button = show_solution()
    button.button.click()
    assert "s3:ListAllMyBuckets" in button.answer.value


def test_checks_on_a_closed_lab_blame_the_lab_not_the_answer(article):
    from iamlab import Lab

    with Lab() as lab:
        jonnung = lab.setup_article()
    feedback = check_role_trusts(lab, jonnung, "minji")
    assert_refused(feedback, "This lab is closed", "first cell")
    assert "create" not in repr(feedback)


# -- 00 -------------------------------------------------------------------------------------------------
def test_group_member(lab):
    iam = lab.admin_session().client("iam")
    assert_refused(check_group_member(lab, "minji"), "user minji exists")
    iam.create_user(UserName="minji")
    assert_refused(check_group_member(lab, "minji"), "group backend_developers exists")
    iam.create_group(GroupName="backend_developers")
    iam.attach_group_policy(
        GroupName="backend_developers", PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    )
    iam.add_user_to_group(GroupName="backend_developers", UserName="minji")
    assert_refused(check_group_member(lab, "minji"), "CloudWatchReadOnlyAccess")  # wrong 1: a policy missing
    iam.attach_group_policy(
        GroupName="backend_developers", PolicyArn="arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"
    )
    assert_solved(check_group_member(lab, "minji"))  # right 1
    iam.put_user_policy(UserName="minji", PolicyName="extra", PolicyDocument=json.dumps(ALLOW_ASSUME))
    assert_refused(check_group_member(lab, "minji"), "extra")  # wrong 2: a policy of its own
    iam.create_user(UserName="sora", Path="/developers/")
    assert_refused(check_group_member(lab, "sora"), "member of backend_developers")  # wrong 3: not a member
    iam.add_user_to_group(GroupName="backend_developers", UserName="sora")
    assert_solved(check_group_member(lab, "sora"))  # right 2: another user, another path


# -- 01 -------------------------------------------------------------------------------------------------
def write_profile(lab, config: dict, credentials: dict, profile="jonnung-seoul"):
    import configparser

    env = lab.env()
    for path, section, values in (
        (env["AWS_CONFIG_FILE"], f"profile {profile}", config),
        (env["AWS_SHARED_CREDENTIALS_FILE"], profile, credentials),
    ):
        parser = configparser.ConfigParser()
        parser.read(path)
        parser[section] = values
        with open(path, "w") as f:
            parser.write(f)


def test_profile(lab, article):
    key, secret = article.access_key_id, article.secret_access_key
    assert_refused(check_profile(lab), "profile jonnung-seoul exists")
    write_profile(lab, {"region": "us-east-1"}, {"aws_access_key_id": key, "aws_secret_access_key": secret})
    assert_refused(check_profile(lab), "ap-northeast-2")  # wrong 1: another region
    write_profile(lab, {"region": "ap-northeast-2"}, {"aws_access_key_id": key})
    assert_refused(check_profile(lab), "aws_secret_access_key")  # wrong 2: no secret
    write_profile(lab, {"region": "ap-northeast-2"}, {"aws_access_key_id": key, "aws_secret_access_key": "x"})
    assert_refused(check_profile(lab), "typo")  # wrong 3: a wrong secret
    write_profile(
        lab, {"region": "ap-northeast-2"}, {"aws_access_key_id": key, "aws_secret_access_key": secret}
    )
    assert_solved(check_profile(lab))  # right 1: keys in the credentials file
    write_profile(
        lab,
        {"region": "ap-northeast-2", "aws_access_key_id": key, "aws_secret_access_key": secret},
        {},
        profile="jonnung-config",
    )
    assert_solved(check_profile(lab, "jonnung-config"))  # right 2: keys in the config file


# -- 02 -------------------------------------------------------------------------------------------------
def test_needed_action(lab, article):
    user = lab.session(article.access_key_id, article.secret_access_key)
    assert_refused(check_needed_action(lab, "s3:ListAllMyBuckets"), "aws s3 ls --profile jonnung")
    with pytest.raises(ClientError):
        user.client("s3").list_buckets()
    with pytest.raises(ClientError):  # a later, unrelated denial must not change the answer
        user.client("iam").list_users()
    assert_refused(check_needed_action(lab, "s3:ListBuckets"), "API operation")  # wrong 1
    assert_refused(check_needed_action(lab, "s3:*"), "wildcard")  # wrong 2: broader than asked
    assert_refused(check_needed_action(lab, "iam:ListUsers"))  # wrong 3: the last denial, not aws s3 ls
    assert_refused(check_needed_action(lab, "ListAllMyBuckets"), "service:Action")  # wrong 4
    assert_refused(check_needed_action(lab, None), "service:Action")
    assert_solved(check_needed_action(lab, "s3:ListAllMyBuckets"))  # right 1
    assert_solved(check_needed_action(lab, " S3:listallmybuckets "))  # right 2: IAM ignores case


# -- 03 -------------------------------------------------------------------------------------------------
def test_trust_statement_wrong_answers(lab, article):
    user = article.user_arn
    for answer, why in (
        ("nope", "statement"),
        (statement({"Service": EC2}), "with no policy of its own"),
        (statement({"AWS": "*", "Service": EC2}), "other AWS accounts"),
        (statement("*"), "other AWS accounts"),
        (statement({"AWS": ROOT, "Service": EC2}), "identity-based policy"),
        (statement({"AWS": [user, MINJI], "Service": EC2}), "user/minji may assume the role too"),
        (statement({"AWS": user, "Service": EC2}, action="sts:*"), "sts:AssumeRole"),
        (statement({"AWS": user}), "EC2 is still trusted"),
        ([statement({"AWS": user, "Service": EC2}), statement({"Service": EC2}, effect="Deny")], "EC2"),
        (statement({"AWS": user, "Service": EC2}, effect="Deny"), "no policy of its own"),
    ):
        feedback = check_trust_statement(lab, answer, article)
        assert_refused(feedback, why)


def test_trust_statement_right_answers(lab, article):
    user = article.user_arn
    step4 = document(statement({"Service": EC2, "AWS": user}))
    for answer in (
        statement({"AWS": user, "Service": EC2}),
        statement({"AWS": [user], "Service": [EC2]}, action=["sts:AssumeRole"]),
        step4,  # the article's whole step-4 document
        json.dumps(step4, indent=4),  # pasted as text
        [statement({"Service": EC2}), statement({"AWS": user})],
    ):
        assert_solved(check_trust_statement(lab, answer, article))


# -- 04 -------------------------------------------------------------------------------------------------
def test_role_trusts(lab, article):
    iam = lab.admin_session().client("iam")
    role = article.role_name
    assert_refused(check_role_trusts(lab, article, "minji"), "user minji exists")
    iam.create_user(UserName="minji")
    assert_refused(check_role_trusts(lab, article, "minji"), "minji may assume")
    set_trust(lab, role, trust_policy(aws=MINJI, service=EC2))
    assert_refused(check_role_trusts(lab, article, "minji"), "jonnung still")  # wrong 1: jonnung dropped
    set_trust(lab, role, trust_policy(aws="*", service=EC2))
    assert_refused(check_role_trusts(lab, article, "minji"), "other AWS accounts")  # wrong 2: everyone
    iam.put_user_policy(UserName="minji", PolicyName="assume", PolicyDocument=json.dumps(ALLOW_ASSUME))
    set_trust(lab, role, trust_policy(aws=[article.user_arn, ROOT], service=EC2))
    assert_refused(check_role_trusts(lab, article, "minji"), "no other user")  # wrong 3: the account root
    iam.delete_user_policy(UserName="minji", PolicyName="assume")
    set_trust(
        lab,
        role,
        document(
            statement({"AWS": [article.user_arn, MINJI], "Service": EC2}),
            statement({"Service": EC2}, effect="Deny"),
        ),
    )
    assert_refused(check_role_trusts(lab, article, "minji"), "EC2 is still trusted")  # wrong 4: a Deny
    set_trust(lab, role, trust_policy(aws=[article.user_arn, MINJI], service=EC2))
    assert_solved(check_role_trusts(lab, article, "minji"))  # right 1
    set_trust(
        lab, role, document(statement({"AWS": article.user_arn, "Service": EC2}), statement({"AWS": MINJI}))
    )
    assert_solved(check_role_trusts(lab, article, "minji"))  # right 2: a statement per principal


# -- 05 -------------------------------------------------------------------------------------------------
def test_bucket_listing(lab, article):
    s3_bucket = article.bucket
    assert_refused(check_bucket_listing(lab, article), "assume-role")
    set_trust(lab, article.role_name, trust_policy(aws=article.user_arn))
    user = lab.session(article.access_key_id, article.secret_access_key)
    with pytest.raises(ClientError):
        user.client("s3").list_objects_v2(Bucket=s3_bucket)
    assert_refused(check_bucket_listing(lab, article), "assume-role")  # wrong 1: no role session yet
    sts = user.client("sts")
    creds = sts.assume_role(RoleArn=article.role_arn, RoleSessionName="one")["Credentials"]
    assert_refused(check_bucket_listing(lab, article), "--profile jonnung")  # wrong 2: listed as the user
    session = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    session.client("s3").list_buckets()
    assert_refused(check_bucket_listing(lab, article))  # wrong 3: listed buckets, not the bucket's objects
    session.client("s3").list_objects_v2(Bucket=s3_bucket)
    assert_solved(check_bucket_listing(lab, article))  # right 1


def test_bucket_listing_with_another_session_name(lab, article):
    set_trust(lab, article.role_name, trust_policy(aws=article.user_arn))
    user = lab.session(article.access_key_id, article.secret_access_key)
    creds = user.client("sts").assume_role(RoleArn=article.role_arn, RoleSessionName="cli-session")[
        "Credentials"
    ]
    session = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    session.client("s3").list_objects_v2(Bucket=article.bucket, Prefix="")
    assert_solved(check_bucket_listing(lab, article))  # right 2


# -- 06 -------------------------------------------------------------------------------------------------
def test_playground(lab, article):
    from iamlab.widgets import TrustToggle

    toggle = TrustToggle(lab, article)
    assert_refused(check_playground(lab, article), "minji may assume")
    toggle.set("user/minji", True)
    assert_solved(check_playground(lab, article))  # right 1: the toggle
    toggle.set("user/jonnung", True)
    assert_refused(check_playground(lab, article), "jonnung may not")  # wrong 1
    toggle.set("user/jonnung", False)
    toggle.set("account root", True)
    assert_refused(check_playground(lab, article), "no other user")  # wrong 2: the account root
    toggle.set("account root", False)
    toggle.set("ec2.amazonaws.com", False)
    assert_refused(check_playground(lab, article), "EC2 is still trusted")  # wrong 3
    set_trust(lab, article.role_name, trust_policy(aws="*", service=EC2))
    assert_refused(check_playground(lab, article), "other AWS accounts")  # wrong 4
    set_trust(lab, article.role_name, document(statement({"Service": EC2}), statement({"AWS": [MINJI]})))
    assert_solved(check_playground(lab, article))  # right 2: written by hand, a statement each


# -- 07 -------------------------------------------------------------------------------------------------
def test_account_trust(lab, article):
    """ "When you specify the account root in a trust policy, ... the identity-based policies in that
    account must also allow sts:AssumeRole" (IAM User Guide, roles terms and concepts): minji gets in
    through the account root and a policy of her own, scoped to this role."""
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName="minji")

    def give_minji(resource, action="sts:AssumeRole"):
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}],
        }
        iam.put_user_policy(UserName="minji", PolicyName="playground", PolicyDocument=json.dumps(policy))

    set_trust(lab, article.role_name, trust_policy(aws=ROOT, service=EC2))
    no_policy = check_account_trust(lab, article)  # wrong 1: no policy yet
    assert_refused(no_policy, "minji may assume")
    assert "✘ minji's policy allows sts:AssumeRole on this role only" in repr(no_policy)  # not "✔"
    give_minji(article.role_arn)
    assert_solved(check_account_trust(lab, article))  # right 1
    give_minji("*")
    assert_refused(check_account_trust(lab, article), "this role only")  # wrong 2: every role
    give_minji(article.role_arn, action="sts:*")
    assert_refused(check_account_trust(lab, article), "this role only")  # wrong 3: every STS action
    give_minji(article.role_arn)
    set_trust(lab, article.role_name, trust_policy(aws=[ROOT, MINJI], service=EC2))
    assert_refused(check_account_trust(lab, article), "does not name minji")  # wrong 4: named directly
    set_trust(lab, article.role_name, trust_policy(aws=MINJI, service=EC2))
    assert_refused(check_account_trust(lab, article), "account root")  # wrong 5: no account trust
    set_trust(lab, article.role_name, trust_policy(aws="*", service=EC2))
    assert_refused(check_account_trust(lab, article), "other AWS accounts")  # wrong 6
    set_trust(
        lab, article.role_name, document(statement({"Service": EC2}), statement({"AWS": "123456789012"}))
    )
    assert_solved(check_account_trust(lab, article))  # right 2: the account by its id, a statement each
    give_minji([article.role_arn])
    assert_solved(check_account_trust(lab, article))  # right 3: the Resource as a list


# -- 09: session policies --------------------------------------------------------------------------
def test_session_policy(lab, article):
    assert_refused(check_session_policy(lab, None), "assume-role cell")
    set_trust(lab, article.role_name, trust_policy(aws=article.user_arn))
    sts = lab.session(article.access_key_id, article.secret_access_key).client("sts")

    def creds(actions):
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        }
        return sts.assume_role(RoleArn=article.role_arn, RoleSessionName="ex", Policy=json.dumps(policy))[
            "Credentials"
        ]

    assert_refused(check_session_policy(lab, creds("s3:List*")), "may not list objects")  # wrong 1
    assert_refused(check_session_policy(lab, creds("s3:*")), "may not list objects")  # wrong 2
    assert_refused(check_session_policy(lab, creds("s3:ListBucket")), "may list all buckets")  # wrong 3
    assert_solved(check_session_policy(lab, creds("s3:ListAllMyBuckets")))  # right 1
    assert_solved(
        check_session_policy(lab, creds(["s3:ListAllMyBuckets", "s3:GetBucketLocation"]))
    )  # right 2


# -- 08 -------------------------------------------------------------------------------------------------
def test_instance_role(lab, article):
    iam = lab.admin_session().client("iam")
    assert_refused(check_instance_role(lab, "p", article), "instance profile p exists")
    iam.create_role(RoleName="R", AssumeRolePolicyDocument=json.dumps(trust_policy(aws=article.user_arn)))
    iam.create_instance_profile(InstanceProfileName="p")
    iam.add_role_to_instance_profile(InstanceProfileName="p", RoleName="R")
    assert_refused(check_instance_role(lab, "p", article), "EC2 can assume R")  # wrong 1: no EC2
    set_trust(lab, "R", trust_policy(service=EC2))
    assert_refused(check_instance_role(lab, "p", article), "jonnung may still")  # wrong 2: jonnung dropped
    set_trust(lab, "R", trust_policy(aws=[article.user_arn, "*"], service=EC2))
    assert_refused(check_instance_role(lab, "p", article), "other AWS accounts")  # wrong 3: everyone
    set_trust(
        lab,
        "R",
        document(
            statement({"AWS": article.user_arn, "Service": EC2}), statement({"Service": EC2}, effect="Deny")
        ),
    )
    assert_refused(check_instance_role(lab, "p", article), "EC2 can assume R")  # wrong 4: a Deny for EC2
    set_trust(lab, "R", trust_policy(aws=article.user_arn, service=EC2))
    assert_solved(check_instance_role(lab, "p", article))  # right 1
    set_trust(lab, "R", document(statement({"Service": [EC2]}), statement({"AWS": [article.user_arn]})))
    assert_solved(check_instance_role(lab, "p", article))  # right 2


# -- 12: a role in another account ----------------------------------------------------------------------
PARTNER_ROLE = "arn:aws:iam::111122223333:role/PartnerReadOnly"
JONNUNG = "arn:aws:iam::123456789012:user/jonnung"
EXTERNAL_ID = "Partner-4729"


def trusting_jonnung(condition=None, principal=None, action="sts:AssumeRole", **extra) -> dict:
    """A trust statement naming jonnung (or `principal`) with `condition`, by default the right ID."""
    return {
        "Effect": "Allow",
        "Principal": principal or {"AWS": JONNUNG},
        "Action": action,
        "Condition": condition or {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
        **extra,
    }


def check_partner_trust(lab, answer):
    return check_cross_account_trust(lab, answer, PARTNER_ROLE, JONNUNG, EXTERNAL_ID)


def test_cross_account_trust_wrong_and_too_broad_answers(lab):
    """IAM User Guide, external ID: "In a multi-tenant environment where you support multiple customers
    with different AWS accounts, we recommend using one external ID per AWS account." Principal element:
    naming an account "delegate[s] authority to the account", so it admits more than the named user."""
    no_id = {k: v for k, v in trusting_jonnung().items() if k != "Condition"}
    for answer, why in (
        ("{not json", "statement"),
        (no_id, "✘ without an external ID, jonnung is refused"),
        (trusting_jonnung(principal="*"), "✘ no principal of any other account"),
        (trusting_jonnung(principal={"AWS": "*"}), "arn:aws:iam::444455556666:user/iamlab-someone-else may"),
        (trusting_jonnung(principal={"AWS": "arn:aws:iam::123456789012:root"}), "✘ no other user or role"),
        (
            trusting_jonnung(
                {"StringEquals": {"sts:ExternalId": EXTERNAL_ID, "aws:PrincipalAccount": "123456789012"}},
                principal="*",
            ),
            "✘ no other user or role",
        ),
        (trusting_jonnung(principal={"AWS": "123456789012"}), "hands the decision"),
        (trusting_jonnung(principal={"AWS": "111122223333"}), "✘ jonnung may assume the role"),
        (
            trusting_jonnung(principal={"AWS": [JONNUNG, "arn:aws:iam::111122223333:root"]}),
            "arn:aws:iam::111122223333:user/iamlab-someone-else may",
        ),
        (trusting_jonnung({"StringEquals": {"sts:ExternalId": "Partner-9999"}}), "✘ jonnung may assume"),
        (trusting_jonnung({"StringLike": {"sts:ExternalId": "Partner-*"}}), "✘ with any other external ID"),
        (trusting_jonnung({"StringLike": {"sts:ExternalId": "Partner-47?9"}}), "external ID Partner-47x9"),
        (trusting_jonnung({"StringLike": {"sts:ExternalId": "*4729"}}), "✘ with any other external ID"),
        (trusting_jonnung({"StringEqualsIgnoreCase": {"sts:ExternalId": EXTERNAL_ID}}), "pARTNER-4729"),
        (
            trusting_jonnung({"StringEquals": {"sts:ExternalId": [EXTERNAL_ID, "Other-1"]}}),
            "external ID Other-1",
        ),
        (trusting_jonnung({"StringEqualsIfExists": {"sts:ExternalId": EXTERNAL_ID}}), "IfExists"),
        (trusting_jonnung({"Null": {"sts:ExternalId": "false"}}), "✘ with any other external ID"),
        (trusting_jonnung({"StringNotEquals": {"sts:ExternalId": "Other-1"}}), "✘ with any other"),
        (trusting_jonnung(action="sts:*"), "✘ its Action allows nothing besides sts:AssumeRole"),
        (
            trusting_jonnung(principal={"AWS": JONNUNG, "Service": "lambda.amazonaws.com"}),
            "✘ no AWS service is trusted",
        ),
        (dict(trusting_jonnung(), Effect="Deny"), "✘ jonnung may assume"),
        (trusting_jonnung(principal={"AWS": "arn:aws:iam::123456789012:user/*"}), "✘ jonnung may assume"),
    ):
        assert_refused(check_partner_trust(lab, answer), why)


def test_cross_account_trust_right_answers(lab):
    right = trusting_jonnung()
    for answer in (
        right,
        document(right),
        json.dumps(document(right), indent=2),  # pasted as text
        trusting_jonnung(principal={"AWS": [JONNUNG]}, action=["sts:AssumeRole"], Sid="OnlyJonnung"),
        trusting_jonnung({"StringEquals": {"sts:ExternalId": [EXTERNAL_ID]}}),
        trusting_jonnung({"StringLike": {"sts:ExternalId": EXTERNAL_ID}}),  # no wildcard: one ID only
        trusting_jonnung(  # "*" narrowed to jonnung by aws:PrincipalArn: AWS decides it the same way
            {"StringEquals": {"sts:ExternalId": EXTERNAL_ID, "aws:PrincipalArn": JONNUNG}}, principal="*"
        ),
        [  # a Deny for every other ID is harmless
            right,
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sts:AssumeRole",
                "Condition": {"StringNotEquals": {"sts:ExternalId": EXTERNAL_ID}},
            },
        ],
    ):
        feedback = check_partner_trust(lab, answer)
        assert_solved(feedback)
        assert repr(feedback).count("✔") == 9, repr(feedback)  # every probe shown, each passed


def test_cross_account_trust_solution_is_shown_only_when_asked(lab):
    feedback = check_partner_trust(lab, trusting_jonnung(principal="*"))
    assert EXTERNAL_ID in repr(feedback)  # the exercise names the ID...
    assert '"StringEquals"' not in repr(feedback) + feedback._repr_html_()  # ...but not the answer
    solution = json.loads(feedback.show_solution().text)
    assert_solved(check_partner_trust(lab, solution))


def test_cross_account_trust_speaks_korean(lab):
    import iamlab

    iamlab.set_language("ko")
    try:
        text = repr(check_partner_trust(lab, trusting_jonnung(principal={"AWS": "123456789012"})))
    finally:
        iamlab.set_language("en")
    assert (
        "외부 ID가 Partner-4729일 때만" in text
        and "✘ 계정 123456789012의 다른 사용자나 역할은 신뢰하지 않음" in text
    )


# -- in Korean --------------------------------------------------------------------------------------------
def test_feedback_speaks_korean(lab, article):
    import iamlab

    iamlab.set_language("ko")
    try:
        feedback = check_trust_statement(lab, statement({"AWS": "*", "Service": EC2}), article)
        text = repr(feedback)
        assert "연습 문제" in text and "힌트" in text and "아직입니다" in text
        assert "정답" in repr(feedback.show_solution())
    finally:
        iamlab.set_language("en")
