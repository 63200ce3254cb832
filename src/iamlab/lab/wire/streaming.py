"""S3's streaming uploads (`aws-chunked`), decoded by the lab so no byte is lost or forged.

SDKs send large or checksummed uploads as aws-chunked bodies: each chunk framed with its size
and, when signed, a signature chained from the request's own (STREAMING-AWS4-HMAC-SHA256-PAYLOAD),
optionally followed by trailers such as `x-amz-checksum-crc32`. The lab checks every chunk
signature and trailing checksum as S3 does and hands moto the plain bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import zlib
from dataclasses import dataclass, field

from iamlab.lab.wire.errors import AWSError

SIGNED = ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
UNSIGNED = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
_EMPTY_HASH = hashlib.sha256(b"").hexdigest()


@dataclass
class Decoded:
    body: bytes
    trailers: dict[str, str] = field(default_factory=dict)


def is_streaming(headers: dict[str, str]) -> bool:
    declared = headers.get("x-amz-content-sha256", "")
    encodings = [e.strip().lower() for e in headers.get("content-encoding", "").split(",")]
    return declared.startswith("STREAMING-") or "aws-chunked" in encodings


def decode(body: bytes, headers: dict[str, str], signer=None) -> Decoded:
    """The payload inside an aws-chunked `body`.

    `signer(previous_signature, kind, payload_hash)` returns the signature S3 expects for a chunk
    (kind "PAYLOAD") or the trailers ("TRAILER"), seeded by the request's signature; None when
    the stream is unsigned.
    """
    declared = headers.get("x-amz-content-sha256", "")
    if declared.startswith("STREAMING-") and declared not in (*SIGNED, UNSIGNED):
        raise AWSError("InvalidArgument", f"Unsupported value for x-amz-content-sha256: {declared}", 400)
    signed = declared in SIGNED
    previous = None
    parts, pos = [], 0
    while True:
        line_end = body.find(b"\r\n", pos)
        if line_end < 0:
            raise _incomplete()
        size_text, _, extension = body[pos:line_end].partition(b";")
        size = _hex(size_text)
        data_start = line_end + 2
        data = body[data_start : data_start + size]
        if len(data) < size:
            raise _incomplete()
        if signed:
            previous = _check_chunk(signer, previous, extension, data)
        if size == 0:
            trailers = _trailers(
                body[data_start:], signer if signed and declared.endswith("TRAILER") else None, previous
            )
            break
        parts.append(data)
        pos = data_start + size
        if body[pos : pos + 2] != b"\r\n":
            raise _incomplete()
        pos += 2
    decoded = Decoded(b"".join(parts), trailers)
    expected = headers.get("x-amz-decoded-content-length")
    if expected is not None and (not expected.isdigit() or int(expected) != len(decoded.body)):
        raise _incomplete()
    _check_checksums(decoded)
    return decoded


def _hex(text: bytes) -> int:
    text = text.strip()
    if not text or len(text) > 16 or any(c not in b"0123456789abcdefABCDEF" for c in text):
        raise _incomplete()
    return int(text, 16)


def _check_chunk(signer, previous, extension: bytes, data: bytes) -> str:
    name, _, given = extension.decode("latin-1").partition("=")
    if name.strip() != "chunk-signature" or not given:
        raise _incomplete()
    expected = signer(previous, "PAYLOAD", hashlib.sha256(data).hexdigest())
    if not hmac.compare_digest(expected, given.strip()):
        raise _mismatch()
    return expected


def _trailers(rest: bytes, signer, previous) -> dict[str, str]:
    trailers: dict[str, str] = {}
    signature = None
    text = ""
    for line in rest.split(b"\r\n"):
        if not line:
            continue
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon:
            raise _incomplete()
        name, value = name.strip().lower(), value.strip()
        if name == "x-amz-trailer-signature":
            signature = value
        else:
            trailers[name] = value
            text += f"{name}:{value}\n"
    if signer is not None and trailers:
        expected = signer(previous, "TRAILER", hashlib.sha256(text.encode("latin-1")).hexdigest())
        if signature is None or not hmac.compare_digest(expected, signature):
            raise _mismatch()
    return trailers


_CHECKSUMS = {
    "x-amz-checksum-crc32": ("CRC32", lambda data: zlib.crc32(data).to_bytes(4, "big")),
    "x-amz-checksum-sha1": ("SHA1", lambda data: hashlib.sha1(data).digest()),
    "x-amz-checksum-sha256": ("SHA256", lambda data: hashlib.sha256(data).digest()),
}


def _check_checksums(decoded: Decoded) -> None:
    """S3 recomputes a trailing checksum and refuses the upload if it differs."""
    for name, value in decoded.trailers.items():
        if name in _CHECKSUMS:
            algorithm, compute = _CHECKSUMS[name]
            if base64.b64encode(compute(decoded.body)).decode() != value:
                raise AWSError(
                    "BadDigest", f"The {algorithm} you specified did not match the calculated checksum.", 400
                )


def _incomplete() -> AWSError:
    return AWSError("IncompleteBody", "The request body terminated unexpectedly", 400)


def _mismatch() -> AWSError:
    return AWSError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
    )


def chunk_string_to_sign(kind: str, amz_date: str, scope: str, previous: str, payload_hash: str) -> str:
    """What a chunk's (or the trailers') signature signs; see S3's sigv4-streaming documentation."""
    if kind == "PAYLOAD":
        return "\n".join([f"AWS4-HMAC-SHA256-{kind}", amz_date, scope, previous, _EMPTY_HASH, payload_hash])
    return "\n".join([f"AWS4-HMAC-SHA256-{kind}", amz_date, scope, previous, payload_hash])
