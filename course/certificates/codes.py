"""The public side of certificates: codes, look-up, the public record, the issuer's identity
(signing keys and DID) and the signed revocation list that verifiers check.

A code looks like ``PRAC-7K3M-9QXD-4F2H-T``: twelve random Crockford base32 symbols (60 bits)
and one Luhn mod 32 check symbol, which catches every single mistyped symbol and most swapped
neighbours. Typed codes are forgiving: case, spaces, dashes and the look-alikes O/I/L.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course import clock
from course.certificates import credential as vc
from course.certificates.keys import KeyRecord, Keyring, generate_key, load_keyring
from course.certificates.statuslist import MIN_SIZE, build_status_list_credential
from course.extensions import db
from course.models import Certificate, CertificateStatus

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
PREFIX = "PRAC"
RANDOM_SYMBOLS = 12  # 12 x 5 = 60 random bits
GROUP = 4
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.\t\n\r")
_KEY_LOCK = threading.Lock()


def check_symbol(symbols: str) -> str:
    """Return the Luhn mod 32 check symbol for a string of base32 symbols."""
    total = 0
    factor = 2
    for symbol in reversed(symbols):
        addend = factor * _VALUE[symbol]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def _format(body: str) -> str:
    """Group twelve symbols plus their check symbol as PRAC-XXXX-XXXX-XXXX-C."""
    groups = [body[i : i + GROUP] for i in range(0, len(body), GROUP)]
    return "-".join([PREFIX, *groups, check_symbol(body)])


def new_code() -> str:
    """Return a fresh random certificate code."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return _format(body)


def normalise(typed: str | None) -> str | None:
    """Return the canonical form of a typed code, or None when it cannot be one of ours."""
    if not typed:
        return None
    compact = typed.upper().translate(_SEPARATORS)
    if len(compact) == len(PREFIX) + RANDOM_SYMBOLS + 1 and compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    compact = compact.translate(_ALIASES)
    if len(compact) != RANDOM_SYMBOLS + 1 or any(c not in _VALUE for c in compact):
        return None
    body, check = compact[:-1], compact[-1]
    if check_symbol(body) != check:
        return None
    return _format(body)


@dataclass(frozen=True)
class Issuer:
    """Who issues and signs: name, public URLs, DID choice and the signing-key folder."""

    name: str
    home_url: str
    status_list_url: Callable[[int], str]  # list n is signed by the n-th key (oldest is 1)
    verify_url: Callable[[str], str]
    course_url: Callable[[str], str]
    keys_dir: Path
    did_web_domain: str | None = None
    signatory_name: str | None = None
    signatory_title: str | None = None

    def keyring(self, *, create: bool = False) -> Keyring:
        """Load the signing keys; with create=True, generate the first key if there is none."""
        ring = load_keyring(self.keys_dir)
        if ring.keys or not create:
            return ring
        with _KEY_LOCK:  # concurrent first issues make one key, not several
            if not load_keyring(self.keys_dir).keys:
                try:
                    generate_key(self.keys_dir)
                except FileExistsError:  # another process made it in the same microsecond
                    pass
        return load_keyring(self.keys_dir)

    def did(self, ring: Keyring) -> str:
        """did:web:<domain> when configured, else the active key's did:key."""
        if self.did_web_domain:
            return "did:web:" + self.did_web_domain.replace(":", "%3A")
        return ring.active.did_key

    def did_for(self, key: KeyRecord) -> str:
        """The DID a credential signed by ``key`` names: did:web, else that key's did:key."""
        if self.did_web_domain:
            return "did:web:" + self.did_web_domain.replace(":", "%3A")
        return key.did_key


def find_by_code(code: str | None) -> Certificate | None:
    """Return the certificate with this canonical code, if any."""
    if not code:
        return None
    return db.session.scalar(
        select(Certificate)
        .options(selectinload(Certificate.superseded_by))
        .where(Certificate.code == code)
    )


def public_record(certificate: Certificate) -> dict[str, Any]:
    """What anyone may see about a certificate: name, course, date, hours, status. No PII."""
    snap = certificate.snapshot
    record: dict[str, Any] = {
        "code": certificate.code,
        "status": certificate.status.value,
        "name": snap["full_name"],
        "course": snap["course_title"],
        "completion_date": snap["completion_date"],
        "hours": snap["hours"],
        "issued_at": certificate.issued_at.isoformat(),
    }
    if certificate.status == CertificateStatus.REVOKED and certificate.revoked_at:
        record["revoked_at"] = certificate.revoked_at.isoformat()
    if certificate.superseded_by is not None:
        record["superseded_by"] = certificate.superseded_by.code
    return record


def status_list_credential(
    issuer: Issuer, list_id: int, ttl: timedelta | None = None
) -> dict[str, Any] | None:
    """Sign revocation list ``list_id`` with the key whose credentials point at it.

    Each signing key has its own list (the n-th key, oldest first, owns list n), so a key
    rotation never changes the issuer or key an earlier credential's status check sees.
    Indexes are unique across lists, so every list carries every revoked bit. None: no such key.
    With `ttl`, the list carries validUntil = now + ttl, so a stale copy cannot be replayed.
    """
    ring = issuer.keyring()
    key = ring.by_list_id(list_id)
    if key is None:
        return None
    indexes = list(
        db.session.scalars(
            select(Certificate.status_index).where(Certificate.status != CertificateStatus.VALID)
        )
    )
    highest = db.session.scalar(select(func.max(Certificate.status_index))) or 0
    size = max(MIN_SIZE, (highest // 8 + 1) * 8)
    did = issuer.did_for(key)
    unsigned = build_status_list_credential(
        list_url=issuer.status_list_url(list_id),
        issuer_id=did,
        revoked_indexes=indexes,
        size=size,
        valid_from=clock.now(),
        ttl=ttl,
    )
    return vc.sign(unsigned, key.private_key, key.verification_method(did))
