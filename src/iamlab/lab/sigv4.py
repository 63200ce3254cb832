"""Verify AWS Signature Version 4 on an incoming request, as AWS does.

The lab must refuse a request signed with the wrong secret just as AWS would, so a
learner who mistypes a key sees `SignatureDoesNotMatch` instead of a silent success.
Only the pieces of the algorithm needed to *check* a signature live here.
"""

from __future__ import annotations

import hashlib
import hmac
import posixpath
from dataclasses import dataclass
from urllib.parse import quote, unquote

UNSIGNED_PAYLOADS = ("UNSIGNED-PAYLOAD", "STREAMING-")


@dataclass(frozen=True)
class SignedRequest:
    """What a SigV4 signature claims: who signed, for which scope, over which headers."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    presigned: bool


class NotSigV4(ValueError):
    """The request carries no SigV4 signature we can read."""


def read_signature(headers: dict[str, str], query: list[tuple[str, str]]) -> SignedRequest:
    """Pull the SigV4 claims from the Authorization header or a presigned URL's query."""
    auth = headers.get("authorization", "")
    if auth.startswith("AWS4-HMAC-SHA256 "):
        fields = dict(
            part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 ") :].split(",") if "=" in part
        )
        credential, signed, signature = (
            fields.get(k, "") for k in ("Credential", "SignedHeaders", "Signature")
        )
        amz_date = headers.get("x-amz-date", "")
        presigned = False
    else:
        params = dict(query)
        if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
            raise NotSigV4("no SigV4 signature")
        credential = params.get("X-Amz-Credential", "")
        signed = params.get("X-Amz-SignedHeaders", "")
        signature = params.get("X-Amz-Signature", "")
        amz_date = params.get("X-Amz-Date", "")
        presigned = True
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not signature:
        raise NotSigV4("malformed SigV4 credential scope")
    return SignedRequest(
        access_key_id=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=tuple(h for h in signed.lower().split(";") if h),
        signature=signature,
        amz_date=amz_date,
        presigned=presigned,
    )


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def canonical_query(query: list[tuple[str, str]], presigned: bool) -> str:
    pairs = sorted((_encode(k), _encode(v)) for k, v in query if not (presigned and k == "X-Amz-Signature"))
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_path(raw_path: str, service: str) -> str:
    """S3 signs the path as sent; every other service signs it normalised and encoded twice."""
    if service == "s3":
        return raw_path or "/"
    normalised = posixpath.normpath(raw_path) if raw_path not in ("", "/") else "/"
    if raw_path.endswith("/") and normalised != "/":
        normalised += "/"
    return quote(normalised, safe="/~")


def expected_signature(
    claim: SignedRequest,
    secret_access_key: str,
    method: str,
    raw_path: str,
    query: list[tuple[str, str]],
    headers: dict[str, str],
    body: bytes,
) -> str:
    """The signature AWS would compute for this request with this secret."""
    canonical_headers = "".join(
        f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in claim.signed_headers
    )
    if claim.presigned:
        payload_hash = "UNSIGNED-PAYLOAD"
    else:
        payload_hash = headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    canonical_request = "\n".join(
        [
            method.upper(),
            canonical_path(raw_path, claim.service),
            canonical_query(query, claim.presigned),
            canonical_headers,
            ";".join(claim.signed_headers),
            payload_hash,
        ]
    )
    scope = f"{claim.date}/{claim.region}/{claim.service}/aws4_request"
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", claim.amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = ("AWS4" + secret_access_key).encode()
    for part in (claim.date, claim.region, claim.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def payload_matches(headers: dict[str, str], body: bytes) -> bool:
    """A declared payload hash must be the body's hash, unless the client declared it unsigned."""
    declared = headers.get("x-amz-content-sha256")
    if not declared or declared.startswith(UNSIGNED_PAYLOADS):
        return True
    return hmac.compare_digest(declared, hashlib.sha256(body).hexdigest())


def signature_matches(claim: SignedRequest, secret: str, method, raw_path, query, headers, body) -> bool:
    expected = expected_signature(claim, secret, method, raw_path, query, headers, body)
    return hmac.compare_digest(expected, claim.signature) and payload_matches(headers, body)


def split_query(raw_query: str) -> list[tuple[str, str]]:
    """Decode a raw query string into pairs, keeping blank values (`?policy` is `policy=`)."""
    pairs = []
    for part in raw_query.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs
