"""The lab layer: moto on loopback, every request authenticated and decided by iamlab.policy."""

from iamlab.lab.core import Lab

__all__ = ["Lab"]
