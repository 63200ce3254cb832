"""Which regions and signing names exist in AWS, as botocore's own data describes them.

A credential scope names a region and a service; AWS refuses scopes naming neither a real
region nor a real service. botocore ships the partitions' regions (endpoints.json) and every
service model's signing name, so nothing here is typed by hand and an upgrade keeps it current.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re

import botocore

_DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
_HEAD = 16384  # enough characters to hold any model's metadata object
_FOLDER_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


@functools.cache
def package_loader():
    """One botocore data loader for the whole lab, reading only botocore's and boto3's own data:
    never `~/.aws/models` or AWS_DATA_PATH. Every lab session shares it (a new one would parse
    each model again), and `regions` reads the endpoints its clients have already parsed."""
    import boto3
    from botocore.loaders import Loader

    class PackageDataLoader(Loader):
        @property
        def search_paths(self):  # a fresh list: boto3.Session appends its data folder on every session
            return [Loader.BUILTIN_DATA_PATH, os.path.join(os.path.dirname(boto3.__file__), "data")]

    return PackageDataLoader(include_default_search_paths=False)


@functools.cache
def regions() -> frozenset[str]:
    """Every region of every AWS partition (aws, aws-cn, aws-us-gov, ...), from endpoints.json."""
    partitions = package_loader().load_data("endpoints")["partitions"]
    return frozenset(region for partition in partitions for region in partition["regions"])


@functools.cache
def signing_names() -> frozenset[str]:
    """Every service model's signing name (`signingName`, else `endpointPrefix`).

    Only each model's leading `metadata` object is read, so the ~450 models take a fraction of a
    second; and only botocore's own data folder, never `~/.aws/models`.
    """
    return frozenset(filter(None, map(_model_signing_name, sorted(os.listdir(_DATA)))))


@functools.lru_cache(maxsize=512)
def _model_signing_name(folder: str) -> str | None:
    """The signing name in the newest model of botocore's `data/<folder>`, if there is one."""
    versions = sorted(v for v in _listdir(os.path.join(_DATA, folder)) if v[:1].isdigit())
    if not versions:
        return None
    path = os.path.join(_DATA, folder, versions[-1], "service-2.json")
    opener = (gzip.open, path + ".gz") if os.path.exists(path + ".gz") else (open, path)
    if not os.path.exists(opener[1]):
        return None
    with opener[0](opener[1], "rt", encoding="utf-8") as f:
        head = f.read(_HEAD)
    metadata, _ = json.JSONDecoder().raw_decode(head, head.find("{", head.find('"metadata"')))
    return metadata.get("signingName") or metadata["endpointPrefix"]


def _listdir(path: str) -> list[str]:
    return os.listdir(path) if os.path.isdir(path) else []


def is_signing_name(name: str) -> bool:
    """Is `name`, exactly as written, the signing name of an AWS service?

    Most services sign with their model's own folder name (iam, s3, sts...), which costs one small
    read; other names (monitoring for CloudWatch...) are looked up among all models, once.
    """
    if _FOLDER_NAME.fullmatch(name) and _model_signing_name(name) == name:
        return True
    return name in signing_names()


def signing_name_like(name: str) -> str | None:
    """The real signing name a wrongly cased `name` stands for (`IAM` -> `iam`), if any."""
    lowered = name.lower()
    return next((known for known in signing_names() if known.lower() == lowered), None)
