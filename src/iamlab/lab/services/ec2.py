"""EC2: resources by id (`InstanceIds`, `GroupId`, ...); tags name any resource by its id prefix.

EC2 answers a denial as `UnauthorizedOperation` in its own XML, with a sentence before
the usual text ("You are not authorized to perform this operation. User: ...").
RunInstances also creates the instance's network interface and volumes, and uses a subnet
and security groups (the default ones when the call names none), each checked.
"""

from __future__ import annotations

from iamlab.lab.services.adapter import Adapter, Denial, Where

# Id prefix -> the resource type's path in its ARN (images and snapshots have no account).
ID_PREFIXES = {
    "i-": "instance",
    "vol-": "volume",
    "sg-": "security-group",
    "subnet-": "subnet",
    "vpc-": "vpc",
    "eni-": "network-interface",
    "ami-": "image",
    "snap-": "snapshot",
    "igw-": "internet-gateway",
    "rtb-": "route-table",
    "acl-": "network-acl",
    "eipalloc-": "elastic-ip",
    "lt-": "launch-template",
}
NO_ACCOUNT = ("image", "snapshot")
TAGGING = ("CreateTags", "DeleteTags")
CREATED_WITH_INSTANCE = ("network-interface", "volume")


class EC2(Adapter):
    denial = Denial("UnauthorizedOperation", 403, "ec2", "You are not authorized to perform this operation. ")
    sources = {
        "InstanceId": ("InstanceId", "InstanceIds"),
        "SecurityGroupId": ("GroupId", "GroupIds", "SecurityGroupIds"),
        "KeyPairName": ("KeyName",),
        "ImageId": ("ImageId", "ImageIds"),
        "VolumeId": ("VolumeId", "VolumeIds"),
        "SnapshotId": ("SnapshotId", "SnapshotIds", "SourceSnapshotId"),
        "SubnetId": ("SubnetId", "SubnetIds"),
        "VpcId": ("VpcId", "VpcIds"),
        "NetworkInterfaceId": ("NetworkInterfaceId", "NetworkInterfaceIds"),
        "VpcFlowLogId": ("FlowLogIds",),
        "NaclId": ("NetworkAclId",),
        "VpcEndpointServiceId": ("ServiceId", "ServiceIds"),
        "DedicatedHostId": ("HostIds",),
    }

    def resources(self, action: str, api: str, params: dict, where: Where) -> list[str]:
        if api in TAGGING and params.get("Resources"):
            arns = [self._by_id(str(i), where) for i in params["Resources"]]
            if all(arns):
                return arns
        arns = super().resources(action, api, params, where)
        if api == "RunInstances":
            arns += [f"arn:aws:ec2:{where.region}:{where.account}:{kind}/*" for kind in CREATED_WITH_INSTANCE]
            arns += [a for a in self._used_without_naming(params, where) if a not in arns]
        return arns

    def _used_without_naming(self, params: dict, where: Where) -> list[str]:
        """The default subnet and security group an instance gets, or the groups it names by name."""
        if params.get("NetworkInterfaces"):
            return []
        backend = self.backend_for(where)
        found, vpc = [], None
        if not params.get("SubnetId"):
            zone = (params.get("Placement") or {}).get("AvailabilityZone") or f"{where.region}a"
            subnet = backend.get_default_subnets().get(zone)
            if subnet is not None:
                found.append(self._by_id(subnet.id, where))
                vpc = subnet.vpc_id
        if params.get("SecurityGroups"):  # by name
            groups = [backend.get_security_group_from_name(name, vpc) for name in params["SecurityGroups"]]
        elif not params.get("SecurityGroupIds"):
            groups = [backend.get_default_security_group(vpc)]
        else:
            groups = []
        found += [self._by_id(group.id, where) for group in groups if group is not None]
        return found

    def _by_id(self, resource_id: str, where: Where) -> str | None:
        for prefix, kind in ID_PREFIXES.items():
            if resource_id.startswith(prefix):
                account = "" if kind in NO_ACCOUNT else where.account
                return f"arn:aws:ec2:{where.region}:{account}:{kind}/{resource_id}"
        return None

    def resource_tags(self, arn: str, where: Where) -> dict[str, str]:
        """EC2 keeps every resource's tags by its id (`i-…`, `vol-…`)."""
        return dict(self.backend_for(where).tags.get(arn.rsplit("/", 1)[-1]) or {})
