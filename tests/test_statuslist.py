"""Bitstring Status List v1.0 encoding and the signed status list credential."""

import base64
import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.certificates import credential, jsonld, keys, statuslist

SIZE = statuslist.MIN_SIZE
LIST_URL = "https://practicum.example/credentials/status/1"


def _raw(encoded: str) -> bytes:
    """Decode independently of the module under test."""
    payload = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_encoding_is_multibase_base64url_gzip_without_padding() -> None:
    encoded = statuslist.encode_list({1, 2, 3})
    assert encoded.startswith("u")
    assert not set("=+/") & set(encoded)
    assert len(_raw(encoded)) == SIZE // 8


def test_index_zero_is_the_leftmost_bit() -> None:
    raw = _raw(statuslist.encode_list({0, 7, 8, SIZE - 1}))
    assert raw[0] == 0b1000_0001
    assert raw[1] == 0b1000_0000
    assert raw[-1] == 0b0000_0001
    assert not any(raw[2:-1])


def test_bit_order_matches_a_big_endian_integer() -> None:
    revoked = {3, 100, 4097, SIZE - 2}
    as_int = sum(1 << (SIZE - 1 - index) for index in revoked)
    assert _raw(statuslist.encode_list(revoked)) == as_int.to_bytes(SIZE // 8, "big")


def test_decode_returns_the_bitstring() -> None:
    bits = statuslist.decode_list(statuslist.encode_list({9}))
    assert len(bits) == SIZE // 8
    assert bits[1] == 0b0100_0000


def test_revoked_index_reads_as_set_and_others_do_not() -> None:
    encoded = statuslist.encode_list({42, 131000})
    assert statuslist.is_set(encoded, 42)
    assert statuslist.is_set(encoded, 131000)
    assert not statuslist.is_set(encoded, 41)
    assert not statuslist.is_set(encoded, 43)
    assert not statuslist.is_set(encoded, 0)


def test_empty_list_has_no_bit_set() -> None:
    assert not any(statuslist.decode_list(statuslist.encode_list(set())))


@settings(max_examples=25, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=SIZE - 1), max_size=40))
def test_round_trip_of_arbitrary_sets(revoked: set[int]) -> None:
    bits = statuslist.decode_list(statuslist.encode_list(revoked))
    found = {i for i in range(SIZE) if bits[i // 8] & (0x80 >> (i % 8))}
    assert found == revoked


@pytest.mark.parametrize("size", [SIZE - 8, 1024, SIZE + 4])
def test_size_must_be_a_multiple_of_8_and_at_least_the_minimum(size: int) -> None:
    with pytest.raises(ValueError, match="status list size"):
        statuslist.encode_list(set(), size=size)


def test_larger_lists_are_allowed() -> None:
    encoded = statuslist.encode_list({SIZE + 5}, size=SIZE * 2)
    assert len(statuslist.decode_list(encoded)) == SIZE * 2 // 8
    assert statuslist.is_set(encoded, SIZE + 5)


@pytest.mark.parametrize("index", [-1, SIZE])
def test_index_outside_the_list_is_refused(index: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        statuslist.encode_list({index})
    with pytest.raises(IndexError):
        statuslist.is_set(statuslist.encode_list(set()), index)


def test_decode_rejects_short_lists_bad_prefix_and_garbage() -> None:
    short = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(1024))).decode().rstrip("=")
    with pytest.raises(ValueError, match="fewer than"):
        statuslist.decode_list(short)
    with pytest.raises(ValueError, match="prefix 'u'"):
        statuslist.decode_list("z" + statuslist.encode_list(set())[1:])
    with pytest.raises(ValueError, match="not valid GZIP"):
        statuslist.decode_list("uAAAA")
    truncated = statuslist.encode_list({5})[:-12]
    with pytest.raises(ValueError, match="truncated|not valid GZIP"):
        statuslist.decode_list(truncated)


def test_status_list_credential_signs_and_verifies(tmp_path: Path) -> None:
    key = keys.generate_key(tmp_path / "keys")
    unsigned = statuslist.build_status_list_credential(
        list_url=LIST_URL,
        issuer_id=key.did_key,
        revoked_indexes={7},
        valid_from=datetime(2025, 1, 1, 12, 0, tzinfo=UTC),
    )
    assert unsigned["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert unsigned["validFrom"] == "2025-01-01T12:00:00Z"
    subject = unsigned["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert statuslist.is_set(subject["encodedList"], 7)
    assert jsonld.find_dropped_terms(unsigned) == []

    signed = credential.sign(unsigned, key.private_key, key.verification_method())
    assert credential.verify_proof(signed).ok

    signed["credentialSubject"]["encodedList"] = statuslist.encode_list(set())
    result = credential.verify_proof(signed)
    assert not result.ok
    assert any("signature does not verify" in error for error in result.errors)


def test_status_entry_points_at_the_list() -> None:
    entry = statuslist.status_entry(LIST_URL, 12)
    assert entry == {
        "id": f"{LIST_URL}#12",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "12",
        "statusListCredential": LIST_URL,
    }
    with pytest.raises(ValueError, match="negative"):
        statuslist.status_entry(LIST_URL, -1)
