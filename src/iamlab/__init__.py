"""iamlab: learn AWS IAM roles against a faithful local AWS, in JupyterLab.

`iamlab.policy` is the pure policy engine; `iamlab.Lab` (imported lazily, so the engine
never drags moto in) is the local AWS that asks the engine about every request.
"""

__all__ = ["Lab", "set_language"]

from iamlab.i18n import set_language


def __getattr__(name):
    if name == "Lab":
        from iamlab.lab import Lab

        return Lab
    raise AttributeError(f"module 'iamlab' has no attribute {name!r}")
