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
