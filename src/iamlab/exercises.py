"""Automatic feedback for the lessons' exercises: what is still wrong, and a hint at the fix.

Each `check_*` function looks at the lab only through its public API (the admin session,
`lab.check`, `lab.session`, `lab.instance_credentials`) and never raises: an exercise
checked too early (cells run out of order, a step skipped) gets a sentence saying what is
missing, not a traceback. The result prints as a checklist in a notebook or a terminal.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

GROUP = "backend_developers"
GROUP_POLICIES = ("AmazonS3ReadOnlyAccess", "CloudWatchReadOnlyAccess")


@dataclass(frozen=True)
class Item:
    ok: bool
    text: str
    hint: str = ""


@dataclass
class Feedback:
    title: str
    items: list[Item] = field(default_factory=list)

    def add(self, ok: bool, text: str, hint: str = "") -> bool:
        self.items.append(Item(bool(ok), text, "" if ok else hint))
        return bool(ok)

    @property
    def solved(self) -> bool:
        return bool(self.items) and all(i.ok for i in self.items)

    def verdict(self) -> str:
        missing = sum(not i.ok for i in self.items)
        return "Solved, well done!" if self.solved else f"Not yet: {missing} thing(s) to fix."

    def __bool__(self) -> bool:
        return self.solved

    def __repr__(self) -> str:
        lines = [f"Exercise: {self.title}"]
        for i in self.items:
            lines.append(f"  {'✔' if i.ok else '✘'} {i.text}")
            if i.hint:
                lines.append(f"      hint: {i.hint}")
        lines.append(self.verdict())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = []
        for i in self.items:
            mark, color = ("✔", "#1a7f37") if i.ok else ("✘", "#cf222e")
            hint = f"<br><small>hint: {html.escape(i.hint)}</small>" if i.hint else ""
            rows.append(
                f"<li style='list-style:none'><b style='color:{color}'>{mark}</b> "
                f"{html.escape(i.text)}{hint}</li>"
            )
        color = "#1a7f37" if self.solved else "#9a6700"
        return (
            f"<div class='iamlab-feedback'><b>Exercise: {html.escape(self.title)}</b>"
            "<ul style='padding-left:0.5em'>"
            f"{''.join(rows)}</ul><b style='color:{color}'>{html.escape(self.verdict())}</b></div>"
        )


def _allowed(lab, principal_arn: str, action: str, resource: str = "*") -> bool:
    try:
        return bool(lab.check(principal_arn, action, resource).allowed)
    except Exception:  # the principal does not exist (yet): not allowed
        return False


def _arn(lab, kind: str, name: str) -> str:
    return f"arn:aws:iam::{lab.account_id}:{kind}/{name}"


# -- lesson 00: groups ----------------------------------------------------------------------------
def check_group_member(lab, user_name: str = "minji") -> Feedback:
    """Exercise 00: `user_name` reads S3 and CloudWatch through the group, with no policy of its own."""
    fb = Feedback(f"{user_name} reads S3 and CloudWatch through the {GROUP} group")
    iam = lab.admin_session().client("iam")
    try:
        iam.get_user(UserName=user_name)
    except ClientError:
        fb.add(False, f"user {user_name} exists", f"create it: !aws iam create-user --user-name {user_name}")
        return fb
    fb.add(True, f"user {user_name} exists")
    try:
        members = [u["UserName"] for u in iam.get_group(GroupName=GROUP)["Users"]]
        attached = {
            p["PolicyName"] for p in iam.list_attached_group_policies(GroupName=GROUP)["AttachedPolicies"]
        }
    except ClientError:
        fb.add(
            False,
            f"group {GROUP} exists",
            "run the cells above that create the group and attach its policies",
        )
        return fb
    fb.add(
        set(GROUP_POLICIES) <= attached,
        f"{GROUP} has {' and '.join(GROUP_POLICIES)} attached",
        "attach the missing AWS managed policy with aws iam attach-group-policy",
    )
    fb.add(
        user_name in members,
        f"{user_name} is a member of {GROUP}",
        f"!aws iam add-user-to-group --group-name {GROUP} --user-name {user_name}",
    )
    own = iam.list_user_policies(UserName=user_name)["PolicyNames"]
    own += [p["PolicyName"] for p in iam.list_attached_user_policies(UserName=user_name)["AttachedPolicies"]]
    fb.add(
        not own,
        f"{user_name} has no policy of its own (everything comes from the group)",
        f"detach or delete {', '.join(own)}: members should inherit permissions from the group",
    )
    arn = _arn(lab, "user", user_name)
    fb.add(_allowed(lab, arn, "s3:ListAllMyBuckets"), f"{user_name} may list buckets (s3:ListAllMyBuckets)")
    fb.add(_allowed(lab, arn, "cloudwatch:DescribeAlarms"), f"{user_name} may describe alarms (cloudwatch)")
    return fb


# -- lesson 06: the playground ----------------------------------------------------------------------
def check_playground(lab, article, other_user: str = "minji") -> Feedback:
    """Exercise 06: minji may assume the role, jonnung may not, and EC2 is still trusted."""
    fb = Feedback(f"{other_user} may assume {article.role_name}, {article.user_name} may not, EC2 still may")
    role = article.role_arn
    fb.add(
        _allowed(lab, _arn(lab, "user", other_user), "sts:AssumeRole", role),
        f"{other_user} may assume the role",
        f"tick user/{other_user} in the trust policy (or trust the account root and give {other_user} "
        "an identity "
        "policy allowing sts:AssumeRole)",
    )
    jonnung_can = _allowed(lab, article.user_arn, "sts:AssumeRole", role)
    hint = f"untick user/{article.user_name}"
    try:
        own = lab.admin_session().client("iam").list_user_policies(UserName=article.user_name)["PolicyNames"]
    except ClientError:
        own = []
    if own:
        hint += f"; {article.user_name}'s own policy {', '.join(own)} may still allow sts:AssumeRole "
        hint += "if the account "
        hint += "root is trusted - remove it or untick the account root"
    fb.add(not jonnung_can, f"{article.user_name} may not assume the role", hint)
    try:
        trust = lab.admin_session().client("iam").get_role(RoleName=article.role_name)["Role"]
        services = json.dumps(trust["AssumeRolePolicyDocument"])
    except ClientError:
        services = ""
    fb.add("ec2.amazonaws.com" in services, "EC2 is still trusted", "keep ec2.amazonaws.com ticked")
    return fb


# -- lesson 07: session policies --------------------------------------------------------------------
def check_session_policy(lab, credentials, bucket: str = "jonnung-sample-bucket") -> Feedback:
    """Exercise 07: a session that may list all buckets but may not list the objects in `bucket`."""
    fb = Feedback(f"a role session that lists buckets but not the objects in {bucket}")
    key = _cred(credentials, "access_key_id", "AccessKeyId")
    if not key:
        fb.add(False, "you have temporary credentials", "run the assume-role cell of the exercise first")
        return fb
    fb.add(True, "you have temporary credentials")
    session = lab.session(
        key,
        _cred(credentials, "secret_access_key", "SecretAccessKey"),
        _cred(credentials, "session_token", "SessionToken"),
    )
    fb.add(
        _succeeds(lambda: session.client("s3").list_buckets()),
        "the session may list all buckets (aws s3 ls)",
        "the session policy must allow s3:ListAllMyBuckets - a session policy only ever removes permissions",
    )
    fb.add(
        not _succeeds(lambda: session.client("s3").list_objects_v2(Bucket=bucket)),
        f"the session may not list objects in {bucket} (aws s3 ls s3://{bucket})",
        "narrow the session policy's Action so it no longer covers s3:ListBucket (s3:List* does)",
    )
    return fb


def _cred(credentials, attr: str, key: str) -> str:
    if isinstance(credentials, dict):
        return credentials.get(key) or credentials.get(attr) or ""
    return getattr(credentials, attr, "") or ""


def _succeeds(call) -> bool:
    try:
        call()
        return True
    except (ClientError, BotoCoreError):
        return False


# -- lesson 08: EC2 --------------------------------------------------------------------------------
def check_instance_role(lab, instance_profile: str, article) -> Feedback:
    """Exercise 08: an instance with `instance_profile` gets credentials; jonnung still may assume it."""
    from iamlab.lab.ec2 import InstanceCredentialsError

    fb = Feedback(
        f"an instance with profile {instance_profile} gets credentials; {article.user_name} still may"
    )
    iam = lab.admin_session().client("iam")
    try:
        roles = iam.get_instance_profile(InstanceProfileName=instance_profile)["InstanceProfile"]["Roles"]
    except ClientError:
        fb.add(False, f"instance profile {instance_profile} exists", "run the cells above that create it")
        return fb
    if not fb.add(
        bool(roles), f"{instance_profile} holds a role", "aws iam add-role-to-instance-profile ..."
    ):
        return fb
    role = roles[0]
    try:
        lab.instance_credentials(instance_profile)
        ok, why = True, ""
    except InstanceCredentialsError as error:
        ok, why = False, error.message
    fb.add(
        ok,
        f"EC2 can assume {role['RoleName']} for the instance",
        f'{why} Add "Service": "ec2.amazonaws.com" to the Principal of the role\'s trust policy.'.strip(),
    )
    fb.add(
        _allowed(lab, article.user_arn, "sts:AssumeRole", role["Arn"]),
        f"{article.user_name} may still assume {role['RoleName']}",
        f'keep "AWS": "{article.user_arn}" in the Principal next to the EC2 service',
    )
    return fb


# -- lessons 01-05: the article's five steps ----------------------------------------------------------
def check_profile(lab, profile: str = "jonnung-seoul", region: str = "ap-northeast-2") -> Feedback:
    """Exercise 01: a CLI profile `profile` in the lab's config files, in `region`, whose keys sign in."""
    import configparser

    fb = Feedback(f"a CLI profile {profile} in {region} that signs in")
    files = {}
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        parser = configparser.ConfigParser()
        try:
            parser.read(lab.env()[name])
        except (configparser.Error, OSError, KeyError, RuntimeError):
            pass
        files[name] = parser
    config, credentials = files["AWS_CONFIG_FILE"], files["AWS_SHARED_CREDENTIALS_FILE"]
    section = f"profile {profile}"
    fb.add(
        config.has_section(section) or credentials.has_section(profile),
        f"profile {profile} exists",
        f"every aws configure set ... --profile {profile} creates it if needed",
    )
    fb.add(
        config.get(section, "region", fallback="") == region,
        f"its region is {region}",
        f"!aws configure set region {region} --profile {profile}",
    )

    def value(key: str) -> str:
        return credentials.get(profile, key, fallback="") or config.get(section, key, fallback="")

    key, secret = value("aws_access_key_id"), value("aws_secret_access_key")
    fb.add(
        bool(key and secret),
        "it has an access key ID and a secret access key",
        f"!aws configure set aws_access_key_id {{jonnung.access_key_id}} --profile {profile} "
        "(and the same for aws_secret_access_key)",
    )
    if key and secret:
        fb.add(
            _succeeds(lambda: lab.session(key, secret).client("sts").get_caller_identity()),
            "its keys sign in (aws sts get-caller-identity works)",
            "the key ID or the secret has a typo: copy them from jonnung.access_key_id and "
            "jonnung.secret_access_key",
        )
    return fb


def _journal(lab) -> list:
    try:
        return lab.journal.entries()
    except Exception:  # a closed or half-built lab: nothing recorded
        return []


def check_needed_action(lab, answer, user_name: str = "jonnung") -> Feedback:
    """Exercise 02: `answer` names the IAM action the user's last denied request needed."""
    fb = Feedback(f"the IAM action {user_name}'s denied request needed")
    denied = [e for e in _journal(lab) if e.principal.endswith(f":user/{user_name}") and not e.allowed]
    if not fb.add(
        bool(denied),
        f"{user_name} has made a denied request",
        f"run the cell with !aws s3 ls --profile {user_name} first",
    ):
        return fb
    needed = denied[-1].action
    answer = answer.strip() if isinstance(answer, str) else ""
    service, _, action = answer.partition(":")
    if not fb.add(
        bool(service and action and " " not in answer),
        f"your answer {answer!r} is written service:Action",
        "an IAM action looks like iam:CreateUser: the service prefix, a colon, the action",
    ):
        return fb
    hint = "the error message names it right after 'not authorized to perform:'"
    if action.lower() == "listbuckets":
        hint = (
            "ListBuckets is the API operation the CLI called, but IAM checks an action of another name: "
            + hint
        )
    fb.add(answer.lower() == needed.lower(), f"{answer} is the action the request needed", hint)
    return fb


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []


def check_trust_statement(lab, statement, article) -> Feedback:
    """Exercise 03: a trust-policy statement letting the user assume the role, EC2 still trusted."""
    from fnmatch import fnmatchcase

    fb = Feedback(f"a trust statement that lets {article.user_name} (and still EC2) assume the role")
    if not fb.add(
        isinstance(statement, dict),
        "the statement is a dict",
        'write it like {"Effect": ..., "Principal": {...}, "Action": ...}',
    ):
        return fb
    fb.add(statement.get("Effect") == "Allow", 'its Effect is "Allow"', 'set "Effect": "Allow"')
    actions = [a.lower() for a in _as_list(statement.get("Action")) if isinstance(a, str)]
    fb.add(
        any(fnmatchcase("sts:assumerole", a) for a in actions),
        "its Action covers sts:AssumeRole",
        'set "Action": "sts:AssumeRole" (the action STS checks when a role is assumed)',
    )
    principal = statement.get("Principal")
    if principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))):
        fb.add(
            False, "it does not trust everyone", 'a Principal of "*" trusts every AWS account: name the user'
        )
        return fb
    principal = principal if isinstance(principal, dict) else {}
    aws = _as_list(principal.get("AWS"))
    root = f"arn:aws:iam::{lab.account_id}:root"
    hint = f'add "AWS": "{article.user_arn}" to the Principal'
    if root in aws or lab.account_id in aws:
        hint = (
            f"trusting the account root only delegates to the account: {article.user_name} would also need "
            f"an identity policy allowing sts:AssumeRole. Name the user instead: {article.user_arn}"
        )
    fb.add(article.user_arn in aws, f"its Principal names {article.user_arn}", hint)
    fb.add(
        "ec2.amazonaws.com" in _as_list(principal.get("Service")),
        "EC2 is still trusted",
        'keep "Service": "ec2.amazonaws.com" next to "AWS" in the same Principal',
    )
    return fb


def check_role_trusts(lab, article, user_name: str = "minji") -> Feedback:
    """Exercise 04: `user_name` may assume the article's role too; the user and EC2 still may."""
    fb = Feedback(f"{user_name} may assume {article.role_name} too")
    iam = lab.admin_session().client("iam")
    try:
        iam.get_user(UserName=user_name)
    except ClientError:
        fb.add(False, f"user {user_name} exists", f"!aws iam create-user --user-name {user_name}")
        return fb
    fb.add(True, f"user {user_name} exists")
    arn = _arn(lab, "user", user_name)
    fb.add(
        _allowed(lab, arn, "sts:AssumeRole", article.role_arn),
        f"{user_name} may assume the role",
        f'make "AWS" a list in the trust policy: trust_policy(aws=[jonnung.user_arn, "{arn}"], '
        'service="ec2.amazonaws.com"), then aws iam update-assume-role-policy',
    )
    fb.add(
        _allowed(lab, article.user_arn, "sts:AssumeRole", article.role_arn),
        f"{article.user_name} still may assume the role",
        f"keep {article.user_arn} in the list: a new trust policy replaces the old one entirely",
    )
    try:
        trust = json.dumps(iam.get_role(RoleName=article.role_name)["Role"]["AssumeRolePolicyDocument"])
    except ClientError:
        trust = ""
    fb.add("ec2.amazonaws.com" in trust, "EC2 is still trusted", 'keep service="ec2.amazonaws.com"')
    return fb


def check_bucket_listing(lab, article) -> Feedback:
    """Exercise 05: a session of the article's role listed the objects in the article's bucket."""
    fb = Feedback(f"a session of {article.role_name} lists the objects in {article.bucket}")
    entries = _journal(lab)
    session = f":assumed-role/{article.role_name}/"
    if not fb.add(
        any(e.action == "sts:AssumeRole" and e.allowed and article.role_name in e.resource for e in entries),
        f"{article.user_name} has assumed the role",
        "run the assume-role and %env cells above first",
    ):
        return fb
    listings = [e for e in entries if e.action == "s3:ListBucket" and e.resource.endswith(article.bucket)]
    hint = f"!aws s3 ls s3://{article.bucket} (the exported session credentials are used)"
    if any(f":user/{article.user_name}" in e.principal for e in listings):
        hint += f"; with --profile {article.user_name} the user's own keys, which allow nothing, are used"
    fb.add(
        any(session in e.principal and e.allowed for e in listings),
        f"the role session listed the objects in s3://{article.bucket}",
        hint,
    )
    return fb
