"""Per-service knowledge: which resource a request names, its resource policy, its denial shape.

One adapter per service (`sqs.py`, `kms.py`, ...), registered in `registry.py`; a service
without an adapter gets `Adapter`, which reads everything from the Service Authorization
Reference and the request's own parameters. Adding a service is one adapter file, one
registry line and one test file.
"""
