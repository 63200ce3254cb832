"""`iam:PassRole`: handing a role to a service is a permission of its own.

"To pass a role (and its permissions) to an AWS service, a user must have permissions to pass
the role to the service" (IAM User Guide, "Grant a user permissions to pass a role to an AWS
service"). AWS checks it whenever an API takes a role, or an instance profile holding one, that
a service will later assume, with two condition keys: `iam:PassedToService` (the service
principal that receives the role) and `iam:AssociatedResourceArn` (the resource the role will
be attached to, for the services that report one: EC2 instances, Lambda functions).

Each entry below names the parameters that carry a role for one API moto serves; every role
found becomes one more `(iam:PassRole, role ARN, context)` question for the gate. The entries
are IAM's knowledge, not a service's: they serve services with or without an adapter alike.
The associated resource is one the request itself is authorized against (its instance or
function), as the service's adapter resolved it, so nothing here looks a resource up.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from iamlab.lab.services import reference


class Passing(NamedTuple):
    """Where one API carries roles, and to which service it passes them."""

    service: str  # iam:PassedToService
    roles: tuple[str, ...] = ()  # parameter paths holding a role ARN ("a.b", "Targets[].RoleArn")
    profile: str | None = None  # parameter path holding an instance profile (Arn or Name)
    associated: str | None = None  # the resource type iam:AssociatedResourceArn names ("instance")


# (IAM action prefix, API) -> what it passes.
PASSING = {
    ("ec2", "RunInstances"): Passing(
        "ec2.amazonaws.com", profile="IamInstanceProfile", associated="instance"
    ),
    ("ec2", "AssociateIamInstanceProfile"): Passing(
        "ec2.amazonaws.com", profile="IamInstanceProfile", associated="instance"
    ),
    ("ec2", "ReplaceIamInstanceProfileAssociation"): Passing(
        "ec2.amazonaws.com", profile="IamInstanceProfile", associated="instance"
    ),
    ("lambda", "CreateFunction"): Passing("lambda.amazonaws.com", roles=("Role",), associated="function"),
    ("lambda", "UpdateFunctionConfiguration"): Passing(
        "lambda.amazonaws.com", roles=("Role",), associated="function"
    ),
    ("ecs", "RegisterTaskDefinition"): Passing(
        "ecs-tasks.amazonaws.com", roles=("taskRoleArn", "executionRoleArn")
    ),
    ("cloudformation", "CreateStack"): Passing("cloudformation.amazonaws.com", roles=("RoleARN",)),
    ("cloudformation", "UpdateStack"): Passing("cloudformation.amazonaws.com", roles=("RoleARN",)),
    ("cloudformation", "CreateStackSet"): Passing(
        "cloudformation.amazonaws.com", roles=("AdministrationRoleARN",)
    ),
    ("glue", "CreateJob"): Passing("glue.amazonaws.com", roles=("Role",)),
    ("glue", "UpdateJob"): Passing("glue.amazonaws.com", roles=("JobUpdate.Role",)),
    ("glue", "CreateCrawler"): Passing("glue.amazonaws.com", roles=("Role",)),
    ("glue", "UpdateCrawler"): Passing("glue.amazonaws.com", roles=("Role",)),
    ("glue", "CreateDevEndpoint"): Passing("glue.amazonaws.com", roles=("RoleArn",)),
    ("states", "CreateStateMachine"): Passing("states.amazonaws.com", roles=("roleArn",)),
    ("states", "UpdateStateMachine"): Passing("states.amazonaws.com", roles=("roleArn",)),
    ("events", "PutTargets"): Passing("events.amazonaws.com", roles=("Targets[].RoleArn",)),
    ("scheduler", "CreateSchedule"): Passing("scheduler.amazonaws.com", roles=("Target.RoleArn",)),
    ("scheduler", "UpdateSchedule"): Passing("scheduler.amazonaws.com", roles=("Target.RoleArn",)),
    ("codebuild", "CreateProject"): Passing("codebuild.amazonaws.com", roles=("serviceRole",)),
    ("codebuild", "UpdateProject"): Passing("codebuild.amazonaws.com", roles=("serviceRole",)),
    ("batch", "CreateComputeEnvironment"): Passing("batch.amazonaws.com", roles=("serviceRole",)),
    ("sagemaker", "CreateNotebookInstance"): Passing("sagemaker.amazonaws.com", roles=("RoleArn",)),
    ("sagemaker", "CreateTrainingJob"): Passing("sagemaker.amazonaws.com", roles=("RoleArn",)),
    ("sagemaker", "CreateModel"): Passing("sagemaker.amazonaws.com", roles=("ExecutionRoleArn",)),
    ("firehose", "CreateDeliveryStream"): Passing(
        "firehose.amazonaws.com",
        roles=("ExtendedS3DestinationConfiguration.RoleARN", "S3DestinationConfiguration.RoleARN"),
    ),
    ("iot", "CreateTopicRule"): Passing("iot.amazonaws.com", roles=("topicRulePayload.actions[].*.roleArn",)),
    ("elasticmapreduce", "RunJobFlow"): Passing(
        "elasticmapreduce.amazonaws.com", roles=("ServiceRole", "AutoScalingRole")
    ),
    ("ssm", "SendCommand"): Passing("ssm.amazonaws.com", roles=("ServiceRoleArn",)),
    ("codepipeline", "CreatePipeline"): Passing("codepipeline.amazonaws.com", roles=("pipeline.roleArn",)),
    ("codepipeline", "UpdatePipeline"): Passing("codepipeline.amazonaws.com", roles=("pipeline.roleArn",)),
    ("kinesisanalytics", "CreateApplication"): Passing(
        "kinesisanalytics.amazonaws.com", roles=("ServiceExecutionRole",)
    ),
}


def questions(prefix: str, api: str, params: dict, body, resources: list[str], iam) -> list[tuple]:
    """The `(iam:PassRole, role ARN, context)` questions this request adds, one per role it passes;
    `resources` are the ARNs the request itself is authorized against."""
    passing = PASSING.get((prefix, api))
    if passing is None:
        return []
    values = _merged(params, body)
    arns = [
        arn for where in passing.roles for arn in _values_at(values, where) if isinstance(arn, str) and arn
    ]
    if passing.profile:
        arns.extend(_profile_roles(values.get(passing.profile), iam))
    context = {"iam:PassedToService": passing.service}
    pattern = reference.pattern(prefix, passing.associated) if passing.associated else None
    associated = next((arn for arn in resources if pattern and pattern.match(arn)), None)
    if associated:
        context["iam:AssociatedResourceArn"] = associated
    return [("iam:PassRole", arn, context) for arn in dict.fromkeys(arns)]


def _merged(params: dict, body) -> dict:
    """Parameters as the API model names them, from moto's parse or the JSON body."""
    merged = dict(params or {})
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body.lstrip().startswith("{"):
        try:
            loaded = json.loads(body)
        except ValueError:
            loaded = {}
        if isinstance(loaded, dict):
            merged = loaded | merged
    return merged


def _values_at(node, where: str) -> list:
    """Values at a dotted path; `[]` walks a list, `*` any member."""
    nodes = [node]
    for part in where.split("."):
        walk_list = part.endswith("[]")
        part = part.removesuffix("[]")
        found = []
        for item in nodes:
            if not isinstance(item, dict):
                continue
            children = list(item.values()) if part == "*" else [item.get(part)]
            for child in children:
                if walk_list and isinstance(child, list):
                    found.extend(child)
                elif child is not None:
                    found.append(child)
        nodes = found
    return nodes


def _profile_roles(profile, iam) -> list[str]:
    """The roles of the instance profile a request names (by ARN or name)."""
    if not isinstance(profile, dict):
        return []
    arn, name = profile.get("Arn"), profile.get("Name")
    for found in iam.instance_profiles.values():
        if (arn and found.arn == arn) or (name and found.name == name):
            return [role.arn for role in found.roles]
    return []
