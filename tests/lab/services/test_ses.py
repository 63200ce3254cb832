"""SES (API v1 and v2, both signed as `ses`): identities and configuration sets decided by their ARNs.

"If the Resource element is restricted, ... The Action element of the second policy or statement
must be set to one or more of the email-sending APIs. The Resource element must be set to the
identity's ARN." (AWS Knowledge Center, "How do I resolve a 554 Access denied error when I send
an email from my IAM user in Amazon SES?")
"""

import json
import types
from urllib.parse import quote

import pytest

from tests.lab.helpers import allow, deny, doc, error_code, error_of
from tests.lab.raw_http import send, signed
from tests.lab.services.common import ACCOUNT, REGION, as_principal, client_of, user_arn

IDENTITY = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/"
MESSAGE = {"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hello"}}}
TO = {"ToAddresses": ["reader@example.net"]}


@pytest.fixture
def identities(lab):
    ses = lab.admin_session().client("ses")
    for address in ("news@example.com", "billing@example.com"):
        ses.verify_email_identity(EmailAddress=address)
    ses.verify_domain_identity(Domain="example.org")
    return ses


def _send(ses, source):
    return lambda: ses.send_email(Source=source, Destination=TO, Message=MESSAGE)


def _send_v2(v2, sender):
    return lambda: v2.send_email(FromEmailAddress=sender, Destination=TO, Content={"Simple": MESSAGE})


def test_a_policy_naming_an_identity_allows_sending_from_exactly_that_identity(lab, identities):
    ses = client_of(lab, "ses", "mina", allow("ses:SendEmail", IDENTITY + "news@example.com"))
    _send(ses, "news@example.com")()
    _send(ses, '"Newsletter" <news@example.com>')()
    code, message = error_of(_send(ses, "billing@example.com"))
    assert code == "AccessDenied"
    assert message == (
        f"User `{user_arn('mina')}' is not authorized to perform `ses:SendEmail' "
        f"on resource `{IDENTITY}billing@example.com'"
    )


def test_an_address_of_a_verified_domain_sends_from_the_domain_identity(lab, identities):
    """moto, like SES, lets an address of a verified domain send; the identity is the domain."""
    ses = client_of(lab, "ses", "mina", allow("ses:SendRawEmail", IDENTITY + "example.org"))
    raw = b"From: Sales <sales@example.org>\r\nTo: reader@example.net\r\nSubject: hi\r\n\r\nhello"
    ses.send_raw_email(RawMessage={"Data": raw})
    assert (lab.journal[-1].resource, lab.journal[-1].result) == (IDENTITY + "example.org", "Allowed")
    blocked = client_of(lab, "ses", "dana", allow("ses:SendRawEmail"), deny("*", IDENTITY + "example.org"))
    message = {"Data": raw}
    assert error_code(lambda: blocked.send_raw_email(Source="sales@example.org", RawMessage=message)) == (
        "AccessDenied"
    )


def test_a_deny_naming_one_identity_denies_exactly_that_one(lab, identities):
    """SES v1 authorizes only its sending APIs against an identity (the reference gives its other
    actions no resource type); API v2 authorizes each identity API against the identity."""
    news = IDENTITY + "news@example.com"
    statements = allow("ses:*"), deny(["ses:SendEmail", "ses:DeleteEmailIdentity"], news)
    ses = client_of(lab, "ses", "mina", *statements)
    assert error_code(_send(ses, "news@example.com")) == "AccessDenied"
    _send(ses, "billing@example.com")()
    v2 = client_of(lab, "sesv2", "dana", *statements)
    code, message = error_of(lambda: v2.delete_email_identity(EmailIdentity="news@example.com"))
    assert code == "AccessDeniedException"
    assert message.endswith(
        f"ses:DeleteEmailIdentity on resource: {IDENTITY}news@example.com "
        "with an explicit deny in an identity-based policy"
    )
    v2.delete_email_identity(EmailIdentity="billing@example.com")
    assert sorted(identities.list_identities()["Identities"]) == ["example.org", "news@example.com"]


def test_api_v2_decides_identities_by_arn_and_denies_in_its_own_shape(lab, identities):
    """SES API v2 is REST-JSON: its denial is `AccessDeniedException`, which boto3 reads even for a GET."""
    v2 = client_of(lab, "sesv2", "mina", allow("ses:GetEmailIdentity", IDENTITY + "news@example.com"))
    assert v2.get_email_identity(EmailIdentity="news@example.com")["IdentityType"] == "EMAIL_ADDRESS"
    code, message = error_of(lambda: v2.get_email_identity(EmailIdentity="billing@example.com"))
    assert code == "AccessDeniedException"
    assert f"ses:GetEmailIdentity on resource: {IDENTITY}billing@example.com" in message
    send = allow("ses:SendEmail", IDENTITY + "news@example.com")
    v2 = client_of(lab, "sesv2", "dana", send, deny("ses:DeleteEmailIdentity", IDENTITY + "news@example.com"))
    _send_v2(v2, "news@example.com")()
    assert error_code(_send_v2(v2, "billing@example.com")) == "AccessDeniedException"
    assert error_code(lambda: v2.delete_email_identity(EmailIdentity="news@example.com")) == (
        "AccessDeniedException"
    )


def test_a_configuration_set_is_decided_by_its_arn(lab):
    arn = f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/"
    ses = client_of(lab, "ses", "mina", allow("ses:CreateConfigurationSet", arn + "team-*"))
    ses.create_configuration_set(ConfigurationSet={"Name": "team-news"})
    other = {"Name": "other"}
    assert error_code(lambda: ses.create_configuration_set(ConfigurationSet=other)) == "AccessDenied"
    v2 = client_of(lab, "sesv2", "dana", allow("ses:GetConfigurationSet", arn + "team-news"))
    assert v2.get_configuration_set(ConfigurationSetName="team-news")["ConfigurationSetName"] == "team-news"


OTHER = "111122223333"


def _authorize(lab, identity: str, *statements):
    """The identity's owner attaches an authorization policy (SES API v2) holding `statements`."""
    v2 = lab.admin_session().client("sesv2")
    v2.create_email_identity_policy(EmailIdentity=identity, PolicyName="senders", Policy=doc(*statements))


def test_the_identity_policy_grants_a_user_of_the_account_on_its_own(lab, identities):
    """A same-account user needs no IAM policy when the identity's policy names them.

    "The principal, which is the entity to which you are granting permission, can be an AWS account,
    an AWS Identity and Access Management (IAM) user, or an AWS service that belongs to the same
    account." (SES Developer Guide, "Identity policy examples in Amazon SES")
    """
    ses = client_of(lab, "ses", "mina")
    assert error_code(_send(ses, "news@example.com")) == "AccessDenied"
    news = IDENTITY + "news@example.com"
    _authorize(lab, "news@example.com", allow("ses:SendEmail", news, **as_principal("mina")))
    _send(ses, "news@example.com")()
    assert error_code(_send(ses, "billing@example.com")) == "AccessDenied"


def test_another_account_sends_from_an_identity_only_when_both_policies_allow(lab, identities):
    """Sending authorization across accounts: the delegate sender names the identity (`SourceArn`), and
    "the identity-based policy and the resource-based policy must both allow the request" (IAM User
    Guide, cross-account policy evaluation)."""
    iam = lab.admin_session(OTHER).client("iam")
    iam.create_user(UserName="carol")
    iam.put_user_policy(UserName="carol", PolicyName="send", PolicyDocument=doc(allow("ses:SendEmail")))
    key = iam.create_access_key(UserName="carol")["AccessKey"]
    carol = lab.session(key["AccessKeyId"], key["SecretAccessKey"]).client("ses")
    arn = IDENTITY + "news@example.com"

    def send():
        return carol.send_email(Source="news@example.com", SourceArn=arn, Destination=TO, Message=MESSAGE)

    code, message = error_of(send)
    assert code == "AccessDenied"
    carol_arn = f"arn:aws:iam::{OTHER}:user/carol"
    assert message == f"User `{carol_arn}' is not authorized to perform `ses:SendEmail' on resource `{arn}'"
    _authorize(lab, "news@example.com", allow("ses:SendEmail", arn, Principal={"AWS": carol_arn}))
    send()
    iam.delete_user_policy(UserName="carol", PolicyName="send")
    assert error_code(send) == "AccessDenied"


def _key_of_new_user(lab, name):
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return types.SimpleNamespace(access_key_id=key["AccessKeyId"], secret_access_key=key["SecretAccessKey"])


def _v2_get(lab, path, key):
    return send(lab, "GET", path, signed(lab, "GET", path, key=key, service="ses"))


def test_api_v2_lists_on_the_routes_older_clients_call(lab, identities):
    """AWS still serves SES v2's list operations on their first routes (the API Reference:
    "GET /v2/email/identities?NextToken=NextToken&PageSize=PageSize HTTP/1.1"), which Debian's
    AWS CLI 2.9 calls; moto's model knows only their new ones (`POST /v2/email/list-identities`).
    Each is served and decided as the operation it is."""
    v2 = lab.admin_session().client("sesv2")
    v2.create_configuration_set(ConfigurationSetName="team-news")
    v2.create_contact_list(ContactListName="readers")
    v2.create_contact(ContactListName="readers", EmailAddress="reader@example.net")
    admin = lab.admin_keys

    reply = _v2_get(lab, "/v2/email/identities?PageSize=2", admin)
    assert reply.status == 200, reply.body
    listed = json.loads(reply.body)
    assert len(listed["EmailIdentities"]) == 2 and listed["NextToken"]
    after = quote(listed["NextToken"])
    rest = json.loads(_v2_get(lab, f"/v2/email/identities?NextToken={after}", admin).body)
    names = {each["IdentityName"] for each in listed["EmailIdentities"] + rest["EmailIdentities"]}
    assert names == {"news@example.com", "billing@example.com", "example.org"}
    reply = _v2_get(lab, "/v2/email/configuration-sets", admin)
    assert json.loads(reply.body)["ConfigurationSets"] == ["team-news"]
    reply = _v2_get(lab, "/v2/email/contact-lists/readers/contacts", admin)
    assert [c["EmailAddress"] for c in json.loads(reply.body)["Contacts"]] == ["reader@example.net"]

    key = _key_of_new_user(lab, "mina")
    reply = _v2_get(lab, "/v2/email/identities", key)
    assert (reply.status, reply.code) == (403, "AccessDeniedException")
    assert "ses:ListEmailIdentities" in reply.message
