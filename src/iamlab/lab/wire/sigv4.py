"""Verify AWS Signature Version 4 on an incoming request, as AWS does.

The lab must refuse a request signed with the wrong secret just as AWS would, so a
learner who mistypes a key sees `SignatureDoesNotMatch` instead of a silent success.
Only the pieces of the algorithm needed to *check* a signature live here.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import hmac
import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote, unquote

from iamlab.lab.wire import aws_names, streaming
from iamlab.lab.wire.errors import AWSError, refusal

UNSIGNED_PAYLOADS = ("UNSIGNED-PAYLOAD", "STREAMING-")
# Signing names whose canonical request carries the path exactly as sent: "Each path segment must
# be URI-encoded twice (except for Amazon S3 which only gets URI-encoded once)" (SigV4 reference).
PATH_AS_SENT = frozenset({"s3"})


class SignedRequest(NamedTuple):
    """What a SigV4 signature claims: who signed, for which scope, over which headers."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    presigned: bool
    expires: str = ""  # a presigned URL's X-Amz-Expires

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"

    @property
    def authorization(self) -> str:
        """The one Authorization header this claim stands for, as moto's router reads it."""
        return (
            f"{ALGORITHM} Credential={self.access_key_id}/{self.scope}, "
            f"SignedHeaders={';'.join(self.signed_headers)}, Signature={self.signature}"
        )


class NotSigV4(ValueError):
    """The request carries no SigV4 signature at all."""


ALGORITHM = "AWS4-HMAC-SHA256"
AUTH_FIELDS = ("Credential", "SignedHeaders", "Signature")


def read_signature(headers: dict[str, str], query: list[tuple[str, str]]) -> SignedRequest:
    """Pull the SigV4 claims from the Authorization header or a presigned URL's query, strictly.

    Exactly one of each field, as AWS reads them: a request naming two credential scopes would
    otherwise be routed by one and authorized by the other.
    """
    auth = headers.get("authorization", "")
    if auth and any(key in ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature") for key, _ in query):
        raise AWSError(
            "InvalidArgument",
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query "
            "string parameter or the Authorization header should be specified",
            400,
        )
    if auth:
        return _from_header(auth, headers)
    params: dict[str, str] = {}
    for key, value in query:
        if key.startswith("X-Amz-") and key in params:
            raise _incomplete(f"Duplicate query parameter '{key}'.", presigned=True)
        params[key] = value
    if "X-Amz-Algorithm" not in params and "X-Amz-Credential" not in params:
        raise NotSigV4("no SigV4 signature")
    if params.get("X-Amz-Algorithm") != ALGORITHM:
        raise _incomplete("Unsupported AWS 'algorithm': 'X-Amz-Algorithm'.", presigned=True)
    missing = [
        k
        for k in ("X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Date")
        if not params.get(k)
    ]
    if missing:
        raise _incomplete(f"Query-string authentication requires the {missing[0]} parameter.", presigned=True)
    return _claim(
        params["X-Amz-Credential"],
        params["X-Amz-SignedHeaders"],
        params["X-Amz-Signature"],
        params["X-Amz-Date"],
        presigned=True,
        expires=params.get("X-Amz-Expires", ""),
    )


def _from_header(auth: str, headers: dict[str, str]) -> SignedRequest:
    algorithm, _, rest = auth.partition(" ")
    if algorithm != ALGORITHM:
        if algorithm == "AWS" or auth.startswith("AWS "):
            raise AWSError(
                "InvalidRequest",
                "The authorization mechanism you have provided is not supported. "
                "Please use AWS4-HMAC-SHA256.",
                400,
            )
        raise _incomplete(f"Unsupported AWS 'algorithm': '{algorithm}'.")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, equals, value = part.strip().partition("=")
        if not equals:
            raise _incomplete(f"Authorization header requires '{AUTH_FIELDS[0]}' parameter.")
        if name in fields:
            raise _incomplete(f"Authorization header has a duplicate '{name}' parameter.")
        fields[name] = value
    for name in AUTH_FIELDS:
        if not fields.get(name):
            raise _incomplete(f"Authorization header requires '{name}' parameter.")
    amz_date = headers.get("x-amz-date") or _from_http_date(headers.get("date", ""))
    if not amz_date:
        raise _incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    return _claim(
        fields["Credential"], fields["SignedHeaders"], fields["Signature"], amz_date, presigned=False
    )


def _claim(credential, signed, signature, amz_date, *, presigned, expires="") -> SignedRequest:
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not all(scope):
        raise _incomplete(
            f"Credential should be scoped with a valid terminator: 'aws4_request', not '{scope[-1]}'. ",
            presigned=presigned,
        )
    return SignedRequest(
        access_key_id=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=tuple(signed.split(";")),
        signature=signature,
        amz_date=amz_date,
        presigned=presigned,
        expires=expires,
    )


def _incomplete(message: str, presigned: bool = False) -> AWSError:
    if presigned:
        return AWSError("AuthorizationQueryParametersError", message, 400)
    return AWSError("IncompleteSignature", message, 400)


def _from_http_date(value: str) -> str:
    """A `Date` header (RFC 7231) as SigV4's basic ISO 8601 form, or "" if it is not a date."""
    try:
        return email.utils.parsedate_to_datetime(value).astimezone(dt.timezone.utc).strftime(AMZ_DATE)
    except (TypeError, ValueError, IndexError, OverflowError):
        return ""


AMZ_DATE = "%Y%m%dT%H%M%SZ"
_BASIC_ISO8601 = re.compile(r"[0-9]{8}T[0-9]{6}Z")
MAX_SKEW = dt.timedelta(minutes=15)
MAX_PRESIGNED_EXPIRY = 604800  # seconds: a week


def check_scope(
    claim: SignedRequest,
    now: dt.datetime,
    lab_region: str,
    wall: dt.datetime | None = None,
    protocol: str | None = None,
) -> None:
    """Refuse a signature AWS would refuse before looking at the key: wrong service, region,
    date, unsigned host, or a time too far from now, in the words of the service's `protocol`.

    `now` is the lab clock's time. A lesson may move that clock forward on purpose while real
    clients keep signing with the machine's clock (`wall`), so a request within 15 minutes of
    either is current; a presigned URL expires by whichever of the two is later.
    """
    if not aws_names.is_signing_name(claim.service):
        correct = aws_names.signing_name_like(claim.service) or claim.service.lower()
        raise AWSError(
            "SignatureDoesNotMatch", f"Credential should be scoped to correct service: '{correct}'. "
        )
    if claim.region not in aws_names.regions():
        raise refusal("wrong_region", protocol, region=claim.region, expected=lab_region)
    if "host" not in claim.signed_headers or any(
        h != h.strip().lower() or not h for h in claim.signed_headers
    ):
        raise refusal("unsigned_headers", protocol)
    try:
        signed_at = _basic_iso8601(claim.amz_date)
    except ValueError:
        raise _incomplete(
            f"Date must be in ISO-8601 'basic format'. Got '{claim.amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601",
            presigned=claim.presigned,
        ) from None
    if claim.date != claim.amz_date[:8]:
        raise refusal(
            "date_mismatch", protocol, date=claim.date, day=claim.amz_date[:8], amz_date=claim.amz_date
        )
    if claim.presigned:
        _check_expiry(claim, signed_at, max(now, wall or now))
    elif not any(abs(signed_at - current) <= MAX_SKEW for current in (now, wall or now)):
        kind = "skew_past" if signed_at < now else "skew_future"
        raise refusal(
            kind,
            protocol,
            amz_date=claim.amz_date,
            now=now.strftime(AMZ_DATE),
            earliest=(now - MAX_SKEW).strftime(AMZ_DATE),
            latest=(now + MAX_SKEW).strftime(AMZ_DATE),
        )


def _basic_iso8601(text: str) -> dt.datetime:
    """`20210117T054434Z` as a UTC time (strptime is ten times slower, on every request)."""
    if not _BASIC_ISO8601.fullmatch(text):
        raise ValueError(text)
    numbers = (text[0:4], text[4:6], text[6:8], text[9:11], text[11:13], text[13:15])
    return dt.datetime(*map(int, numbers), tzinfo=dt.timezone.utc)


def _check_expiry(claim: SignedRequest, signed_at: dt.datetime, now: dt.datetime) -> None:
    expires = claim.expires
    if not expires.lstrip("-").isdigit():
        raise _incomplete("X-Amz-Expires should be a number", presigned=True)
    if int(expires) < 0:
        raise _incomplete("X-Amz-Expires must be non-negative", presigned=True)
    if int(expires) > MAX_PRESIGNED_EXPIRY:
        raise _incomplete(
            f"X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGNED_EXPIRY}",
            presigned=True,
        )
    if now > signed_at + dt.timedelta(seconds=int(expires)):
        raise AWSError("AccessDenied", "Request has expired")
    if signed_at > now + MAX_SKEW:
        raise AWSError("AccessDenied", "Request is not yet valid")


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def canonical_query(query: list[tuple[str, str]], presigned: bool) -> str:
    pairs = sorted((_encode(k), _encode(v)) for k, v in query if not (presigned and k == "X-Amz-Signature"))
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_path(raw_path: str, service: str) -> str:
    """S3 signs the path as sent; every other service signs it normalised and encoded twice."""
    if service in PATH_AS_SENT:
        return raw_path or "/"
    return quote(_without_dot_segments(raw_path), safe="/~")


def _without_dot_segments(path: str) -> str:
    """RFC 3986's dot-segment removal, with repeated slashes collapsed as AWS services require."""
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    trailing = "/" if path.endswith("/") and kept else ""
    return "/" + "/".join(kept) + trailing


def payload_hash(claim: SignedRequest, headers: dict[str, str], body: bytes | None) -> str:
    """The payload hash the signature covers: declared by the client, or the body's own."""
    if claim.presigned:
        return "UNSIGNED-PAYLOAD"
    declared = headers.get("x-amz-content-sha256")
    if declared:
        return declared
    return hashlib.sha256(body or b"").hexdigest()


def needs_body(claim: SignedRequest, headers: dict[str, str]) -> bool:
    """Can the signature be checked only once the body is read (no declared payload hash)?"""
    return not claim.presigned and not headers.get("x-amz-content-sha256")


def signing_key(claim: SignedRequest, secret_access_key: str) -> bytes:
    return _derived_key(secret_access_key, claim.date, claim.region, claim.service)


@lru_cache(maxsize=64)  # a pure function of its inputs; a key signs a whole day's requests in one scope
def _derived_key(secret_access_key: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret_access_key).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def expected_signature(
    claim: SignedRequest,
    secret_access_key: str,
    method: str,
    raw_path: str,
    query: list[tuple[str, str]],
    headers: dict[str, str],
    body: bytes | None,
) -> str:
    """The signature AWS would compute for this request with this secret."""
    canonical_headers = "".join(
        f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in claim.signed_headers
    )
    canonical_request = "\n".join(
        [
            method.upper(),
            canonical_path(raw_path, claim.service),
            canonical_query(query, claim.presigned),
            canonical_headers,
            ";".join(claim.signed_headers),
            payload_hash(claim, headers, body),
        ]
    )
    string_to_sign = "\n".join(
        [ALGORITHM, claim.amz_date, claim.scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    return hmac.digest(signing_key(claim, secret_access_key), string_to_sign.encode(), "sha256").hex()


def payload_matches(headers: dict[str, str], body: bytes) -> bool:
    """A declared payload hash must be the body's hash, unless the client declared it unsigned."""
    declared = headers.get("x-amz-content-sha256")
    if not declared or declared.startswith(UNSIGNED_PAYLOADS):
        return True
    return hmac.compare_digest(declared, hashlib.sha256(body).hexdigest())


def signature_matches(claim: SignedRequest, secret: str, method, raw_path, query, headers, body) -> bool:
    """Does the claimed signature cover this request? `body` may be None if its hash is declared."""
    expected = expected_signature(claim, secret, method, raw_path, query, headers, body)
    return hmac.compare_digest(expected, claim.signature)


def chunk_signer(claim: SignedRequest, secret: str):
    """Signs an aws-chunked stream's chunks in turn, each chained from the one before."""
    key = signing_key(claim, secret)

    def sign(previous: str | None, kind: str, chunk_hash: str) -> str:
        text = streaming.chunk_string_to_sign(
            kind, claim.amz_date, claim.scope, previous or claim.signature, chunk_hash
        )
        return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()

    return sign


def split_query(raw_query: str) -> list[tuple[str, str]]:
    """Decode a raw query string into pairs, keeping blank values (`?policy` is `policy=`)."""
    pairs = []
    for part in raw_query.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs
