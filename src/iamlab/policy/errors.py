"""The one exception the engine raises: IAM's own MalformedPolicyDocument, with IAM's text."""

from __future__ import annotations


class MalformedPolicyDocument(Exception):
    """A document IAM (or S3) would refuse; `.message` is the text AWS answers, word for word."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
