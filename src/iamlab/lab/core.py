"""`iamlab.Lab`: a small, faithful AWS on 127.0.0.1 for one learner.

moto provides the services; every request is authenticated by the lab's front
door and decided by `iamlab.policy`, never by moto's own check. The learner's
real credentials and `~/.aws` are never read: `env()` and the sessions handed
out here carry only the lab's own keys, config files and endpoint.
"""

from __future__ import annotations

import copy
import functools
import os
import secrets
import sys

import boto3
from botocore.config import Config
from moto.core.base_backend import BackendDict
from moto.moto_api._internal import mock_random

from iamlab.i18n import _
from iamlab.lab import folder
from iamlab.lab.accounts import AccessKeys, Accounts, valid_account_id  # noqa: F401 (AccessKeys: public)
from iamlab.lab.authz.context import request_context
from iamlab.lab.authz.gate import Gate
from iamlab.lab.clock import LabClock
from iamlab.lab.journal import Entry, Journal
from iamlab.lab.moto import hooks
from iamlab.lab.services.registry import endpoint_region
from iamlab.lab.wire import aws_names, transport
from iamlab.lab.wire.authority import Authority
from iamlab.lab.wire.front import Front
from iamlab.lab.wire.proxy import LabProxy
from iamlab.lab.wire.serving import serve
from iamlab.notices import closed_notice

LOOPBACK = "127.0.0.1"
# The CLI prints dates in local time; pinning the zone keeps lesson outputs identical everywhere.
LAB_TIMEZONE = "KST-9"
# Proxy variables clients read (curl, Python, Node, git): the lab sets them all, in both cases.
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
NO_PROXY = "127.0.0.1,localhost"
OUTSIDE = "(a client outside the lab's endpoint)"


class LabClosed(RuntimeError):
    """Raised by widgets and helpers built on a closed lab, instead of AWS's confusing token errors."""

    def __init__(self):
        super().__init__(closed_notice())


class Lab:
    """A local AWS account with IAM enforcement always on. Use as a context manager."""

    def __init__(self, account_id: str = "123456789012", region: str = "ap-northeast-2", *, port: int = 0):
        if not valid_account_id(account_id):
            raise ValueError(f"account_id must be 12 digits, got {account_id!r}")
        hooks.install()
        hooks.activate(self)
        self.account_id = account_id
        self.region = region
        self.clock = LabClock()
        self.journal = Journal(account_id, region)
        self.gate = Gate(self)
        self._user_boundaries: dict[str, dict[str, str]] = {}  # moto keeps no permissions boundary for users
        self._saved_environ: dict[str, str] | None = None
        self._closed = False
        try:
            BackendDict.reset()
            mock_random.seed(secrets.randbits(128))  # keys, secrets and tokens differ in every lab
            self._folder = folder.create()
            self.front = Front(self)
            self._server = serve(LOOPBACK, port, self.front, "iamlab-server")
            self.port = self._server.server_address[1]
            self._authority = Authority(os.path.join(self._folder, "tls"))
            self._proxy = LabProxy(LOOPBACK, self.front, self._authority, self._journal_refusal)
            self.accounts = Accounts(self.home, region)
            self.admin_keys = self.accounts.ensure(account_id)
        except BaseException:
            self.close()
            raise

    # -- the contract ----------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        """True once `close()` ran (or a newer Lab replaced this one): nothing answers any more."""
        return self._closed

    def require_open(self) -> None:
        """Raise `LabClosed` (in words a learner understands, with the fix) if the lab is closed."""
        if self._closed:
            raise LabClosed()

    @property
    def endpoint_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def session(self, access_key_id: str, secret_access_key: str, session_token: str | None = None):
        """A boto3 Session signed with these credentials, talking only to this lab."""
        session = LabSession(
            self.endpoint_url,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_session_token=session_token,
            region_name=self.region,
            botocore_session=_isolated_botocore_session(),
        )
        transport.install(session, self.front, LOOPBACK, self.port)
        return session

    def admin_session(self, account_id: str | None = None):
        """A boto3 Session acting as an account's administrator (IAM user `admin`, AdministratorAccess):
        the lab's own account by default; any other 12-digit account is created on first use, with a
        profile `admin-<account id>` in the lab's AWS files."""
        return self.session(*self.accounts.ensure(account_id or self.account_id))

    @property
    def user_boundaries(self) -> dict[str, str]:
        """User name -> permissions boundary ARN, in the account being served (see `Gate.account_id`)."""
        return self._user_boundaries.setdefault(self.gate.account_id, {})

    @property
    def home(self) -> str:
        """The lab's private folder, which client subprocesses see as HOME (their `~/.aws`)."""
        return os.path.join(self._folder, "home")

    def env(self) -> dict[str, str]:
        """The environment for a subprocess such as the AWS CLI, pointed at this lab only.

        HOME is the lab's folder, so a client's `~/.aws` (assume-role cache, CLI aliases, extra
        models) is the lab's. Every proxy is the lab's own (`wire/proxy.py`), except for 127.0.0.1 and
        localhost: a client that ignores the endpoint and calls AWS's real hostnames is answered by
        the lab, over TLS with a certificate from the lab's authority, which only this environment
        trusts (AWS_CA_BUNDLE for the CLIs and boto3, NODE_EXTRA_CA_CERTS for Node.js, CURL_CA_BUNDLE
        for curl and requests: a presigned URL at AWS's hostname opens in the lab). Any other host
        is refused.
        """
        env = {k: v for k, v in os.environ.items() if not _lab_managed(k)}
        proxy = self._proxy.proxy_url
        env.update({name: proxy for name in PROXY_VARIABLES})
        env.update({name.lower(): proxy for name in PROXY_VARIABLES})
        env.update(
            NO_PROXY=NO_PROXY,
            no_proxy=NO_PROXY,
            HOME=self.home,
            AWS_ENDPOINT_URL=self.endpoint_url,
            AWS_CONFIG_FILE=os.path.join(self.home, ".aws", "config"),
            AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.home, ".aws", "credentials"),
            AWS_EC2_METADATA_DISABLED="true",
            AWS_CA_BUNDLE=self._authority.bundle,
            NODE_EXTRA_CA_CERTS=self._authority.bundle,
            CURL_CA_BUNDLE=self._authority.bundle,
            AWS_PAGER="",
            TZ=LAB_TIMEZONE,
            PATH=_with_python_scripts(os.environ.get("PATH", "")),
        )
        return env

    def close(self) -> None:
        """Stop the server, restore the kernel's environment and forget the lab's state."""
        if self._closed:
            return
        self._closed = True
        self.restore_env()
        server = getattr(self, "_server", None)
        if server is not None:
            server.shutdown()
            server.server_close()
        proxy = getattr(self, "_proxy", None)
        if proxy is not None:
            proxy.close()
        if getattr(self, "_folder", None):
            folder.remove(self._folder)
        BackendDict.reset()
        hooks.deactivate(self)

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- helpers for lessons ------------------------------------------------------------------
    def export_env(self) -> None:
        """Point this kernel's `!aws` shell commands at the lab: `env()`'s variables, HOME and the
        proxies included, so `!` commands reach only the lab (undone by `close()`)."""
        if self._saved_environ is None:
            self._saved_environ = {k: v for k, v in os.environ.items() if _lab_managed(k)}
        lab_env = self.env()
        for key in [k for k in os.environ if _lab_managed(k)]:
            del os.environ[key]
        os.environ.update({k: v for k, v in lab_env.items() if _lab_managed(k)})

    def restore_env(self) -> None:
        if self._saved_environ is None:
            return
        for key in [k for k in os.environ if _lab_managed(k)]:
            del os.environ[key]
        os.environ.update(self._saved_environ)
        self._saved_environ = None

    def setup_article(self, step: int = 1):
        """The article's starting point (user jonnung, S3BucketListReadOnlyRole trusting EC2 only,
        the bucket), brought up to just before `step` (1-5) so a lesson can begin mid-article.
        `step=3` leaves the role out: lesson 03 has the learner create it."""
        from iamlab.lab.article import setup

        return setup(self, step)

    def check(self, principal_arn: str, action: str, resource: str = "*", context: dict | None = None):
        """Would `principal_arn` be allowed `action` on `resource`? A Decision, with nothing performed."""
        from iamlab.lab.authz.checks import check

        return check(self, principal_arn, action, resource, context)

    def instance_credentials(
        self, instance_profile: str, instance_id: str = "i-0123456789abcdef0", account_id: str | None = None
    ) -> dict:
        """Credentials as an EC2 instance with `instance_profile` reads them from its metadata service
        (in `account_id`, the lab's own by default)."""
        from iamlab.lab.ec2 import instance_credentials

        return instance_credentials(self, instance_profile, instance_id, account_id)

    def request_context(self, caller, call) -> dict:
        """The global condition keys of `caller`'s `call`, in the region it is decided in."""
        service, signed_for = getattr(call, "service", None), getattr(call, "region", None)
        region = endpoint_region(service) or signed_for or self.region
        now = getattr(call, "time", None) or self.clock.now()
        return request_context(self.gate.iam, caller, call, now, region)

    # -- internals -----------------------------------------------------------------------------
    def _journal_refusal(self, target: str, message: str) -> None:
        """A request a client meant for somewhere outside the lab: refused, and shown in the journal."""
        self.journal.record(
            Entry(
                time=self.clock.now(),
                principal=_(OUTSIDE),
                action="",
                resource=target,
                result="RefusedOutsideTheLab",
                message=message,
            )
        )

    def __repr__(self) -> str:
        state = "closed" if self._closed else self.endpoint_url
        return f"Lab(account_id={self.account_id!r}, region={self.region!r}, {state})"


def _lab_managed(name: str) -> bool:
    """Variables `env()` sets or removes, and `export_env()` saves and restores."""
    return (
        name.startswith("AWS_")
        or name.upper() in (*PROXY_VARIABLES, "NO_PROXY")
        or name in ("TZ", "PATH", "HOME", "NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE")
    )


def _with_python_scripts(path: str) -> str:
    """PATH with this Python's scripts folder first, so `aws` is the CLI installed beside iamlab."""
    scripts = os.path.dirname(sys.executable)
    parts = [p for p in path.split(os.pathsep) if p and p != scripts]
    return os.pathsep.join([scripts, *parts])


def _isolated_botocore_session():
    """A botocore session deaf to the learner's AWS_* variables and ~/.aws files."""
    import botocore.session

    session = botocore.session.Session(
        session_vars=_no_environment(),
        event_hooks=copy.copy(_builtin_handlers()),
        include_builtin_handlers=False,
    )
    session.register_component("data_loader", aws_names.package_loader())
    return session


@functools.cache
def _no_environment() -> dict:
    """botocore's session variables with every environment variable and file left out."""
    from botocore.configprovider import BOTOCORE_DEFAUT_SESSION_VARIABLES

    no_env = {
        name: (spec[0], None, spec[2], spec[3]) for name, spec in BOTOCORE_DEFAUT_SESSION_VARIABLES.items()
    }
    no_env["config_file"] = (None, None, os.devnull, None)
    no_env["credentials_file"] = (None, None, os.devnull, None)
    no_env["profile"] = (None, None, None, None)
    return no_env


@functools.cache
def _builtin_handlers():
    """botocore's built-in event handlers, registered once: each session starts from a copy, as each
    client does, instead of registering (and inspecting) the same hundred functions again."""
    import botocore.session
    from botocore.hooks import HierarchicalEmitter

    emitter = HierarchicalEmitter()
    botocore.session.Session(event_hooks=emitter)  # registers the built-in handlers on `emitter`
    return emitter


class LabSession(boto3.Session):
    """A boto3 Session whose clients and resources default to the lab's endpoint."""

    def __init__(self, endpoint_url: str, **kwargs):
        super().__init__(**kwargs)
        self.endpoint_url = endpoint_url

    def client(self, service_name, **kwargs):
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        kwargs.setdefault("config", Config(retries={"max_attempts": 1}))
        return super().client(service_name, **kwargs)

    def resource(self, service_name, **kwargs):
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        kwargs.setdefault("config", Config(retries={"max_attempts": 1}))
        return super().resource(service_name, **kwargs)
