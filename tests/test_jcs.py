import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from certpass.jcs import canonicalize, canonicalize_unchecked

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400)
@given(json_values)
def test_exact_form_equals_reference(value):
    try:
        expected = rfc8785.dumps(value)
    except Exception:
        return  # e.g. lone surrogates: not JSON text
    assert canonicalize(value) == expected


@settings(max_examples=300)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
        lambda c: (
            st.lists(c, max_size=4)
            | st.dictionaries(st.text(alphabet=st.characters(max_codepoint=0xFFFF), max_size=6), c)
        ),
        max_leaves=20,
    )
)
def test_unchecked_form_equals_reference_without_floats(value):
    try:
        expected = rfc8785.dumps(value)
    except Exception:
        return
    assert canonicalize_unchecked(value) == expected


def test_known_differences_take_the_reference_path():
    assert canonicalize([1.0, 1e21, 0.1]) == b"[1,1e+21,0.1]"
    assert canonicalize({"\ue000": 1, "\U0001f600": 2}) == rfc8785.dumps(
        {"\ue000": 1, "\U0001f600": 2}
    )
