"""Service control policies (SCPs) and resource control policies (RCPs) in `evaluate`."""

from __future__ import annotations

from functools import partial

from iamlab.policy.words import statement_label
from tests.policy import helpers
from tests.policy.helpers import ACCOUNT, OTHER, SESSION, USER, allow, deny, doc, grant

LIST = "s3:ListAllMyBuckets"
FULL = doc(allow())  # FullAWSAccess
MANAGEMENT = "999988887777"


# Organizations tests ask about listing buckets unless they say otherwise.
decide = partial(helpers.decide, action=LIST, resource="*")


class TestServiceControlPolicies:
    def test_every_level_must_allow(self):
        """Organizations User Guide, SCP evaluation: "For a permission to be allowed for a specific
        account, there must be an explicit Allow statement at every level from the root through
        each OU in the direct path to the account (including the target account itself).\""""
        assert decide(allow(), scps=[[FULL], [FULL], [FULL]]).result == "Allowed"
        d = decide(allow(), scps=[[FULL], {"id": "ou-1a", "policies": [doc()]}, [FULL]])
        assert (d.result, d.reason) == ("ImplicitlyDenied", "no_scp_allow")
        assert d.message == (
            f"User: {USER} is not authorized to perform: {LIST} because no service control policy "
            f"allows the {LIST} action"
        )

    def test_an_scp_never_grants(self):
        """Organizations User Guide: "SCPs alone are not sufficient to granting permissions to the
        accounts in your organization. No permissions are granted by an SCP.\""""
        d = decide(scps=[[FULL]])
        assert (d.result, d.reason) == ("ImplicitlyDenied", "no_identity_allow")

    def test_a_deny_at_any_level_wins(self):
        """IAM User Guide, Policy evaluation logic: "An explicit deny in any of these policies
        overrides the allow.\""""
        levels = [[FULL], {"id": "ou-1a", "policies": [doc(allow(), deny(LIST))]}, [FULL]]
        d = decide(allow(), scps=levels)
        assert (d.result, d.reason) == ("ExplicitlyDenied", "explicit_deny_scp")
        assert d.message.endswith("with an explicit deny in a service control policy")
        assert "the SCP at OU ou-1a denies s3:ListAllMyBuckets" in d.path[0].detail
        assert "SCP at OU ou-1a" in d.fix.text

    def test_scps_limit_resource_policy_grants_too(self):
        """Organizations User Guide, SCP evaluation: "For a permission to be allowed for a specific
        account, there must be an explicit Allow statement at every level ...", whichever policy grants
        it: a bucket policy naming the caller does not pass an SCP that allows nothing."""
        bucket = doc(grant({"AWS": USER}, "s3:GetObject", "arn:aws:s3:::b/k"))
        d = decide(action="s3:GetObject", resource="arn:aws:s3:::b/k", resource_policy=bucket, scps=[[doc()]])
        assert d.reason == "no_scp_allow"

    def test_scps_apply_to_the_member_accounts_root_user(self):
        """Organizations User Guide, Service control policies: "SCPs affect all users and roles in attached
        accounts, including the root user.\""""
        root = f"arn:aws:iam::{ACCOUNT}:root"
        assert decide(principal=root, scps=[[doc(deny(LIST))]]).result == "ExplicitlyDenied"

    def test_not_the_management_account(self):
        """Organizations User Guide: "SCPs don't affect users or roles in the management account.\""""
        boss = f"arn:aws:iam::{MANAGEMENT}:user/admin"
        assert decide(allow(), principal=boss, scps=[[doc(deny())]], management=MANAGEMENT).result == (
            "Allowed"
        )
        assert decide(allow(), principal=boss, scps=[[doc(deny())]]).result == "ExplicitlyDenied"

    def test_not_service_linked_roles(self):
        """Organizations User Guide: "SCPs do not affect any service-linked role.\""""
        linked = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/s3.amazonaws.com/AWSServiceRoleForS3"
        session = f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSServiceRoleForS3/s3"
        for principal in (linked, session):
            assert decide(allow(), principal=principal, scps=[[doc(deny())]]).result == "Allowed"
        assert decide(allow(), principal=SESSION, scps=[[doc(deny())]]).result == "ExplicitlyDenied"

    def test_not_anonymous_or_service_callers(self):
        public = doc(grant("*", "s3:GetObject", "arn:aws:s3:::b/*"))
        for principal in ({"type": "Anonymous"}, "cloudtrail.amazonaws.com"):
            d = decide(
                principal=principal,
                action="s3:GetObject",
                resource="arn:aws:s3:::b/k",
                account=ACCOUNT,
                resource_policy=public,
                scps=[[doc(deny())]],
            )
            assert d.result == "Allowed"

    def test_no_organization(self):
        assert decide(allow(), scps=None).result == "Allowed"


class TestResourceControlPolicies:
    OBJECT = "arn:aws:s3:::b/k"

    def test_only_denies_matter(self):
        """Organizations User Guide, RCP syntax: "The effect of Allow is only supported for the
        RCPFullAWSAccess policy. This policy is automatically attached to the organization root,
        every OU, and every account in your organization ... You cannot detach this policy.\""""
        assert decide(allow(), rcps=[[], [doc()]]).result == "Allowed"
        d = decide(allow(), rcps=[[doc(grant("*", LIST, effect="Deny"))], []])
        assert (d.result, d.reason) == ("ExplicitlyDenied", "explicit_deny_rcp")
        assert d.message.endswith("with an explicit deny in a resource control policy")

    def test_rcps_deny_anonymous_callers(self):
        public = doc(grant("*", "s3:GetObject", "arn:aws:s3:::b/*"))
        rcp = doc(grant("*", "s3:GetObject", "*", effect="Deny"))
        d = decide(
            principal={"type": "Anonymous"},
            action="s3:GetObject",
            resource=self.OBJECT,
            account=ACCOUNT,
            resource_policy=public,
            rcps=[[rcp]],
        )
        assert d.result == "ExplicitlyDenied"
        assert d.message.startswith("User: anonymous is not authorized to perform: s3:GetObject")

    def test_only_for_services_that_support_rcps(self):
        """Organizations User Guide, Resource control policies, section "List of AWS services that
        support RCPs": Amazon S3, AWS STS, AWS KMS, Amazon SQS and AWS Secrets Manager are among them,
        Amazon EC2 is not (a list, not a sentence, so named rather than quoted)."""
        everything = [[doc(grant("*", "*", "*", effect="Deny"))]]
        assert decide(allow(), action="ec2:DescribeInstances", rcps=everything).result == "Allowed"
        assert decide(allow(), action="s3:GetObject", resource=self.OBJECT, rcps=everything).result == (
            "ExplicitlyDenied"
        )

    def test_not_the_management_accounts_resources(self):
        """Organizations User Guide: "RCPs don't affect resources in the management account.\""""
        everything = [[doc(grant("*", "*", "*", effect="Deny"))]]
        d = decide(
            allow(),
            action="s3:GetObject",
            resource=self.OBJECT,
            account=MANAGEMENT,
            rcps=everything,
            management=MANAGEMENT,
            principal=f"arn:aws:iam::{MANAGEMENT}:user/admin",
        )
        assert d.result == "Allowed"

    def test_rcps_guard_resources_against_other_accounts(self):
        """Organizations User Guide, Resource control policies: "Use an RCP when you need to restrict IAM
        principals that are external to your organization accounts making requests to access resources
        within your organization’s member accounts." The RCPs given are the resource account's."""
        outsider = f"arn:aws:iam::{OTHER}:user/mallory"
        bucket = doc(grant({"AWS": outsider}, "s3:GetObject", self.OBJECT))
        rcp = doc(grant("*", "s3:*", "*", effect="Deny"))
        kwargs = {
            "action": "s3:GetObject",
            "resource": self.OBJECT,
            "account": ACCOUNT,
            "resource_policy": bucket,
        }
        assert decide(allow(), principal=outsider, **kwargs).result == "Allowed"
        assert decide(allow(), principal=outsider, rcps=[[rcp]], **kwargs).result == "ExplicitlyDenied"


class TestExplanations:
    def test_the_flow_path_shows_the_organizations_step(self):
        d = decide(allow(), scps=[[FULL], {"id": "ou-1a", "policies": [doc()]}])
        keys = [step.key for step in d.path]
        assert keys == ["deny", "organizations"]
        assert d.path[-1].detail.startswith("no SCP at OU ou-1a allows s3:ListAllMyBuckets")
        assert d.fix.kind == "widen_scp" and d.fix.target == "SCP at OU ou-1a"
        assert "OU ou-1a" in d.explanation

        allowed = decide(allow(), scps=[[FULL]])
        assert [step.key for step in allowed.path][:2] == ["deny", "organizations"]

    def test_levels_without_names_are_named_by_position(self):
        d = decide(allow(), scps=[[FULL], [FULL], [doc()]])
        assert d.fix.target == "SCP at the account"
        d = decide(allow(), scps=[[doc()], [FULL]])
        assert d.fix.target == "SCP at the organization root"

    def test_deciding_statements_name_the_level(self):
        d = decide(allow(), scps=[{"id": "r-abcd", "policies": [doc(deny(LIST, Sid="NoBuckets"))]}])
        (match,) = d.deciding
        assert statement_label(match) == "SCP at root r-abcd, statement NoBuckets (Deny)"
        assert any(m.kind == "scp" for m in d.statements)
