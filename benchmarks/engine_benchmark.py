"""Decisions per second: iamlab.policy beside @cloud-copilot/iam-simulate, same cases, same run.

Not a test: run it by hand.

    .venv/bin/python benchmarks/engine_benchmark.py [--seconds 3] [--skip-node]

iam-simulate is installed with npm into benchmarks/.node (gitignored) on first use, or
wherever IAMLAB_BENCH_NODE_DIR points. The cases below are a lab's everyday mix: identity
allows and denies, a bucket policy, a role trust policy, cross-account access, a
permissions boundary, a session policy and conditions with IP, date, string and tag keys,
and an organization's SCPs and RCPs (levels from the root down to the account).
Both engines are also checked to agree on every case before they are timed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE_DIR = Path(os.environ.get("IAMLAB_BENCH_NODE_DIR", HERE / ".node"))
ME, OTHER = "111122223333", "444455556666"
V = "2012-10-17"


def _doc(*statements) -> dict:
    return {"Version": V, "Statement": list(statements)}


ADMIN = _doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
S3_READ = _doc(
    {"Sid": "List", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:ListAllMyBuckets"], "Resource": "*"},
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"},
)
HOME_FOLDER = _doc(
    {
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": "arn:aws:s3:::home/${aws:username}/*",
    }
)
DENY_OUTSIDE_OFFICE = _doc(
    {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}},
    }
)
TAGGED_EC2 = _doc(
    {
        "Effect": "Allow",
        "Action": ["ec2:StartInstances", "ec2:StopInstances"],
        "Resource": "arn:aws:ec2:*:*:instance/*",
        "Condition": {
            "StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"},
            "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]},
            "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
        },
    }
)
ASSUME_ANY = _doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
TRUST_USER = _doc(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ME}:user/jonnung"}, "Action": "sts:AssumeRole"}
)
TRUST_EC2 = _doc(
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
)
BUCKET_FOR_ACCOUNT = _doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::shared", "arn:aws:s3:::shared/*"],
    },
    {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::shared/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    },
)
BOUNDARY_S3_ONLY = _doc({"Effect": "Allow", "Action": ["s3:*", "cloudwatch:*"], "Resource": "*"})
SESSION_READ_ONLY = _doc({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"})
USER = f"arn:aws:iam::{ME}:user/jonnung"
SESSION = f"arn:aws:sts::{ME}:assumed-role/S3BucketListReadOnlyRole/jonnung"
IN_OFFICE = {"aws:SourceIp": "203.0.113.7", "aws:username": "jonnung", "aws:SecureTransport": "true"}


FULL_ACCESS = _doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
SCP_NO_BUCKET_LISTING = _doc(
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Deny", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
)
SCP_S3_ONLY = _doc({"Effect": "Allow", "Action": ["s3:*", "sts:*"], "Resource": "*"})
SCP_ONE_REGION = _doc(
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {
        "Effect": "Deny",
        "NotAction": ["iam:*", "sts:*"],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}},
    },
)
RCP_ORG_ONLY = _doc(
    {
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["s3:*", "sts:AssumeRole"],
        "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-example"}},
    },
)
RCP_TLS_ONLY = _doc(
    {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
    },
)


def org(*levels) -> list:
    """Organization levels, root first: (identifier, [documents]) pairs."""
    return [{"id": identifier, "policies": list(documents)} for identifier, documents in levels]


ORG_SCPS = org(("r-root", [FULL_ACCESS]), ("ou-1a", [FULL_ACCESS]), (ME, [FULL_ACCESS]))
ORG_RCPS = org(("r-root", [RCP_TLS_ONLY]), ("ou-1a", [RCP_ORG_ONLY]), (ME, []))
IN_ORG = {**IN_OFFICE, "aws:PrincipalOrgID": "o-example", "aws:RequestedRegion": "us-east-1"}


def case(principal, action, resource, account=ME, context=None, **policies) -> dict:
    return {
        "principal": principal,
        "action": action,
        "resource": resource,
        "resource_account": account,
        "context": dict(IN_OFFICE if context is None else context),
        "identity_policies": policies.get("identity", []),
        "resource_policy": policies.get("resource_policy"),
        "permissions_boundary": policies.get("boundary"),
        "session_policy": policies.get("session"),
        "scps": policies.get("scps"),
        "rcps": policies.get("rcps"),
    }


CASES = [
    case(USER, "s3:ListBucket", "arn:aws:s3:::reports", identity=[S3_READ]),
    case(USER, "s3:GetObject", "arn:aws:s3:::reports/2024/q1.csv", identity=[S3_READ, DENY_OUTSIDE_OFFICE]),
    case(USER, "s3:PutObject", "arn:aws:s3:::reports/2024/q1.csv", identity=[S3_READ]),
    case(USER, "s3:GetObject", "arn:aws:s3:::home/jonnung/notes.txt", identity=[HOME_FOLDER]),
    case(USER, "s3:GetObject", "arn:aws:s3:::home/someone/notes.txt", identity=[HOME_FOLDER]),
    case(
        USER,
        "iam:CreateUser",
        f"arn:aws:iam::{ME}:user/new",
        context={"aws:SourceIp": "198.51.100.1"},
        identity=[ADMIN, DENY_OUTSIDE_OFFICE],
    ),
    case(
        USER,
        "sts:AssumeRole",
        f"arn:aws:iam::{ME}:role/S3BucketListReadOnlyRole",
        identity=[ASSUME_ANY],
        resource_policy=TRUST_USER,
    ),
    case(
        "ec2.amazonaws.com",
        "sts:AssumeRole",
        f"arn:aws:iam::{ME}:role/S3BucketListReadOnlyRole",
        resource_policy=TRUST_USER,
    ),
    case("ec2.amazonaws.com", "sts:AssumeRole", f"arn:aws:iam::{ME}:role/Ec2Role", resource_policy=TRUST_EC2),
    case(
        f"arn:aws:iam::{OTHER}:user/partner",
        "s3:GetObject",
        "arn:aws:s3:::shared/data.json",
        account=ME,
        identity=[S3_READ, _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})],
        resource_policy=BUCKET_FOR_ACCOUNT,
    ),
    case(
        f"arn:aws:iam::{OTHER}:user/partner",
        "s3:GetObject",
        "arn:aws:s3:::shared/data.json",
        account=ME,
        context={"aws:SecureTransport": "false"},
        identity=[ADMIN],
        resource_policy=BUCKET_FOR_ACCOUNT,
    ),
    case(
        SESSION,
        "s3:GetObject",
        "arn:aws:s3:::reports/a.csv",
        identity=[ADMIN],
        boundary=BOUNDARY_S3_ONLY,
        session=SESSION_READ_ONLY,
    ),
    case(
        SESSION,
        "s3:DeleteObject",
        "arn:aws:s3:::reports/a.csv",
        identity=[ADMIN],
        boundary=BOUNDARY_S3_ONLY,
        session=SESSION_READ_ONLY,
    ),
    case(
        SESSION,
        "ec2:StopInstances",
        f"arn:aws:ec2:us-east-1:{ME}:instance/i-0abc",
        identity=[ADMIN],
        boundary=BOUNDARY_S3_ONLY,
    ),
    case(
        USER,
        "ec2:StartInstances",
        f"arn:aws:ec2:us-east-1:{ME}:instance/i-0abc",
        context={
            "aws:ResourceTag/team": "blue",
            "aws:PrincipalTag/team": "blue",
            "aws:TagKeys": ["team"],
            "aws:CurrentTime": "2025-06-01T12:00:00Z",
        },
        identity=[TAGGED_EC2],
    ),
    case(USER, "sts:GetCallerIdentity", "*", identity=[]),
    # Organizations: SCPs of the caller's account, RCPs of the resource's account.
    case(USER, "s3:ListAllMyBuckets", "*", context=IN_ORG, identity=[S3_READ], scps=ORG_SCPS),
    case(
        USER,
        "s3:ListAllMyBuckets",
        "*",
        context=IN_ORG,
        identity=[S3_READ],
        scps=org(("r-root", [FULL_ACCESS]), ("ou-1a", [SCP_NO_BUCKET_LISTING]), (ME, [FULL_ACCESS])),
    ),
    case(
        USER,
        "ec2:StopInstances",
        f"arn:aws:ec2:us-east-1:{ME}:instance/i-0abc",
        context=IN_ORG,
        identity=[ADMIN],
        scps=org(("r-root", [FULL_ACCESS]), ("ou-1a", [SCP_S3_ONLY]), (ME, [FULL_ACCESS])),
    ),
    case(
        SESSION,
        "ec2:StopInstances",
        f"arn:aws:ec2:us-east-1:{ME}:instance/i-0abc",
        context={**IN_ORG, "aws:RequestedRegion": "eu-west-1"},
        identity=[ADMIN],
        scps=org(("r-root", [FULL_ACCESS, SCP_ONE_REGION]), (ME, [FULL_ACCESS])),
    ),
    case(
        USER,
        "s3:GetObject",
        "arn:aws:s3:::reports/2024/q1.csv",
        context=IN_ORG,
        identity=[S3_READ],
        scps=ORG_SCPS,
        rcps=ORG_RCPS,
    ),
    case(
        f"arn:aws:iam::{OTHER}:user/partner",
        "s3:GetObject",
        "arn:aws:s3:::shared/data.json",
        account=ME,
        identity=[ADMIN],
        resource_policy=BUCKET_FOR_ACCOUNT,
        rcps=ORG_RCPS,
    ),
]


def time_iamlab(seconds: float, parsed: bool) -> tuple[float, list]:
    from iamlab.policy import Policy, Request, evaluate

    def levels(raw, kind):
        if raw is None or not parsed:
            return raw
        return [
            {"id": level["id"], "policies": [Policy.parse(d, kind=kind) for d in level["policies"]]}
            for level in raw
        ]

    def prepared(c):
        request = Request(c["principal"], c["action"], c["resource"], c["resource_account"], c["context"])
        org_policies = {
            "service_control_policies": levels(c["scps"], "scp"),
            "resource_control_policies": levels(c["rcps"], "rcp"),
        }
        if not parsed:
            return (
                request,
                c["identity_policies"],
                c["resource_policy"],
                c["permissions_boundary"],
                c["session_policy"],
                org_policies,
            )
        kinds = ("trust" if c["action"].startswith("sts:") else "resource", "boundary", "session")
        resource, boundary, session = (
            Policy.parse(doc, kind=kind) if doc else None
            for doc, kind in zip(
                (c["resource_policy"], c["permissions_boundary"], c["session_policy"]), kinds, strict=True
            )
        )
        identity = [Policy.parse(d) for d in c["identity_policies"]]
        return request, identity, resource, boundary, session, org_policies

    work = [prepared(c) for c in CASES]
    results = [evaluate(r, i, rp, b, s, **o).result for r, i, rp, b, s, o in work]
    decisions, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for r, i, rp, b, s, o in work:
            evaluate(r, i, rp, b, s, **o)
        decisions += len(work)
    return decisions / (time.perf_counter() - start), results


def ensure_iam_simulate() -> bool:
    if (NODE_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate").exists():
        return True
    if not shutil.which("npm"):
        return False
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    if not (NODE_DIR / "package.json").exists():
        (NODE_DIR / "package.json").write_text('{"private": true}\n')
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "@cloud-copilot/iam-simulate"],
        cwd=NODE_DIR,
        check=False,
    )
    return done.returncode == 0


def time_iam_simulate(seconds: float) -> tuple[float, list] | None:
    if not shutil.which("node") or not ensure_iam_simulate():
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(CASES, handle)
    try:
        env = dict(os.environ, IAMLAB_BENCH_NODE_DIR=str(NODE_DIR))
        out = subprocess.run(
            ["node", str(HERE / "iam_simulate_runner.mjs"), handle.name, str(seconds)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
    finally:
        os.unlink(handle.name)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return report["decisions"] / report["seconds"], report["results"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--skip-node", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent / "src"))

    raw_rate, ours = time_iamlab(args.seconds, parsed=False)
    parsed_rate, _ = time_iamlab(args.seconds, parsed=True)
    print(f"cases: {len(CASES)}")
    print(f"iamlab.policy (raw dict documents, cached by content): {raw_rate:,.0f} decisions/s")
    print(f"iamlab.policy (Policy objects parsed once):            {parsed_rate:,.0f} decisions/s")
    other = None if args.skip_node else time_iam_simulate(args.seconds)
    if other is None:
        print("@cloud-copilot/iam-simulate: not run (node/npm unavailable or --skip-node)")
        return 0
    rate, theirs = other
    disagreements = [(i, a, b) for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b]
    print(f"@cloud-copilot/iam-simulate (runSimulation, Strict):  {rate:,.0f} decisions/s")
    print(f"ratio: {raw_rate / rate:.1f}x (raw documents), {parsed_rate / rate:.1f}x (parsed policies)")
    print(f"agreement on the cases: {len(CASES) - len(disagreements)}/{len(CASES)}")
    for index, mine, yours in disagreements:
        print(f"  case {index}: iamlab {mine}, iam-simulate {yours}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
