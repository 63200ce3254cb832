"""The request moto's handlers read in a lab answers as moto's own request does.

`wire/front.py` reads the headers out of the environ once per request and remembers how a header
name maps to its environ key; moto's handlers must not be able to tell.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from moto.core.request import Request as MotoRequest

from iamlab.lab.wire.front import _LabRequest

NAMES = st.sampled_from(
    ["Host", "host", "Content-Type", "content-length", "X-Amz-Date", "x-amz-meta-a_b", "x_amz_date", "Range"]
)


@settings(max_examples=300, deadline=None)
@given(
    present=st.dictionaries(NAMES, st.text(alphabet="abc 123/", max_size=6), max_size=5),
    asked=st.lists(st.one_of(NAMES, st.text(max_size=8)), max_size=6),
)
def test_header_lookups_and_passes_are_moto_s(present, asked):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80"}
    for name, value in present.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    ours, moto = _LabRequest(dict(environ)).headers, MotoRequest(dict(environ)).headers
    for _ in range(2):  # the second time from what was remembered
        assert list(ours.items()) == list(moto.items())
        for name in asked:
            assert ours.get(name) == moto.get(name)
            assert (name in ours) == (name in moto)
