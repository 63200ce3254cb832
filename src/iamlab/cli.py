"""`iamlab serve`: a lab in the foreground for tools outside the kernel (a terminal, any SDK).

It prints what a terminal needs to reach the lab (the environment, the keys) and writes the
lab's AWS config and credentials into the lab's private folder, never into the real `~/.aws`.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import threading

from iamlab.i18n import LANGUAGES, _, language_of_environment, set_language

# What a terminal must set to talk to the lab and to nothing else (PATH stays the learner's own).
EXPORTED = (
    "AWS_ENDPOINT_URL",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_PAGER",
    "AWS_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
    "CURL_CA_BUNDLE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "HOME",
)


def main(argv: list[str] | None = None) -> int:
    set_language(language_of_environment())  # a Korean terminal (LANG=ko_KR.UTF-8) reads Korean
    parser = argparse.ArgumentParser(prog="iamlab", description=_("A local AWS for learning IAM roles."))
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help=_("run a lab in the foreground until Ctrl-C"))
    serve.add_argument(
        "--step", type=int, default=1, choices=range(1, 6), help=_("start at this step of the article (1-5)")
    )
    serve.add_argument("--port", type=int, default=0, help=_("listen on this port (default: any free port)"))
    serve.add_argument(
        "--lang", choices=LANGUAGES, help=_("the language of these notices (default: from LANG)")
    )
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    return run_serve(args.step, args.port)


def run_serve(step: int, port: int, out=None) -> int:
    from iamlab import Lab
    from iamlab.lab.article import add_role_profile

    out = out or sys.stdout
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_args: stop.set())
    try:
        with Lab(port=port) as lab:
            article = lab.setup_article(step)
            add_role_profile(lab, article)
            env_file = write_env_file(lab)
            out.write(banner(lab, article, env_file, step))
            out.flush()
            try:
                stop.wait()
            except KeyboardInterrupt:
                pass
            out.write(_("Stopping the lab; its folder and keys are gone.") + "\n")
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def exports(lab) -> list[str]:
    env = lab.env()
    lines = [f"unset {name}" for name in _REAL_AWS_VARIABLES]
    return lines + [f"export {name}={shlex.quote(env[name])}" for name in EXPORTED]


# Variables a learner's shell may hold that would override the lab's profiles.
_REAL_AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)


def write_env_file(lab) -> str:
    """`env.sh` in the lab's folder: `source` it in a terminal to use the lab."""
    path = os.path.join(lab.home, "env.sh")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(exports(lab)) + "\n")
    return path


def banner(lab, article, env_file: str, step: int) -> str:
    env = lab.env()
    admin = lab.admin_keys
    return "\n".join(
        [
            _("iamlab is serving account {account} in {region} at {url}").format(
                account=lab.account_id, region=lab.region, url=lab.endpoint_url
            ),
            "",
            _(
                "In another terminal, point your tools at the lab (HOME becomes the lab's folder, so the "
                "CLI's caches stay in the lab; open a new terminal to leave):"
            ),
            f"  source {env_file}",
            _("which sets:"),
            *(f"  {line}" for line in exports(lab) if line.startswith("export ")),
            "",
            _("AWS config and credentials (profiles default = admin, {user}, s3role):").format(
                user=article.user_name
            ),
            f"  {env['AWS_CONFIG_FILE']}",
            f"  {env['AWS_SHARED_CREDENTIALS_FILE']}",
            "",
            _("Keys:"),
            f"  admin    {admin.access_key_id}  {admin.secret_access_key}",
            f"  {article.user_name:8} {article.access_key_id}  {article.secret_access_key}",
            "",
            _(
                "Follow the article from step {step}. The role profile `aws s3 ls --profile s3role` works "
                "once the profile {user} exists (step 1) and the role trusts {user} (step 4)."
            ).format(step=step, user=article.user_name),
            _(
                "A client that ignores AWS_ENDPOINT_URL (AWS CLI v2 before 2.13) is answered by the lab "
                "too: its calls to AWS's hostnames go through the lab's proxy, with the lab's own "
                "certificate (AWS_CA_BUNDLE)."
            ),
            _("Press Ctrl-C to stop."),
            "",
        ]
    )
