"""EC2 instances decided by their own ARNs; denials as `UnauthorizedOperation` in EC2's XML."""

import pytest

from tests.lab.helpers import allow, deny, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, client_of, user_arn

ARN = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/"
IMAGE = "ami-12c6146b"


@pytest.fixture
def instances(lab):
    ec2 = lab.admin_session().client("ec2")
    found = ec2.run_instances(ImageId=IMAGE, MinCount=2, MaxCount=2)["Instances"]
    return [i["InstanceId"] for i in found]


def test_a_policy_naming_an_instance_allows_exactly_that_instance(lab, instances):
    first, second = instances
    ec2 = client_of(lab, "ec2", "mina", allow("ec2:StopInstances", ARN + first))
    ec2.stop_instances(InstanceIds=[first])
    code, message = error_of(lambda: ec2.stop_instances(InstanceIds=[second]))
    assert code == "UnauthorizedOperation"
    assert message == (
        f"You are not authorized to perform this operation. User: {user_arn('mina')} is not authorized to "
        f"perform: ec2:StopInstances on resource: {ARN}{second} because no identity-based policy allows "
        "the ec2:StopInstances action"
    )


def test_a_deny_naming_one_instance_denies_exactly_that_one(lab, instances):
    first, second = instances
    ec2 = client_of(lab, "ec2", "mina", allow("ec2:*"), deny("ec2:TerminateInstances", ARN + first))
    assert error_code(lambda: ec2.terminate_instances(InstanceIds=[first])) == "UnauthorizedOperation"
    ec2.terminate_instances(InstanceIds=[second])
    states = {
        i["InstanceId"]: i["State"]["Name"]
        for r in ec2.describe_instances()["Reservations"]
        for i in r["Instances"]
    }
    assert states[first] == "running"


def test_one_forbidden_instance_in_a_call_denies_the_whole_call(lab, instances):
    first, second = instances
    ec2 = client_of(lab, "ec2", "mina", allow("ec2:StopInstances", ARN + first))
    assert error_code(lambda: ec2.stop_instances(InstanceIds=[first, second])) == "UnauthorizedOperation"


def test_run_instances_needs_the_image_as_well_as_the_instance(lab):
    """RunInstances is authorized against every resource it uses, not only the new instance."""
    only_instances = allow("ec2:RunInstances", ARN + "*")
    ec2 = client_of(lab, "ec2", "mina", only_instances)
    code, message = error_of(lambda: ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1))
    assert code == "UnauthorizedOperation"
    assert f"arn:aws:ec2:{REGION}::image/{IMAGE}" in message
    uses = [ARN + "*", f"arn:aws:ec2:{REGION}::image/{IMAGE}"]
    uses += [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/*"
        for kind in ("network-interface", "volume", "subnet", "security-group")
    ]
    everything_it_uses = allow("ec2:RunInstances", uses)
    ec2 = client_of(lab, "ec2", "dana", everything_it_uses)
    ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1)


def test_tags_are_authorized_against_the_resource_they_name(lab, instances):
    first, second = instances
    ec2 = client_of(lab, "ec2", "mina", allow("ec2:CreateTags", ARN + first))
    ec2.create_tags(Resources=[first], Tags=[{"Key": "team", "Value": "web"}])
    tags = [{"Key": "team", "Value": "web"}]
    assert error_code(lambda: ec2.create_tags(Resources=[second], Tags=tags)) == "UnauthorizedOperation"


def test_a_deny_on_the_default_subnet_stops_an_instance_launched_without_naming_it(lab):
    """RunInstances is authorized against the subnet it uses, named or not."""
    admin = lab.admin_session().client("ec2")
    zone = f"{REGION}a"
    subnets = admin.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    default = next(s["SubnetId"] for s in subnets if s["AvailabilityZone"] == zone)
    subnet = f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{default}"
    ec2 = client_of(lab, "ec2", "mina", allow("ec2:*"), deny("ec2:RunInstances", subnet))
    code, message = error_of(lambda: ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1))
    assert code == "UnauthorizedOperation"
    assert f"on resource: {subnet} with an explicit deny" in message
    assert admin.describe_instances()["Reservations"] == []
