"""Lab speed, measured side by side with plain moto and its own IAM enforcement, in the same run.

    python benchmarks/lab_benchmark.py [--requests 300] [--rounds 5]

Each round starts one fresh process per side, alternating, and each process measures the same
`list_buckets` workload: ready time (import to the first authorized request), RSS at ready, and the
p50 of further requests. Ratios are lab / moto, lower is better, the median over rounds (the machine's
speed drifts by 2x over seconds). Bars (issue 12): request p50 <= 0.75x, ready <= 1.2x, RSS at ready
<= 150 MB. Not a test: machines are noisy. For a load-independent figure count CPU instructions of
the same workload with valgrind (`--tool=cachegrind`), N and M requests in fresh processes.

Both sides import from cached bytecode, as a learner's kernel does from its second start on. pip
compiled moto's when it installed it; iamlab, installed editable, is compiled on its first import,
and with PYTHONDONTWRITEBYTECODE set that would be repeated in every lab process (about a quarter of
the lab's ready time) and in no moto one. So one unmeasured process per side first fills a temporary
bytecode cache (PYTHONPYCACHEPREFIX) that every measured process reads.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

LIST_ONLY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}],
    }
)


def lab_client():
    """An S3 client for a user allowed only s3:ListAllMyBuckets, in a fresh Lab."""
    from iamlab import Lab

    lab = Lab()
    key = _user_with_list_only(lab.admin_session().client("iam"))
    return lab.session(key["AccessKeyId"], key["SecretAccessKey"]).client("s3")


def moto_client():
    """The same user in plain moto, with moto's own IAM enforcement on after the set-up calls."""
    import boto3
    from moto import mock_aws, settings

    mock_aws().start()
    key = _user_with_list_only(boto3.client("iam", region_name="ap-northeast-2"))
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0  # from here on every request is authorized by moto
    return boto3.client(
        "s3",
        region_name="ap-northeast-2",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )


def _user_with_list_only(iam) -> dict:
    iam.create_user(UserName="u")
    iam.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=LIST_ONLY)
    return iam.create_access_key(UserName="u")["AccessKey"]


def measure(side: str, requests: int) -> dict:
    """Run in a fresh process: ready time (from before the first import), RSS at ready, request p50."""
    start = time.perf_counter()
    call = (lab_client() if side == "lab" else moto_client()).list_buckets
    call()
    ready = time.perf_counter() - start
    rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
    for _ in range(20):
        call()
    samples = []
    for _ in range(requests):
        begin = time.perf_counter()
        call()
        samples.append(time.perf_counter() - begin)
    return {"ready": ready, "rss_mb": rss, "p50": statistics.median(samples)}


def child(side: str, requests: int, env: dict[str, str]) -> dict:
    command = [sys.executable, __file__, "--one", side, "--requests", str(requests)]
    return json.loads(
        subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout.splitlines()[-1]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--one", choices=["lab", "moto"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.requests)))
        return
    with tempfile.TemporaryDirectory(prefix="lab-benchmark-bytecode-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        child("moto", 1, env), child("lab", 1, env)  # fills the cache, unmeasured
        rounds = [
            (child("moto", args.requests, env), child("lab", args.requests, env)) for _ in range(args.rounds)
        ]

    def report(label: str, key: str, scale: float, unit: str) -> None:
        moto = statistics.median(m[key] for m, _ in rounds) * scale
        lab = statistics.median(lab[key] for _, lab in rounds) * scale
        ratio = statistics.median(lab[key] / m[key] for m, lab in rounds)
        print(f"{label:13} moto {moto:8.2f} {unit:3}  lab {lab:8.2f} {unit:3}  ratio {ratio:.2f}x")

    report("request p50", "p50", 1e3, "ms")
    report("ready", "ready", 1, "s")
    report("RSS at ready", "rss_mb", 1, "MB")
    print(f"(medians of {args.rounds} alternating rounds of fresh processes; bars: 0.75x, 1.2x, 150 MB)")


if __name__ == "__main__":
    main()
