"""The lab layer: moto on loopback, every request authenticated and decided by iamlab.policy."""

from iamlab.lab.core import Lab, LabClosed

__all__ = ["Lab", "LabClosed"]
