"""Per-service knowledge: which resource a request names, its resource policy, its denial shape.

One adapter per service (`sqs.py`, `kms.py`, ...), registered in `registry.py`; a service
without an adapter gets `Adapter`, which reads everything from the Service Authorization
Reference and the request's own parameters (`reference.py`, `params.py`). IAM, STS, S3 and
CloudWatch ask their own question (`iam.py`, `sts.py`, `s3.py`, `cloudwatch.py`). The gate and
the front door look everything a service does differently up here, never by its name: adding
a service is one adapter file, one registry line and one test file
(`tests/lab/services/test_adding_a_service.py`).
"""
