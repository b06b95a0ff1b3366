"""The one canonical-JSON module agrees with the rfc8785 package on the log's entries and
every generated input."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from certpass.jcs import canonicalize as canonical_json

scalars = (
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False)
)  # fmt: skip
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500)
@given(documents)
def test_same_bytes_as_rfc8785(doc) -> None:
    assert canonical_json(doc) == rfc8785.dumps(doc)


def test_known_tricky_cases() -> None:
    for doc in [{"\u20ac": 1, "\U0001f600": 2, "a": 3}, {"a": "\x00\x1f\u2028\x7f"},
                {"n": 1.0}, {"n": 1e21}, {"é": [True, None]}]:  # fmt: skip
        assert canonical_json(doc) == rfc8785.dumps(doc)
    with pytest.raises(rfc8785.CanonicalizationError):
        canonical_json({"a": "\ud83d"})  # a lone surrogate is not Unicode text
