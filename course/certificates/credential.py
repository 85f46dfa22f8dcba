"""Open Badges 3.0 credentials: build from a certificate snapshot, sign and verify.

Signing follows W3C Data Integrity ``eddsa-rdfc-2022``: the proof configuration (proof options
plus the credential's ``@context``) and the credential are each canonicalized with RDFC-1.0,
hashed with SHA-256, and Ed25519 signs ``sha256(proof) + sha256(document)``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from course import clock

from .jsonld import OB_V3P0_CONTEXT, VC_V2_CONTEXT, find_dropped_terms
from .statuslist import status_entry
from .verify import (
    CRYPTOSUITE,
    LEGACY_CRYPTOSUITE,
    VerificationResult,
    check_structure,
    hash_data,
    verify,
    verify_proof,
)

__all__ = [
    "CREDENTIAL_TYPES",
    "CRYPTOSUITE",
    "LEGACY_CRYPTOSUITE",
    "VerificationResult",
    "build_credential",
    "check_structure",
    "format_datetime",
    "hash_data",
    "identity_hash",
    "sign",
    "verify",
    "verify_proof",
]

CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]


def format_datetime(value: datetime | date | str) -> str:
    """Format a timestamp as ISO 8601 UTC with seconds and a ``Z`` suffix."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(email: str, salt: str) -> str:
    """Return the OB 3.0 salted identity hash of an email address."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return "sha256$" + digest


def _identifiers(snapshot: dict[str, Any], salt: str) -> list[dict[str, Any]]:
    """Build the recipient IdentityObjects: hashed email, plus the plain name."""
    identifiers = [
        {
            "type": "IdentityObject",
            "identityHash": identity_hash(snapshot["email"], salt),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": salt,
        }
    ]
    if snapshot.get("full_name"):
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityHash": snapshot["full_name"],
                "identityType": "name",
                "hashed": False,
            }
        )
    return identifiers


def _achievement(snapshot: dict[str, Any], achievement_id: str) -> dict[str, Any]:
    """Build the Achievement describing the course."""
    title = snapshot["course_title"]
    narrative = snapshot.get("criteria_narrative") or (
        f'Completed every module of the course "{title}" and passed its final assessment.'
    )
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": snapshot.get("achievement_name") or title,  # CE: "<title> (<credit type>)"
        "description": snapshot.get("achievement_description") or title,
        "criteria": {"narrative": narrative},
    }
    if snapshot.get("course_version") is not None:
        achievement["version"] = str(snapshot["course_version"])
    available = snapshot.get("credits_available", snapshot.get("hours"))  # CE: primary claim
    if available is not None:
        achievement["creditsAvailable"] = float(available)
    return achievement


def build_credential(
    snapshot: dict[str, Any],
    *,
    issuer: dict[str, Any],
    credential_id: str,
    status: dict[str, Any] | None,
    achievement_id: str | None = None,
    salt: str | None = None,
) -> dict[str, Any]:
    """Build an unsigned OpenBadgeCredential from a frozen certificate snapshot.

    ``issuer`` needs ``id`` and ``url`` (``name`` defaults to the snapshot's issuer_name).
    ``status`` is ``{"list_url": ..., "index": ...}`` or None. The email is only hashed; the
    salt defaults to one derived from the certificate code, so re-rendering is deterministic.
    """
    base_url = str(issuer["url"]).rstrip("/")
    if salt is None:
        salt = hashlib.sha256(f"practicum-identity:{snapshot['code']}".encode()).hexdigest()[:32]
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": _identifiers(snapshot, salt),
        "achievement": _achievement(
            snapshot, achievement_id or f"{base_url}/achievements/{snapshot['course_slug']}"
        ),
    }
    earned = snapshot.get("credits_earned", snapshot.get("hours"))  # CE: the amount claimed
    if earned is not None:
        subject["creditsEarned"] = float(earned)
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, OB_V3P0_CONTEXT],
        "id": credential_id,
        "type": list(CREDENTIAL_TYPES),
        "issuer": {
            "id": issuer["id"],
            "type": ["Profile"],
            "name": snapshot.get("issuer_name") or issuer["name"],
            "url": issuer["url"],
        },
        "validFrom": format_datetime(snapshot["issued_at"]),
        "name": f"{snapshot['course_title']}: certificate of completion",
        "credentialSubject": subject,
    }
    if status is not None:
        credential["credentialStatus"] = status_entry(status["list_url"], int(status["index"]))
    return credential


def _b58(data: bytes) -> str:
    """Encode bytes as base58btc multibase."""
    return "z" + base58.b58encode(data).decode("ascii")


def sign(
    credential: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str | None = None,
) -> dict[str, Any]:
    """Return a copy of ``credential`` with an eddsa-rdfc-2022 DataIntegrityProof."""
    if "proof" in credential:
        raise ValueError("credential already has a proof")
    dropped = find_dropped_terms(credential)
    if dropped:
        raise ValueError(f"refusing to sign terms no context defines: {', '.join(dropped)}")
    options = {
        "type": "DataIntegrityProof",
        "created": created or format_datetime(clock.now()),
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": "assertionMethod",
    }
    signature = private_key.sign(hash_data(credential, options))
    return {**credential, "proof": {**options, "proofValue": _b58(signature)}}
