"""S3 request bodies the lab checks before moto reads them.

moto parses S3's XML bodies without guarding against bad input, so a malformed tagging or
multi-object delete document became a 500. S3 answers it with `MalformedXML` (400): "The XML you
provided was not well-formed or did not validate against our published schema" (S3 API
Reference, error responses).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from iamlab.lab.wire.errors import AWSError

MALFORMED_XML = AWSError(
    "MalformedXML",
    "The XML you provided was not well-formed or did not validate against our published schema",
    400,
)

# API -> (root element, repeated element, children each repeated element must have)
SCHEMAS = {
    "PutBucketTagging": ("Tagging", "Tag", ("Key", "Value")),
    "PutObjectTagging": ("Tagging", "Tag", ("Key", "Value")),
    "PutObjectVersionTagging": ("Tagging", "Tag", ("Key", "Value")),
    "DeleteObject": ("Delete", "Object", ("Key",)),  # POST ?delete (DeleteObjects) is authorized as this
    "DeleteObjectVersion": ("Delete", "Object", ("Key",)),
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def check(api: str, method: str, body) -> None:
    """Refuse the body of an S3 API that moto would fail to read, as S3 does."""
    schema = SCHEMAS.get(api)
    if schema is None or method not in ("PUT", "POST"):
        return
    root_name, item_name, required = schema
    try:
        root = ET.fromstring(body or b"")
    except ET.ParseError:
        raise MALFORMED_XML from None
    if _local(root.tag) != root_name:
        raise MALFORMED_XML
    items = [el for el in root.iter() if _local(el.tag) == item_name]
    if root_name == "Delete" and not items:
        raise MALFORMED_XML
    for item in items:
        children = {_local(child.tag) for child in item}
        if not set(required) <= children:
            raise MALFORMED_XML
