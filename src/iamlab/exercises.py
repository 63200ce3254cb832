"""Automatic feedback for the lessons' exercises: what is still wrong, and a hint towards the fix.

Each `check_*` function decides with the engine and the lab (`lab.check`, `lab.session`, the
journal, IAM reads as the administrator), never by searching a policy's text. An answer passes
only if the intended request comes out as intended *and* nothing broader is granted: the
engine is asked about principals, actions and resources the exercise did not ask for.

The checks never raise: an exercise checked too early gets a sentence saying what is missing.
Hints guide without giving the fix; the solution is shown only on request
(`show_solution()`: a button that reveals the last checked exercise's solution when pressed),
so a stored notebook never contains an answer.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from iamlab.i18n import _, ngettext
from iamlab.lab.article import trust_policy
from iamlab.notices import closed_notice
from iamlab.policy import Request, evaluate
from iamlab.policy.statement import as_list

GROUP = "backend_developers"
GROUP_POLICIES = ("AmazonS3ReadOnlyAccess", "CloudWatchReadOnlyAccess")
ASSUME = "sts:AssumeRole"
EC2 = "ec2.amazonaws.com"
# Probes for "broader than asked": who else, and what else, a trust policy must not let in.
OUTSIDER = "arn:aws:iam::111122223333:user/outsider"
OTHER_SERVICE = "lambda.amazonaws.com"
OTHER_TRUST_ACTIONS = ("sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML", "sts:SetSourceIdentity")
ALLOW_ASSUME_ANY_ROLE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ASSUME, "Resource": "*"}],
}


@dataclass(frozen=True)
class Item:
    ok: bool
    text: str
    hint: str = ""


@dataclass(frozen=True)
class Solution:
    """A worked answer, displayed only when the learner asks for it."""

    text: str

    def __repr__(self) -> str:
        return _("Solution") + f":\n{self.text}"

    def _repr_html_(self) -> str:
        return (
            "<div class='iamlab-solution'><b>" + html.escape(_("Solution")) + "</b>"
            f"<pre style='white-space:pre-wrap'>{html.escape(self.text)}</pre></div>"
        )


@dataclass
class Feedback:
    title: str
    items: list[Item] = field(default_factory=list)
    solution: str = field(default="", repr=False)

    def add(self, ok: bool, text: str, hint: str = "") -> bool:
        self.items.append(Item(bool(ok), text, "" if ok else hint))
        return bool(ok)

    @property
    def solved(self) -> bool:
        return bool(self.items) and all(i.ok for i in self.items)

    def verdict(self) -> str:
        missing = sum(not i.ok for i in self.items)
        if self.solved:
            return _("Solved, well done!")
        return ngettext("Not yet: {n} thing to fix.", "Not yet: {n} things to fix.", missing).format(
            n=missing
        )

    def show_solution(self) -> Solution:
        """The worked answer (never part of the feedback's own output)."""
        return Solution(self.solution or _("There is no solution to show for this exercise."))

    def __bool__(self) -> bool:
        return self.solved

    def _reveal_note(self) -> str:
        if self.solved or not self.solution:
            return ""
        return _("Stuck? Run show_solution() in a new cell and press its button to see a solution.")

    def __repr__(self) -> str:
        lines = [_("Exercise: {title}").format(title=self.title)]
        for i in self.items:
            lines.append(f"  {'✔' if i.ok else '✘'} {i.text}")
            if i.hint:
                lines.append("      " + _("hint: {hint}").format(hint=i.hint))
        lines.append(self.verdict())
        if self._reveal_note():
            lines.append(self._reveal_note())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = []
        for i in self.items:
            mark, color = ("✔", "#1a7f37") if i.ok else ("✘", "#cf222e")
            hint = _("hint: {hint}").format(hint=i.hint)
            hint = f"<br><small>{html.escape(hint)}</small>" if i.hint else ""
            rows.append(
                f"<li style='list-style:none'><b style='color:{color}'>{mark}</b> "
                f"{html.escape(i.text)}{hint}</li>"
            )
        color = "#1a7f37" if self.solved else "#9a6700"
        note = self._reveal_note()
        note = f"<br><small class='iamlab-solution-note'>{html.escape(note)}</small>" if note else ""
        title = _("Exercise: {title}").format(title=self.title)
        return (
            f"<div class='iamlab-feedback'><b>{html.escape(title)}</b>"
            "<ul style='padding-left:0.5em'>"
            f"{''.join(rows)}</ul><b style='color:{color}'>{html.escape(self.verdict())}</b>{note}</div>"
        )


_last: list[Feedback] = []  # the feedback of the exercise checked last, for show_solution()


def show_solution(feedback: Feedback | None = None):
    """A “Show solution” button for `feedback`, or for the exercise checked last.

    The answer appears only when the button is pressed, so a saved notebook never holds it.
    """
    from iamlab.widgets.solution import SolutionButton

    if feedback is None and not _last:
        return Solution(_("Check an exercise first: its solution is shown here."))
    return SolutionButton((feedback or _last[-1]).show_solution().text)


def _open_lab_only(check):
    """A check on a closed lab says so (with the fix), instead of blaming the learner's answer."""

    @functools.wraps(check)
    def checked(lab, *args, **kwargs) -> Feedback:
        if getattr(lab, "closed", False):
            fb = Feedback(_("the lab is open"))
            fb.add(False, closed_notice())
        else:
            fb = check(lab, *args, **kwargs)
        _last[:] = [fb]
        return fb

    return checked


def _allowed(lab, principal_arn: str, action: str, resource: str = "*") -> bool:
    try:
        return bool(lab.check(principal_arn, action, resource).allowed)
    except Exception:  # the principal does not exist (yet): not allowed
        return False


def _arn(lab, kind: str, name: str) -> str:
    return f"arn:aws:iam::{lab.account_id}:{kind}/{name}"


def _json(document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


# -- trust policies, decided by the engine --------------------------------------------------------
def _trusts(document, principal: str, role_arn: str, action: str = ASSUME, identity=(), context=None) -> bool:
    """Would `document`, as the role's trust policy, let `principal` call `action` on the role
    (with the condition keys in `context`)?"""
    account = role_arn.split(":")[4]
    try:
        request = Request(principal, action, role_arn, resource_account=account, context=context or {})
        return evaluate(request, identity_policies=identity, resource_policy=document).allowed
    except Exception:  # a document the engine cannot read trusts nobody
        return False


def _statements(document) -> list[dict]:
    """A policy's statements, however written (one or a list); anything else is left out."""
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return [s for s in (statements if isinstance(statements, list) else [statements]) if isinstance(s, dict)]


def _named_aws(document) -> set[str]:
    """What a trust policy's statements name under "AWS" in their Principal."""
    found = set()
    for statement in _statements(document):
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            found.update(a for a in as_list(principal.get("AWS", [])) if isinstance(a, str))
    return found


def _named_arns(document) -> set[str]:
    """The IAM user ARNs a trust policy names (candidates to ask the engine about)."""
    return {a for a in _named_aws(document) if ":user/" in a}


def _lab_users(lab) -> set[str]:
    try:
        return {u["Arn"] for u in lab.admin_session().client("iam").list_users()["Users"]}
    except (ClientError, BotoCoreError):
        return set()


def _broader_trust(lab, document, role_arn: str, intended: set[str]) -> list[tuple[str, str]]:
    """What `document` grants beyond the role's `intended` principals: (what, hint) pairs.

    The engine is asked about an outsider account, an unnamed user of the account, every
    user of the lab and every user the document names, another AWS service, and the other
    STS actions a trust policy can allow.
    """
    account = role_arn.split(":")[4]
    someone_else = f"arn:aws:iam::{account}:user/iamlab-someone-else"
    found = []
    if _trusts(document, OUTSIDER, role_arn, identity=[ALLOW_ASSUME_ANY_ROLE]):
        found.append(
            (
                _("it does not trust principals of other AWS accounts"),
                _('a Principal of "*" (or "AWS": "*") trusts everyone in every AWS account: name the user'),
            )
        )
    else:
        if _trusts(document, someone_else, role_arn, identity=[ALLOW_ASSUME_ANY_ROLE]):
            found.append(
                (
                    _("it trusts no other user of the account"),
                    _(
                        "trusting the account root lets every user whose own policy allows sts:AssumeRole "
                        "assume the role: name the user instead"
                    ),
                )
            )
        extra = sorted(
            arn
            for arn in (_named_arns(document) | _lab_users(lab)) - intended
            if _trusts(document, arn, role_arn)  # named directly: trusted with no policy of its own
        )
        if extra:
            found.append(
                (
                    _("it trusts only the principals the exercise names"),
                    _("{principals} may assume the role too, which the exercise does not ask for").format(
                        principals=", ".join(extra)
                    ),
                )
            )
    if _trusts(document, OTHER_SERVICE, role_arn):
        found.append((_("it trusts no AWS service besides EC2"), _("name only the EC2 service")))
    if any(_trusts(document, who, role_arn, action=a) for who in intended for a in OTHER_TRUST_ACTIONS):
        found.append(
            (
                _("its Action allows nothing besides sts:AssumeRole"),
                _("a wildcard Action also allows other STS actions: name the one action STS checks"),
            )
        )
    return found


def _role_trust(lab, role_name: str):
    try:
        iam = lab.admin_session().client("iam")
        return iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    except (ClientError, BotoCoreError):
        return None


def _add_trust_checks(fb: Feedback, lab, document, role_arn: str, intended: set[str]) -> None:
    """EC2 still trusted (the article's starting point) and nothing broader than asked."""
    fb.add(
        _trusts(document, EC2, role_arn),
        _("EC2 is still trusted"),
        _("the trust policy must still allow the EC2 service to assume the role, with no Deny for it"),
    )
    for what, hint in _broader_trust(lab, document, role_arn, intended):
        fb.add(False, what, hint)


# -- lesson 00: groups ----------------------------------------------------------------------------
@_open_lab_only
def check_group_member(lab, user_name: str = "minji") -> Feedback:
    """Exercise 00: `user_name` reads S3 and CloudWatch through the group, with no policy of its own."""
    fb = Feedback(
        _("{user} reads S3 and CloudWatch through the {group} group").format(user=user_name, group=GROUP),
        solution=(
            f"!aws iam create-user --user-name {user_name}\n"
            f"!aws iam add-user-to-group --group-name {GROUP} --user-name {user_name}"
        ),
    )
    iam = lab.admin_session().client("iam")
    try:
        iam.get_user(UserName=user_name)
    except ClientError:
        fb.add(
            False,
            _("user {user} exists").format(user=user_name),
            _("create the user first (aws iam create-user)"),
        )
        return fb
    fb.add(True, _("user {user} exists").format(user=user_name))
    try:
        members = [u["UserName"] for u in iam.get_group(GroupName=GROUP)["Users"]]
        attached = {
            p["PolicyName"] for p in iam.list_attached_group_policies(GroupName=GROUP)["AttachedPolicies"]
        }
    except ClientError:
        fb.add(
            False,
            _("group {group} exists").format(group=GROUP),
            _("run the cells above that create the group and attach its policies"),
        )
        return fb
    fb.add(
        set(GROUP_POLICIES) <= attached,
        _("{group} has {policies} attached").format(group=GROUP, policies=", ".join(GROUP_POLICIES)),
        _("attach the missing AWS managed policy to the group (aws iam attach-group-policy)"),
    )
    fb.add(
        user_name in members,
        _("{user} is a member of {group}").format(user=user_name, group=GROUP),
        _(
            "a user gets a group's permissions by joining the group: "
            "look for the aws iam command that adds one"
        ),
    )
    own = iam.list_user_policies(UserName=user_name)["PolicyNames"]
    own += [p["PolicyName"] for p in iam.list_attached_user_policies(UserName=user_name)["AttachedPolicies"]]
    fb.add(
        not own,
        _("{user} has no policy of its own (everything comes from the group)").format(user=user_name),
        _("detach or delete {policies}: members should inherit permissions from the group").format(
            policies=", ".join(own)
        ),
    )
    arn = _arn(lab, "user", user_name)
    fb.add(
        _allowed(lab, arn, "s3:ListAllMyBuckets"),
        _("{user} may list buckets (s3:ListAllMyBuckets)").format(user=user_name),
    )
    fb.add(
        _allowed(lab, arn, "cloudwatch:DescribeAlarms"),
        _("{user} may describe alarms (cloudwatch:DescribeAlarms)").format(user=user_name),
    )
    return fb


# -- lesson 06: the playground ----------------------------------------------------------------------
@_open_lab_only
def check_playground(lab, article, other_user: str = "minji") -> Feedback:
    """Exercise 06: minji may assume the role, jonnung may not, EC2 still may, nobody else may."""
    fb = Feedback(
        _("{other} may assume {role}, {user} may not, EC2 still may").format(
            other=other_user, role=article.role_name, user=article.user_name
        ),
        solution=_(
            "Tick user/{other} and ec2.amazonaws.com only; untick user/{user} and account root."
        ).format(other=other_user, user=article.user_name),
    )
    role = article.role_arn
    fb.add(
        _allowed(lab, _arn(lab, "user", other_user), ASSUME, role),
        _("{user} may assume the role").format(user=other_user),
        _("the trust policy does not let {user} in yet: which box names {user}?").format(user=other_user),
    )
    hint = _("the trust policy still lets {user} in").format(user=article.user_name)
    try:
        own = lab.admin_session().client("iam").list_user_policies(UserName=article.user_name)["PolicyNames"]
    except ClientError:
        own = []
    if own:
        hint = _(
            "{user}'s own policy {policies} may allow sts:AssumeRole when the account root is trusted"
        ).format(user=article.user_name, policies=", ".join(own))
    fb.add(
        not _allowed(lab, article.user_arn, ASSUME, role),
        _("{user} may not assume the role").format(user=article.user_name),
        hint,
    )
    document = _role_trust(lab, article.role_name)
    _add_trust_checks(fb, lab, document, role, {_arn(lab, "user", other_user)})
    return fb


@_open_lab_only
def check_account_trust(lab, article, other_user: str = "minji") -> Feedback:
    """Exercise 07: the role trusts the account root, and `other_user` gets in through an
    identity-based policy that allows sts:AssumeRole on this role and nothing more."""
    role = article.role_arn
    other = _arn(lab, "user", other_user)
    own_policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ASSUME, "Resource": role}],
    }
    fb = Feedback(
        _("{other} may assume {role} through the account root and a policy of her own").format(
            other=other_user, role=article.role_name
        ),
        solution=_("Keep account root and ec2.amazonaws.com ticked, and give {other} this policy:").format(
            other=other_user
        )
        + "\n"
        + _json(own_policy),
    )
    fb.add(
        _allowed(lab, other, ASSUME, role),
        _("{user} may assume the role").format(user=other_user),
        _(
            "both sides must allow: the trust policy lets the account in, and {user}'s own policy must allow "
            "sts:AssumeRole on the role"
        ).format(user=other_user),
    )
    fb.add(
        not _allowed(lab, article.user_arn, ASSUME, role),
        _("{user} may not assume the role").format(user=article.user_name),
        _("remove {user}'s own policy: with the account root trusted, it lets {user} in").format(
            user=article.user_name
        ),
    )
    document = _role_trust(lab, article.role_name) or {}
    fb.add(
        not _trusts(document, other, role),
        _("the trust policy does not name {user}").format(user=other_user),
        _("untick user/{user}: this time {user} must get in through her own policy").format(user=other_user),
    )
    fb.add(
        _trusts(document, _arn(lab, "user", "iamlab-someone-else"), role, identity=[ALLOW_ASSUME_ANY_ROLE]),
        _("the trust policy still trusts the account root"),
        _("keep the account root ticked: it hands the decision to the account's own policies"),
    )
    fb.add(
        _trusts(document, EC2, role),
        _("EC2 is still trusted"),
        _("the trust policy must still allow the EC2 service to assume the role, with no Deny for it"),
    )
    fb.add(
        not _trusts(document, OUTSIDER, role, identity=[ALLOW_ASSUME_ANY_ROLE]),
        _("it does not trust principals of other AWS accounts"),
        _('a Principal of "*" (or "AWS": "*") trusts everyone in every AWS account: name the account root'),
    )
    fb.add(
        _identity_grants(lab, other, role) == {(ASSUME, role)},
        _("{user}'s policy allows sts:AssumeRole on this role only").format(user=other_user),
        _("name the role's ARN as the Resource and sts:AssumeRole as the only Action"),
    )
    return fb


def _identity_grants(lab, principal: str, role_arn: str) -> set[tuple[str, str]]:
    """What `principal`'s identity-based policies allow among probes around `role_arn`: assuming it,
    the other trust actions, another role that trusts the account, and unrelated actions.

    The IAM policy simulator evaluates only the principal's own policies, so a right answer
    gives exactly {("sts:AssumeRole", role_arn)}: no policy at all gives the empty set.
    """
    another_role = role_arn.rsplit("/", 1)[0] + "/iamlab-another-role"
    trusting_account = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{lab.account_id}:root"},
                "Action": "sts:*",
                "Resource": role_arn.rsplit("/", 1)[0] + "/*",
            }
        ],
    }
    iam = lab.admin_session().client("iam")
    try:
        probes = [
            iam.simulate_principal_policy(
                PolicySourceArn=principal,
                ActionNames=[ASSUME, *OTHER_TRUST_ACTIONS, "sts:TagSession"],
                ResourceArns=[another_role, role_arn],
                ResourcePolicy=json.dumps(trusting_account),
                ResourceOwner=f"arn:aws:iam::{lab.account_id}:root",
            ),
            iam.simulate_principal_policy(
                PolicySourceArn=principal,
                ActionNames=["iam:CreateUser", "s3:PutObject", "s3:ListAllMyBuckets"],
                ResourceArns=["*"],
            ),
        ]
    except (ClientError, BotoCoreError):
        return set()
    return {
        (r["EvalActionName"], r["EvalResourceName"])
        for p in probes
        for r in p["EvaluationResults"]
        if r["EvalDecision"] == "allowed"
    }


# -- lesson 07: session policies --------------------------------------------------------------------
@_open_lab_only
def check_session_policy(lab, credentials, bucket: str = "jonnung-sample-bucket") -> Feedback:
    """Exercise 07: a session that may list all buckets but may not list the objects in `bucket`."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}],
    }
    fb = Feedback(
        _("a role session that lists buckets but not the objects in {bucket}").format(bucket=bucket),
        solution=_json(policy),
    )
    key = _cred(credentials, "access_key_id", "AccessKeyId")
    if not key:
        fb.add(
            False, _("you have temporary credentials"), _("run the assume-role cell of the exercise first")
        )
        return fb
    fb.add(True, _("you have temporary credentials"))
    session = lab.session(
        key,
        _cred(credentials, "secret_access_key", "SecretAccessKey"),
        _cred(credentials, "session_token", "SessionToken"),
    )
    fb.add(
        _succeeds(lambda: session.client("s3").list_buckets()),
        _("the session may list all buckets (aws s3 ls)"),
        _("a session policy only ever removes permissions: it must still allow listing all buckets"),
    )
    fb.add(
        not _succeeds(lambda: session.client("s3").list_objects_v2(Bucket=bucket)),
        _("the session may not list objects in {bucket} (aws s3 ls s3://{bucket})").format(bucket=bucket),
        _("the session policy's Action still covers the action behind listing a bucket's objects"),
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
@_open_lab_only
def check_instance_role(lab, instance_profile: str, article) -> Feedback:
    """Exercise 08: an instance with `instance_profile` gets credentials; jonnung still may assume it."""
    from iamlab.lab.ec2 import InstanceCredentialsError

    fb = Feedback(
        _("an instance with profile {profile} gets credentials; {user} still may").format(
            profile=instance_profile, user=article.user_name
        ),
        solution=_json(trust_policy(aws=article.user_arn, service=EC2)),
    )
    iam = lab.admin_session().client("iam")
    try:
        roles = iam.get_instance_profile(InstanceProfileName=instance_profile)["InstanceProfile"]["Roles"]
    except ClientError:
        fb.add(
            False,
            _("instance profile {profile} exists").format(profile=instance_profile),
            _("run the cells above that create it"),
        )
        return fb
    if not fb.add(
        bool(roles),
        _("{profile} holds a role").format(profile=instance_profile),
        _("an instance profile passes on the role it holds: add the role to it"),
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
        _("EC2 can assume {role} for the instance").format(role=role["RoleName"]),
        _("AWS says: {message} Which principal must the role's trust policy name for EC2?").format(
            message=why
        ),
    )
    fb.add(
        _allowed(lab, article.user_arn, ASSUME, role["Arn"]),
        _("{user} may still assume {role}").format(user=article.user_name, role=role["RoleName"]),
        _("a new trust policy replaces the old one entirely: keep {user} in it").format(
            user=article.user_name
        ),
    )
    document = _role_trust(lab, role["RoleName"])
    for what, hint in _broader_trust(lab, document, role["Arn"], {article.user_arn}):
        fb.add(False, what, hint)
    return fb


# -- lessons 01-05: the article's five steps ----------------------------------------------------------
@_open_lab_only
def check_profile(lab, profile: str = "jonnung-seoul", region: str = "ap-northeast-2") -> Feedback:
    """Exercise 01: a CLI profile `profile` in the lab's config files, in `region`, whose keys sign in."""
    import configparser

    fb = Feedback(
        _("a CLI profile {profile} in {region} that signs in").format(profile=profile, region=region),
        solution=(
            f"!aws configure set region {region} --profile {profile}\n"
            f"!aws configure set aws_access_key_id {{jonnung.access_key_id}} --profile {profile}\n"
            f"!aws configure set aws_secret_access_key {{jonnung.secret_access_key}} --profile {profile}"
        ),
    )
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
        _("profile {profile} exists").format(profile=profile),
        _("every aws configure set ... --profile {profile} creates it if needed").format(profile=profile),
    )
    fb.add(
        config.get(section, "region", fallback="") == region,
        _("its region is {region}").format(region=region),
        _("set the profile's region with aws configure set (Seoul is {region})").format(region=region),
    )

    def value(key: str) -> str:
        return credentials.get(profile, key, fallback="") or config.get(section, key, fallback="")

    key, secret = value("aws_access_key_id"), value("aws_secret_access_key")
    fb.add(
        bool(key and secret),
        _("it has an access key ID and a secret access key"),
        _("set both aws_access_key_id and aws_secret_access_key for the profile"),
    )
    if key and secret:
        fb.add(
            _succeeds(lambda: lab.session(key, secret).client("sts").get_caller_identity()),
            _("its keys sign in (aws sts get-caller-identity works)"),
            _(
                "the key ID or the secret has a typo: copy them from jonnung.access_key_id and "
                "jonnung.secret_access_key"
            ),
        )
    return fb


def _journal(lab) -> list:
    try:
        return lab.journal.entries()
    except Exception:  # a closed or half-built lab: nothing recorded
        return []


# `aws s3 ls` calls the ListBuckets API operation, which IAM authorizes as this action.
S3_LS_ACTION = "s3:ListAllMyBuckets"


@_open_lab_only
def check_needed_action(lab, answer, user_name: str = "jonnung") -> Feedback:
    """Exercise 02: `answer` names the one IAM action the user's denied `aws s3 ls` needed.

    The answer is judged with the engine: granted on its own to the user, it must turn the
    journaled denial of `aws s3 ls` into an allow, and it must be one action, not a wildcard.
    """
    fb = Feedback(
        _("the IAM action {user}'s denied aws s3 ls needed").format(user=user_name), solution=S3_LS_ACTION
    )
    denied = [
        e
        for e in _journal(lab)
        if e.principal.endswith(f":user/{user_name}") and not e.allowed and e.action == S3_LS_ACTION
    ]
    if not fb.add(
        bool(denied),
        _("{user} has been denied aws s3 ls").format(user=user_name),
        _("run the cell with !aws s3 ls --profile {user} first").format(user=user_name),
    ):
        return fb
    answer = answer.strip() if isinstance(answer, str) else ""
    service, _colon, action = answer.partition(":")
    if not fb.add(
        bool(service and action and " " not in answer),
        _("your answer {answer!r} is written service:Action").format(answer=answer),
        _("an IAM action looks like iam:CreateUser: the service prefix, a colon, the action"),
    ):
        return fb
    if not fb.add(
        "*" not in answer and "?" not in answer,
        _("your answer names one action, not a wildcard"),
        _("a wildcard covers many actions: the message names exactly one"),
    ):
        return fb
    request = denied[-1]
    grant = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": answer, "Resource": "*"}]}
    try:
        covers = evaluate(
            Request(principal=request.principal, action=request.action, resource=request.resource),
            identity_policies=[grant],
        ).allowed
    except Exception:
        covers = False
    hint = _("the error message names it right after 'not authorized to perform:'")
    if action.lower() == "listbuckets":
        hint = _(
            "ListBuckets is the API operation the CLI called, but IAM checks an action of another name: "
            "the error message names it right after 'not authorized to perform:'"
        )
    fb.add(covers, _("{answer} is the action the request needed").format(answer=answer), hint)
    return fb


def _statement_document(answer):
    """The learner's answer as a trust policy: one statement, a list of them, a whole document or JSON."""
    if isinstance(answer, str):
        try:
            answer = json.loads(answer)
        except ValueError:
            return None
    if isinstance(answer, dict) and "Statement" in answer:
        return answer
    if isinstance(answer, dict):
        return {"Version": "2012-10-17", "Statement": [answer]}
    if isinstance(answer, list) and answer and all(isinstance(s, dict) for s in answer):
        return {"Version": "2012-10-17", "Statement": answer}
    return None


def _readable_trust(fb: Feedback, answer):
    """The answer as a trust policy IAM would accept, or None after saying (in `fb`) why not."""
    from iamlab.policy import validate

    document = _statement_document(answer)
    if not fb.add(
        document is not None,
        _("the answer is a statement (a dict) or a whole trust policy"),
        _('write it like {"Effect": ..., "Principal": {...}, "Action": ...}'),
    ):
        return None
    errors = [f for f in validate(document, "trust") if str(getattr(f, "severity", "")).lower() == "error"]
    if not fb.add(
        not errors,
        _("IAM would accept it as a trust policy"),
        _("IAM says: {message}").format(message=errors[0].message) if errors else "",
    ):
        return None
    return document


@_open_lab_only
def check_trust_statement(lab, statement, article) -> Feedback:
    """Exercise 03: a trust statement (or the whole trust policy) letting the user assume the role,
    EC2 still trusted, nobody and nothing else."""
    fb = Feedback(
        _("a trust statement that lets {user} (and still EC2) assume the role").format(
            user=article.user_name
        ),
        solution=_json(trust_policy(aws=article.user_arn, service=EC2)["Statement"][0]),
    )
    document = _readable_trust(fb, statement)
    if document is None:
        return fb
    role = article.role_arn
    direct = _trusts(document, article.user_arn, role)
    hint = _("the Principal must name the user by its ARN (see jonnung.user_arn)")
    if not direct and _trusts(document, article.user_arn, role, identity=[ALLOW_ASSUME_ANY_ROLE]):
        hint = _(
            "trusting the account only delegates to it: {user} would also need an identity-based policy "
            "allowing sts:AssumeRole. Name the user instead"
        ).format(user=article.user_name)
    fb.add(
        direct, _("{user} may assume the role with no policy of its own").format(user=article.user_name), hint
    )
    _add_trust_checks(fb, lab, document, role, {article.user_arn})
    return fb


@_open_lab_only
def check_role_trusts(lab, article, user_name: str = "minji") -> Feedback:
    """Exercise 04: `user_name` may assume the article's role too; the user and EC2 still may."""
    arn = _arn(lab, "user", user_name)
    fb = Feedback(
        _("{user} may assume {role} too").format(user=user_name, role=article.role_name),
        solution=_json(trust_policy(aws=[article.user_arn, arn], service=EC2)),
    )
    iam = lab.admin_session().client("iam")
    try:
        iam.get_user(UserName=user_name)
    except ClientError:
        fb.add(
            False,
            _("user {user} exists").format(user=user_name),
            _("create the user first (aws iam create-user)"),
        )
        return fb
    fb.add(True, _("user {user} exists").format(user=user_name))
    fb.add(
        _allowed(lab, arn, ASSUME, article.role_arn),
        _("{user} may assume the role").format(user=user_name),
        _(
            '"AWS" in the Principal can be a list of ARNs; then update the role with aws iam '
            "update-assume-role-policy"
        ),
    )
    fb.add(
        _allowed(lab, article.user_arn, ASSUME, article.role_arn),
        _("{user} still may assume the role").format(user=article.user_name),
        _("a new trust policy replaces the old one entirely: keep {user} in it").format(
            user=article.user_name
        ),
    )
    _add_trust_checks(fb, lab, _role_trust(lab, article.role_name), article.role_arn, {article.user_arn, arn})
    return fb


@_open_lab_only
def check_bucket_listing(lab, article) -> Feedback:
    """Exercise 05: a session of the article's role listed the objects in the article's bucket."""
    fb = Feedback(
        _("a session of {role} lists the objects in {bucket}").format(
            role=article.role_name, bucket=article.bucket
        ),
        solution=f"!aws s3 ls s3://{article.bucket}",
    )
    entries = _journal(lab)
    session = f":assumed-role/{article.role_name}/"
    if not fb.add(
        any(e.action == ASSUME and e.allowed and e.resource == article.role_arn for e in entries),
        _("{user} has assumed the role").format(user=article.user_name),
        _("run the assume-role and %env cells above first"),
    ):
        return fb
    bucket_arn = f"arn:aws:s3:::{article.bucket}"
    listings = [e for e in entries if e.action == "s3:ListBucket" and e.resource == bucket_arn]
    hint = _("list the bucket's objects with the exported session credentials")
    if any(e.principal.endswith(f":user/{article.user_name}") for e in listings):
        hint = _(
            "with --profile {user} the user's own keys, which allow nothing, are used: "
            "leave the profile out so the exported session credentials sign the request"
        ).format(user=article.user_name)
    fb.add(
        any(session in e.principal and e.allowed for e in listings),
        _("the role session listed the objects in s3://{bucket}").format(bucket=article.bucket),
        hint,
    )
    return fb


# -- lesson 12: a role in another account -------------------------------------------------------------
EXTERNAL_ID = "sts:ExternalId"
THIRD_ACCOUNT = "444455556666"  # an account the lesson never uses: "everyone else"
# A caller's own policy allowing every STS action, so that across accounts the trust policy alone decides.
ALLOW_ANY_STS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
}


def _account_probe(account: str, kind: str = "user") -> str:
    return f"arn:aws:iam::{account}:{kind}/iamlab-someone-else"


def _named_principals(document) -> set[str]:
    """Who a trust policy names under "AWS", as principals to ask about: an ARN as written, an
    account (its root or its bare ID) as some other user of that account. A wildcard inside an ARN
    names nobody (IAM matches Principal ARNs literally)."""
    found = set()
    for value in (v for v in _named_aws(document) if "*" not in v):
        account = value.split(":")[4] if value.count(":") >= 5 else value
        found.add(_account_probe(account) if value.endswith(":root") or value.isdigit() else value)
    return found


def _named_external_ids(document) -> set[str]:
    """The values a trust policy's conditions compare sts:ExternalId with (candidates to ask about)."""
    found = set()
    for statement in _statements(document):
        condition = statement.get("Condition")
        for block in condition.values() if isinstance(condition, dict) else []:
            for key, values in block.items() if isinstance(block, dict) else []:
                if str(key).lower() == EXTERNAL_ID.lower():
                    found.update(v for v in as_list(values) if isinstance(v, str))
    return found


def _principal_keys(principal: str) -> dict:
    """The global condition keys AWS sets for `principal` (an IAM user or role ARN, or a service),
    so that a trust policy narrowing "*" by `aws:PrincipalArn` and the like is decided as AWS would."""
    if ":" not in principal:
        return {"aws:PrincipalServiceName": principal, "aws:PrincipalIsAWSService": "true"}
    account, name = principal.split(":")[4], principal.rsplit("/", 1)[-1]
    keys = {
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": account,
        "aws:PrincipalIsAWSService": "false",
    }
    if ":user/" in principal:
        return keys | {"aws:PrincipalType": "User", "aws:username": name}
    return keys | {"aws:PrincipalType": "AssumedRole"}


def _admits(document, role_arn: str, principal: str, context: dict, action: str = ASSUME) -> bool:
    """Would the trust policy `document` let `principal`, whose own policy allows every STS action,
    call `action` on the role, with the keys AWS sets for it and those in `context`?"""
    return _trusts(
        document, principal, role_arn, action, [ALLOW_ANY_STS], _principal_keys(principal) | context
    )


def _other_external_ids(external_id: str, document) -> list[str]:
    """IDs that are not `external_id` but that a loose condition could admit: one character more
    anywhere (a `*`), one character changed anywhere (a `?`), other letter case, another ID
    altogether, and every other value the document names."""
    others = {external_id + "x", external_id.swapcase(), "another-customers-id"}
    for i, char in enumerate(external_id):
        others.add(external_id[:i] + "x" + external_id[i:])
        others.add(external_id[:i] + ("y" if char == "x" else "x") + external_id[i + 1 :])
    named = _named_external_ids(document) - others
    return sorted(others - {external_id}) + sorted(named - {external_id})


def _cross_account_checks(document, role_arn: str, user_arn: str, external_id: str):
    """What `document` must refuse besides `user_arn` with `external_id`, each as (refused, what, hint).
    Every probe's own policy allows every STS action, so the trust policy alone decides."""
    trusted_account, role_account = user_arn.split(":")[4], role_arn.split(":")[4]
    user = user_arn.rsplit("/", 1)[-1]

    def admits(principal, context, action=ASSUME) -> bool:
        return _admits(document, role_arn, principal, context, action)

    right = {EXTERNAL_ID: external_id}
    wrong = [i for i in _other_external_ids(external_id, document) if admits(user_arn, {EXTERNAL_ID: i})]
    colleagues = [_account_probe(trusted_account), _account_probe(trusted_account, "role")]
    outsiders = [_account_probe(THIRD_ACCOUNT), _account_probe(role_account)]
    outsiders += sorted(_named_principals(document) - {user_arn} - set(colleagues))
    colleague = next((who for who in colleagues if admits(who, right)), "")
    outsider = next((who for who in outsiders if admits(who, right)), "")
    unchecked = admits(user_arn, {})
    loose = _(
        "the role also accepts the external ID {other}: a wildcard (StringLike), a case-insensitive "
        "operator or a second value lets other IDs in. Compare with exactly one value"
    )
    if unchecked:
        loose = _("the role also accepts the external ID {other}: nothing checks the ID yet")
    return [
        (
            not unchecked,
            _("without an external ID, {user} is refused").format(user=user),
            _(
                "add a Condition on the key sts:ExternalId; one that also holds when the key is missing "
                "(…IfExists) lets a caller leave the ID out"
            ),
        ),
        (
            not wrong,
            _("with any other external ID, {user} is refused").format(user=user),
            loose.format(other=wrong[0] if wrong else ""),
        ),
        (
            not colleague,
            _("no other user or role of account {account} is trusted").format(account=trusted_account),
            _(
                "{principal} may assume the role too. Naming the account (its root or its ID) hands the "
                "decision to that account's administrators: anyone they allow gets in. Name the user"
            ).format(principal=colleague),
        ),
        (
            not outsider,
            _("no principal of any other account is trusted"),
            _('{principal} may assume the role too ("*" trusts everyone in every AWS account)').format(
                principal=outsider
            ),
        ),
        (
            not (admits(OTHER_SERVICE, right) or admits(EC2, right)),
            _("no AWS service is trusted"),
            _('name only the user, under "AWS"'),
        ),
        (
            not any(admits(user_arn, right, action) for action in OTHER_TRUST_ACTIONS),
            _("its Action allows nothing besides sts:AssumeRole"),
            _("a wildcard Action also allows other STS actions: name the one action STS checks"),
        ),
    ]


@_open_lab_only
def check_cross_account_trust(lab, trust, role_arn: str, user_arn: str, external_id: str) -> Feedback:
    """Exercise 12: a trust policy for `role_arn` that lets `user_arn`, a user of another account,
    assume the role only when it passes `external_id`, and lets nobody else in.

    The engine decides every probe: the user with the right ID, with none and with near misses
    (where a wildcard or a case-insensitive operator would let another ID in), other principals
    of the user's account, of the role's and of a third account, services and other STS actions.
    """
    user = user_arn.rsplit("/", 1)[-1]
    answer = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": user_arn},
                "Action": ASSUME,
                "Condition": {"StringEquals": {EXTERNAL_ID: external_id}},
            }
        ],
    }
    fb = Feedback(
        _("only {user} of account {account}, and only with external ID {external_id}").format(
            user=user, account=user_arn.split(":")[4], external_id=external_id
        ),
        solution=_json(answer),
    )
    document = _readable_trust(fb, trust)
    if document is None:
        return fb
    fb.add(
        _admits(document, role_arn, user_arn, {EXTERNAL_ID: external_id}),
        _("{user} may assume the role with external ID {external_id}").format(
            user=user, external_id=external_id
        ),
        _(
            'the Principal must name {arn} under "AWS", the Action sts:AssumeRole, and the Condition must '
            "accept the ID {external_id}"
        ).format(arn=user_arn, external_id=external_id),
    )
    for refused, what, hint in _cross_account_checks(document, role_arn, user_arn, external_id):
        fb.add(refused, what, hint)
    return fb
