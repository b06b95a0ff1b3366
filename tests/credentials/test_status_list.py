import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpass.credentials import schemas, status_list
from certpass.credentials.status_list import InvalidStatusList

# Bitstring Status List v1.0 example: an all-zero list of 131,072 entries.
SPEC_EMPTY = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def test_spec_example_decodes_to_131072_clear_bits():
    bits = status_list.decode(SPEC_EMPTY)
    assert len(bits) * 8 == status_list.MIN_ENTRIES == 131_072
    assert not any(bits)


def test_left_most_bit_is_index_zero():
    bits = status_list.new()
    status_list.set(bits, 0, True)
    assert bits[0] == 0b1000_0000
    status_list.set(bits, 7, True)
    assert bits[0] == 0b1000_0001
    status_list.set(bits, 8, True)
    assert bits[1] == 0b1000_0000
    status_list.set(bits, 131_071, True)
    assert bits[-1] == 0b0000_0001
    assert [status_list.get(bits, i) for i in (0, 1, 7, 8, 9, 131_071)] == [
        True, False, True, True, False, True,
    ]  # fmt: skip
    status_list.set(bits, 0, False)
    assert bits[0] == 0b0000_0001


def test_minimum_size_and_bounds():
    with pytest.raises(InvalidStatusList):
        status_list.new(1024)
    with pytest.raises(InvalidStatusList):
        status_list.encode(bytearray(100))
    bits = status_list.new()
    with pytest.raises(InvalidStatusList):
        status_list.get(bits, 131_072)
    with pytest.raises(InvalidStatusList):
        status_list.get(bits, -1)
    small = "u" + status_list.encode(status_list.new())[1:]
    assert status_list.decode(small)
    with pytest.raises(InvalidStatusList):
        status_list.decode("zABC")
    with pytest.raises(InvalidStatusList):
        status_list.decode("u!!!")


@settings(max_examples=50, deadline=None)
@given(st.sets(st.integers(0, 131_071), max_size=50))
def test_round_trip(indexes):
    bits = status_list.new()
    for i in indexes:
        status_list.set(bits, i, True)
    encoded = status_list.encode(bits)
    assert encoded.startswith("u") and "=" not in encoded
    decoded = status_list.decode(encoded)
    assert decoded == bits
    assert {i for i in range(131_072) if status_list.get(decoded, i)} == indexes


def test_credential_and_entry_shapes():
    cred = status_list.status_list_credential(
        credential_id="https://certpass.example/status/1",
        issuer="did:web:certpass.example:bodies:cqc",
        status_purpose="revocation",
        encoded_list=SPEC_EMPTY,
        valid_from="2024-03-01T00:00:00Z",
    )
    assert cred["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert cred["credentialSubject"]["type"] == "BitstringStatusList"
    assert schemas.validate_vc2(cred) == []
    entry = status_list.status_entry(
        list_credential="https://certpass.example/status/1",
        index=94567,
        status_purpose="suspension",
    )
    assert entry == {
        "id": "https://certpass.example/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "94567",
        "statusListCredential": "https://certpass.example/status/1",
    }
    with pytest.raises(InvalidStatusList):
        status_list.status_entry(list_credential="x", index=1, status_purpose="expiry")


@pytest.mark.parametrize("size", [8, 24, 1000, 4096])
def test_shuffled_indexes_are_a_permutation_keyed_per_list(size):
    key, other = b"\x01" * 16, b"\x02" * 16
    order = [status_list.shuffled_index(key, size, n) for n in range(size)]
    assert sorted(order) == list(range(size))  # every index once: none ever repeats
    assert order != list(range(size))
    assert order != [status_list.shuffled_index(other, size, n) for n in range(size)]
    with pytest.raises(ValueError):
        status_list.shuffled_index(key, size, size)
