"""Verify Open Badges 3.0 credentials: structure, validity dates, terms and Data Integrity proofs.

A proof is checked the way course.certificates.credential signs it (``eddsa-rdfc-2022``): the
signed bytes are sha256(canonical proof configuration) + sha256(canonical document).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld.jsonld import JsonLdError

from course import clock

from .jsonld import (
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    ContextNotAvailableError,
    canonize,
    find_dropped_terms,
)
from .keys import default_resolver

CRYPTOSUITE = "eddsa-rdfc-2022"
LEGACY_CRYPTOSUITE = "eddsa-2022"


@dataclass(frozen=True)
class VerificationResult:
    """Outcome of a verification: ok only when there is no error."""

    ok: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    """Return sha256(canonical proof config) + sha256(canonical document): the signed bytes."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    proof_hash = hashlib.sha256(canonize(config).encode("utf-8")).digest()
    doc_hash = hashlib.sha256(canonize(unsecured).encode("utf-8")).digest()
    return proof_hash + doc_hash


def _proof_header_errors(proof: dict[str, Any], warnings: list[str]) -> list[str]:
    """Check a proof's type, cryptosuite, purpose and proofValue shape."""
    errors = []
    if proof.get("type") != "DataIntegrityProof":
        errors.append(f"proof type {proof.get('type')!r} is not DataIntegrityProof")
    suite = proof.get("cryptosuite")
    if suite == LEGACY_CRYPTOSUITE:
        warnings.append("proof uses the legacy cryptosuite name 'eddsa-2022'")
    elif suite != CRYPTOSUITE:
        errors.append(f"unsupported cryptosuite {suite!r}")
    if proof.get("proofPurpose") != "assertionMethod":
        errors.append(f"proofPurpose {proof.get('proofPurpose')!r} is not assertionMethod")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        errors.append("proofValue is missing or not base58btc multibase")
    return errors


def _verify_one(
    document: dict[str, Any],
    proof: dict[str, Any],
    resolve_key: Callable[[str], bytes],
    warnings: list[str],
) -> list[str]:
    """Verify one proof object against the document; return its errors."""
    errors = _proof_header_errors(proof, warnings)
    method = proof.get("verificationMethod")
    key: bytes | None = None
    try:
        if not isinstance(method, str):
            raise ValueError("missing")
        key = resolve_key(method)
    except Exception as error:  # the resolver is pluggable; any failure rejects the key
        errors.append(f"verificationMethod {method!r} cannot be resolved: {error}")
    context = proof.get("@context")
    doc_context = document.get("@context")
    if context is not None and context != doc_context:
        errors.append("proof @context does not match the document @context")
    if errors or key is None:
        return errors
    try:
        signature = base58.b58decode(proof["proofValue"][1:])
        data = hash_data(document, proof)
        Ed25519PublicKey.from_public_bytes(key).verify(signature, data)
    except InvalidSignature:
        errors.append("proof signature does not verify: the credential was altered or mis-signed")
    except (ValueError, JsonLdError, ContextNotAvailableError) as error:
        errors.append(f"proof cannot be checked: {error}")
    return errors


def verify_proof(
    document: dict[str, Any], resolve_key: Callable[[str], bytes] = default_resolver
) -> VerificationResult:
    """Verify every Data Integrity proof on a document (no credential-level checks)."""
    proofs = document.get("proof")
    if isinstance(proofs, dict):
        proofs = [proofs]
    if not proofs or not isinstance(proofs, list):
        return VerificationResult(ok=False, errors=["document has no proof"])
    if "@context" not in document:
        return VerificationResult(ok=False, errors=["document has no @context"])
    errors: list[str] = []
    warnings: list[str] = []
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    for proof in proofs:
        if not isinstance(proof, dict):
            errors.append("proof is not an object")
            continue
        errors.extend(_verify_one(unsecured, proof, resolve_key, warnings))
    return VerificationResult(ok=not errors, errors=errors, warnings=warnings)


def _as_list(value: Any) -> list[Any]:
    """Wrap a JSON-LD value that may be single or an array."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _parse_time(value: Any) -> datetime | None:
    """Parse an XSD dateTime (naive values are taken as UTC); None if it is not one."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _context_errors(doc: dict[str, Any], warnings: list[str]) -> tuple[list[str], bool]:
    """Check that @context starts with VC 2.0 (VC 1.1 is accepted as legacy, with a warning)."""
    contexts = _as_list(doc.get("@context"))
    first = contexts[0] if contexts else None
    if first == VC_V2_CONTEXT:
        return [], False
    if first == VC_V1_CONTEXT:
        warnings.append("legacy VC 1.1 credential (@context starts with credentials/v1)")
        return [], True
    return [f"@context must start with {VC_V2_CONTEXT!r}, found {first!r}"], False


def _type_errors(doc: dict[str, Any]) -> list[str]:
    """Check the credential, issuer and subject types."""
    errors = []
    types = _as_list(doc.get("type"))
    if "VerifiableCredential" not in types:
        errors.append("type must include 'VerifiableCredential'")
    if not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        errors.append("type must include 'OpenBadgeCredential' or 'AchievementCredential'")
    issuer = doc.get("issuer")
    if isinstance(issuer, dict) and "Profile" not in _as_list(issuer.get("type")):
        errors.append("issuer type must include 'Profile'")
    subject = doc.get("credentialSubject")
    if isinstance(subject, dict) and "AchievementSubject" not in _as_list(subject.get("type")):
        errors.append("credentialSubject type must include 'AchievementSubject'")
    return errors


def _presence_errors(doc: dict[str, Any]) -> list[str]:
    """Check that the issuer and the credentialSubject are present."""
    errors = []
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id:
        errors.append("issuer is missing (or has no id)")
    if not isinstance(doc.get("credentialSubject"), dict):
        errors.append("credentialSubject is missing")
    return errors


def _date_errors(doc: dict[str, Any], legacy: bool, now: datetime) -> list[str]:
    """Check that the credential is already valid and not expired."""
    start_key, end_key = (
        ("issuanceDate", "expirationDate") if legacy else ("validFrom", "validUntil")
    )
    errors = []
    start, end = doc.get(start_key), doc.get(end_key)
    start_at, end_at = _parse_time(start), _parse_time(end)
    if start is None:
        errors.append(f"{start_key} is missing")
    elif start_at is None:
        errors.append(f"{start_key} {start!r} is not a valid date-time")
    elif start_at > now:
        errors.append(f"credential is not yet valid: {start_key} {start} is in the future")
    if end is not None and end_at is None:
        errors.append(f"{end_key} {end!r} is not a valid date-time")
    elif end_at is not None and end_at < now:
        errors.append(f"credential has expired: {end_key} {end} is in the past")
    return errors


def check_structure(doc: dict[str, Any], now: datetime, warnings: list[str]) -> list[str]:
    """Return the structural errors of an OB 3.0 credential (context, types, issuer, dates)."""
    errors, legacy = _context_errors(doc, warnings)
    errors += _type_errors(doc) + _presence_errors(doc)
    return errors + _date_errors(doc, legacy, now)


def _dropped_term_errors(document: dict[str, Any]) -> list[str]:
    """Report content that no context defines, which the proof therefore does not protect."""
    try:
        dropped = find_dropped_terms(document)
    except (JsonLdError, ContextNotAvailableError) as error:
        return [f"credential cannot be processed as JSON-LD: {error}"]
    return [f"{term} is not defined by the @context, so no proof covers it" for term in dropped]


def _issuer_id(doc: dict[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer_id if isinstance(issuer_id, str) else None


def issuer_binding_errors(
    doc: dict[str, Any],
    resolve_key: Callable[[str], bytes] = default_resolver,
    warnings: list[str] | None = None,
) -> list[str]:
    """Check that every proof is made with a key that belongs to the credential's issuer.

    When the issuer is a DID, the verificationMethod must be one of that DID's keys (its
    controller is the issuer id). A did:key is self-certifying, so the offline resolver can
    confirm it; a did:web key can only be confirmed against the issuer's DID document, so the
    offline resolver (which would trust whatever key the fragment names) is refused for it.
    An issuer that is not a DID (an https profile URL) cannot be bound offline: a warning.
    """
    issuer_id = _issuer_id(doc)
    errors: list[str] = []
    for proof in _as_list(doc.get("proof")):
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if not isinstance(method, str) or issuer_id is None:
            continue
        controller = method.partition("#")[0]
        if not issuer_id.startswith("did:"):
            if warnings is not None:
                warnings.append(
                    f"issuer {issuer_id!r} is not a DID: the link between it and the key "
                    f"{method!r} was not checked"
                )
        elif controller != issuer_id:
            errors.append(
                f"verificationMethod {method!r} does not belong to the issuer {issuer_id!r}"
            )
        elif resolve_key is default_resolver and not controller.startswith("did:key:"):
            errors.append(
                f"the key of issuer {issuer_id!r} cannot be confirmed offline: "
                "verify against the issuer's DID document (keys.did_document_resolver)"
            )
    return errors


def verify(
    signed: dict[str, Any],
    resolve_key: Callable[[str], bytes] = default_resolver,
    *,
    now: datetime | None = None,
) -> VerificationResult:
    """Verify an Open Badges 3.0 credential: structure, dates, terms, issuer key and proof."""
    errors: list[str] = []
    warnings: list[str] = []
    if not isinstance(signed, dict):
        return VerificationResult(ok=False, errors=["credential is not a JSON object"])
    errors.extend(check_structure(signed, now or clock.now(), warnings))
    errors.extend(_dropped_term_errors(signed))
    errors.extend(issuer_binding_errors(signed, resolve_key, warnings))
    proof_result = verify_proof(signed, resolve_key)
    errors.extend(proof_result.errors)
    warnings.extend(proof_result.warnings)
    return VerificationResult(ok=not errors, errors=errors, warnings=warnings)
