"""The lab's own certificate authority, so that TLS to AWS's hostnames can end in the lab.

A client that ignores the lab's endpoint opens TLS to, say, `sts.amazonaws.com` through the lab's
proxy. The proxy answers with a certificate for that host signed by this authority, which only
processes started with `lab.env()` trust (AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS). Every lab makes a
new one; its key never leaves the lab's private folder and is deleted with it. The authority may
sign only AWS's API domains (a name constraint), so even its key could not vouch for another site.
"""

from __future__ import annotations

import datetime as dt
import os
import ssl
import threading

from iamlab.lab.folder import write_private

# The domains of AWS's API endpoints: commercial, China, and the dual-stack `api.aws`.
AWS_DOMAINS = ("amazonaws.com", "amazonaws.com.cn", "api.aws")
VALIDITY = dt.timedelta(days=7)
_LABEL = "abcdefghijklmnopqrstuvwxyz0123456789-"


def is_aws_host(host: str) -> bool:
    """True for a DNS name under one of AWS's API domains, e.g. `s3.ap-northeast-2.amazonaws.com`."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    if not all(label and set(label) <= set(_LABEL) and len(label) <= 63 for label in labels):
        return False
    return any(host.endswith("." + domain) for domain in AWS_DOMAINS)


class Authority:
    """A CA in `folder` (created 0700): `bundle` is its certificate, `context_for(host)` a server
    TLS context with a certificate for `host`, made on first use and kept.

    The keys and the CA certificate are made when first asked for (`bundle`, which `lab.env()`
    reads, or a tunnel's `context_for`): a lab that hands out no environment never pays for them.
    """

    def __init__(self, folder: str):
        self._folder = folder
        self._bundle = os.path.join(folder, "ca.pem")
        self._made = False
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    @property
    def bundle(self) -> str:
        """The path of the CA certificate, made (with the keys) the first time it is asked for."""
        self._ready()
        return self._bundle

    def _ready(self) -> None:
        with self._lock:
            if not self._made:
                self._make()
                self._made = True

    def _make(self) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        os.makedirs(self._folder, mode=0o700, exist_ok=True)
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._leaf_key = ec.generate_private_key(ec.SECP256R1())  # one key for every host's certificate
        self._name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "iamlab lab CA (this lab only)")])
        self._cert = self._sign(
            x509.CertificateBuilder()
            .subject_name(self._name)
            .public_key(self._key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(x509.NameConstraints([x509.DNSName(d) for d in AWS_DOMAINS], None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self._key.public_key()), critical=False)
        )
        write_private(self._bundle, self._cert.public_bytes(serialization.Encoding.PEM))
        self._leaf_key_file = os.path.join(self._folder, "leaf-key.pem")
        write_private(
            self._leaf_key_file,
            self._leaf_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )

    def context_for(self, host: str) -> ssl.SSLContext:
        host = host.lower().rstrip(".")
        if not is_aws_host(host):
            raise ValueError(f"the lab answers only for AWS hostnames, not {host!r}")
        self._ready()
        with self._lock:
            context = self._contexts.get(host)
            if context is None:
                context = self._contexts[host] = self._server_context(host)
            return context

    def _server_context(self, host: str) -> ssl.SSLContext:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        cert = self._sign(
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .public_key(self._leaf_key.public_key())
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(digital_signature=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()), critical=False
            )
        )
        chain = os.path.join(self._folder, f"{host}.pem")
        write_private(chain, cert.public_bytes(serialization.Encoding.PEM))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain, self._leaf_key_file)
        return context

    def _sign(self, builder):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes

        now = dt.datetime.now(dt.timezone.utc)
        return (
            builder.issuer_name(self._name)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + VALIDITY)
            .sign(self._key, hashes.SHA256())
        )


def _usage(**granted):
    from cryptography import x509

    names = (
        "digital_signature content_commitment key_encipherment data_encipherment key_agreement "
        "key_cert_sign crl_sign"
    ).split()
    flags = {name: granted.get(name, False) for name in names}
    return x509.KeyUsage(**flags, encipher_only=False, decipher_only=False)
