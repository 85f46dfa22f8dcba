"""W3C Bitstring Status List v1.0: revocation bits for issued credentials.

Bit ``i`` of the list is the i-th bit counting from the left (most significant bit of byte 0
is index 0). The list is GZIP-compressed, base64url-encoded without padding and prefixed with
the multibase code ``u``. A set bit means the credential at that index is revoked.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from course import clock

from .jsonld import VC_V2_CONTEXT

MIN_SIZE = 131072  # 16 KiB of bits: the spec's minimum, for herd privacy
MAX_DECODED_BYTES = 16 * 1024 * 1024


def encode_list(revoked_indexes: Iterable[int], size: int = MIN_SIZE) -> str:
    """Encode the set of revoked indexes as a multibase GZIP base64url bitstring."""
    if size < MIN_SIZE or size % 8:
        raise ValueError(f"status list size must be a multiple of 8 and at least {MIN_SIZE}")
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        if not 0 <= index < size:
            raise ValueError(f"status list index {index} is outside 0..{size - 1}")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_list(encoded: str, *, min_size: int = MIN_SIZE) -> bytes:
    """Decode an encodedList back to the raw bitstring bytes."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix 'u')")
    payload = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        inflater = zlib.decompressobj(wbits=31)  # gzip container
        bits = inflater.decompress(compressed, MAX_DECODED_BYTES)
    except (ValueError, zlib.error) as error:
        raise ValueError(f"encodedList is not valid GZIP base64url: {error}") from error
    if inflater.unconsumed_tail:
        raise ValueError(f"decoded status list exceeds {MAX_DECODED_BYTES} bytes")
    if not inflater.eof:
        raise ValueError("encodedList holds a truncated GZIP stream")
    if len(bits) * 8 < min_size:
        raise ValueError(f"status list has {len(bits) * 8} bits, fewer than {min_size}")
    return bits


def is_set(encoded: str, index: int) -> bool:
    """Return True if bit ``index`` (revoked) is set in the encoded list."""
    bits = decode_list(encoded)
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"status list index {index} is outside 0..{len(bits) * 8 - 1}")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    """Build the credentialStatus entry pointing at bit ``index`` of a revocation list."""
    if index < 0:
        raise ValueError("status list index must not be negative")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_status_list_credential(
    *,
    list_url: str,
    issuer_id: str,
    revoked_indexes: Iterable[int],
    size: int = MIN_SIZE,
    valid_from: datetime | None = None,
    ttl: timedelta | None = None,
) -> dict[str, Any]:
    """Build an unsigned BitstringStatusListCredential (statusPurpose revocation).

    Sign it with :func:`course.certificates.credential.sign`, using the same issuer as the
    credentials it covers (verifiers compare the two issuers).
    """
    issued = (valid_from or clock.now()).astimezone(UTC).replace(microsecond=0)
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": issued.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(revoked_indexes, size),
        },
    }
    if ttl is not None:
        # A copy saved before a revocation stops verifying once validUntil passes; ttl (in
        # milliseconds, Bitstring Status List 1.0) tells verifiers how often to refetch.
        credential["validUntil"] = (issued + ttl).strftime("%Y-%m-%dT%H:%M:%SZ")
        credential["credentialSubject"]["ttl"] = int(ttl.total_seconds() * 1000)
    return credential


def _issuer_id(document: dict[str, Any]) -> Any:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def check_status(
    signed: dict[str, Any],
    status_list: dict[str, Any],
    resolve_key: Callable[[str], bytes] | None = None,
) -> tuple[bool | None, list[str]]:
    """Check a credential's revocation entry against its (already fetched) status list.

    Follows the Bitstring Status List validation algorithm: the list's id is the entry's
    ``statusListCredential``, its proof verifies, its issuer is the credential's issuer, and
    its purpose matches. Returns (revoked, errors); revoked is None when the check failed.
    """
    from .verify import verify_proof  # verify -> keys, never back to statuslist

    entry = signed.get("credentialStatus")
    if not isinstance(entry, dict):
        return None, ["credential has no credentialStatus"]
    errors: list[str] = []
    if status_list.get("id") != entry.get("statusListCredential"):
        errors.append("status list id is not the entry's statusListCredential")
    proof = verify_proof(status_list, resolve_key) if resolve_key else verify_proof(status_list)
    errors.extend(f"status list: {error}" for error in proof.errors)
    if _issuer_id(status_list) != _issuer_id(signed):
        errors.append("status list issuer does not match the credential issuer")
    subject = status_list.get("credentialSubject") or {}
    if subject.get("statusPurpose") != entry.get("statusPurpose"):
        errors.append("status list purpose does not match the entry's statusPurpose")
    if errors:
        return None, errors
    try:
        return is_set(str(subject.get("encodedList", "")), int(entry["statusListIndex"])), []
    except (ValueError, IndexError, KeyError) as error:
        return None, [f"status list cannot be read: {error}"]
