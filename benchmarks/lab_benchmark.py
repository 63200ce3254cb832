"""Lab speed, measured side by side with plain moto and its own IAM enforcement, in the same run.

    python benchmarks/lab_benchmark.py [--requests 300]

Prints ratios (lab / moto); lower is better. Bars from issue 4: request p50 <= 1.0x (goal 0.5x),
ready <= 1.5x (goal 1.0x), kernel RSS after start <= 200 MB. Not a test: machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

LIST_ONLY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}],
    }
)

LAB_READY = (
    """
import time, json
t = time.perf_counter()
from iamlab import Lab
lab = Lab()
admin = lab.admin_session().client("iam")
admin.create_user(UserName="u")
admin.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=POLICY)
key = admin.create_access_key(UserName="u")["AccessKey"]
lab.session(key["AccessKeyId"], key["SecretAccessKey"]).client("s3").list_buckets()
ready = time.perf_counter() - t
rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
print(json.dumps({"ready": ready, "rss_mb": rss}))
""".replace("POLICY", repr(LIST_ONLY))
)

MOTO_READY = (
    """
import time, json
t = time.perf_counter()
import boto3
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count
with mock_aws():
    @set_initial_no_auth_action_count(3)
    def run():
        iam = boto3.client("iam", region_name="ap-northeast-2")
        iam.create_user(UserName="u")
        iam.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=POLICY)
        key = iam.create_access_key(UserName="u")["AccessKey"]
        boto3.client("s3", region_name="ap-northeast-2", aws_access_key_id=key["AccessKeyId"],
                     aws_secret_access_key=key["SecretAccessKey"]).list_buckets()
    run()
ready = time.perf_counter() - t
rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
print(json.dumps({"ready": ready, "rss_mb": rss}))
""".replace("POLICY", repr(LIST_ONLY))
)


def fresh_process(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def child_p50(side: str, requests: int) -> float:
    command = [sys.executable, __file__, "--one", side, "--requests", str(requests)]
    return float(subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()[-1])


def p50_lab(requests: int) -> float:
    from iamlab import Lab

    with Lab() as lab:
        admin = lab.admin_session().client("iam")
        admin.create_user(UserName="u")
        admin.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=LIST_ONLY)
        key = admin.create_access_key(UserName="u")["AccessKey"]
        s3 = lab.session(key["AccessKeyId"], key["SecretAccessKey"]).client("s3")
        return _p50(s3.list_buckets, requests)


def p50_moto(requests: int) -> float:
    import boto3
    from moto import mock_aws
    from moto.core import set_initial_no_auth_action_count

    with mock_aws():

        @set_initial_no_auth_action_count(3)
        def run():
            iam = boto3.client("iam", region_name="ap-northeast-2")
            iam.create_user(UserName="u")
            iam.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=LIST_ONLY)
            key = iam.create_access_key(UserName="u")["AccessKey"]
            s3 = boto3.client(
                "s3",
                region_name="ap-northeast-2",
                aws_access_key_id=key["AccessKeyId"],
                aws_secret_access_key=key["SecretAccessKey"],
            )
            return _p50(s3.list_buckets, requests)

        return run()


def _p50(call, requests: int) -> float:
    for _ in range(20):
        call()
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--one", choices=["lab", "moto"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child process measuring one side
        print((p50_lab if args.one == "lab" else p50_moto)(args.requests))
        return
    # The machine's speed drifts by 2x over seconds, so the sides alternate in fresh processes
    # and the ratio is the median of per-round ratios.
    pairs = [(child_p50("moto", args.requests), child_p50("lab", args.requests)) for _ in range(args.rounds)]
    moto_p50 = statistics.median(m for m, _ in pairs)
    lab_p50 = statistics.median(lab for _, lab in pairs)
    ratio = statistics.median(lab / m for m, lab in pairs)
    print(
        f"request p50   moto {moto_p50 * 1e3:7.2f} ms   lab {lab_p50 * 1e3:7.2f} ms   "
        f"ratio {ratio:.2f}x (median of {args.rounds} alternating rounds)"
    )
    moto_runs = [fresh_process(MOTO_READY) for _ in range(args.starts)]
    lab_runs = [fresh_process(LAB_READY) for _ in range(args.starts)]
    moto_ready = statistics.median(r["ready"] for r in moto_runs)
    lab_ready = statistics.median(r["ready"] for r in lab_runs)
    print(
        f"ready         moto {moto_ready:7.2f} s    lab {lab_ready:7.2f} s    "
        f"ratio {lab_ready / moto_ready:.2f}x"
    )
    rss = statistics.median(r["rss_mb"] for r in lab_runs)
    moto_rss = statistics.median(r["rss_mb"] for r in moto_runs)
    print(f"RSS at ready  moto {moto_rss:7.0f} MB   lab {rss:7.0f} MB   (bar: lab <= 200 MB)")


if __name__ == "__main__":
    main()
