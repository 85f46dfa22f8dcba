"""Build, sign and verify Practicum OpenBadgeCredentials; keys, rotation and the offline loader."""

import copy
import hashlib
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld_jsonld

from course.certificates import credential, jsonld, keys

DID_WEB = "did:web:practicum.example"
ISSUED = datetime(2025, 5, 2, 10, 30, 15, 123456, tzinfo=UTC)
LIST_URL = "https://practicum.example/credentials/status/1"
EMAIL = "Zoe.Nunez@Example.ORG"
LICENCE = "RN-0099-4471"


@pytest.fixture
def snapshot() -> dict[str, Any]:
    return {
        "code": "PRX-7Q4K-93AD",
        "full_name": "Zoë Łukasiewicz-Núñez",
        "email": EMAIL,
        "licence_number": LICENCE,
        "credential": "RN",
        "course_title": "Who can benefit from ketamine therapy",
        "course_slug": "ketamine-therapy",
        "course_version": 2,
        "hours": 1.5,
        "completion_date": "2025-05-01",
        "final_score": 88,
        "issued_at": ISSUED,
        "issuer_name": "Practicum Clinical Education",
        "achievement_description": "Selecting patients who can and cannot benefit from ketamine.",
    }


@pytest.fixture
def issuer() -> dict[str, Any]:
    return {"id": DID_WEB, "name": "Practicum", "url": "https://practicum.example"}


@pytest.fixture
def unsigned(snapshot: dict[str, Any], issuer: dict[str, Any]) -> dict[str, Any]:
    return credential.build_credential(
        snapshot,
        issuer=issuer,
        credential_id="https://practicum.example/certificates/PRX-7Q4K-93AD",
        status={"list_url": LIST_URL, "index": 42},
    )


@pytest.fixture
def keyring(tmp_path: Path) -> keys.Keyring:
    keys.generate_key(tmp_path / "keys")
    return keys.load_keyring(tmp_path / "keys")


def _signed(unsigned: dict[str, Any], keyring: keys.Keyring) -> dict[str, Any]:
    key = keyring.active
    return credential.sign(unsigned, key.private_key, key.verification_method(DID_WEB))


# --- building ----------------------------------------------------------------------------


def test_build_shapes_an_open_badge_credential(unsigned: dict[str, Any]) -> None:
    assert unsigned["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert unsigned["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert unsigned["issuer"] == {
        "id": DID_WEB,
        "type": ["Profile"],
        "name": "Practicum Clinical Education",
        "url": "https://practicum.example",
    }
    assert unsigned["validFrom"] == "2025-05-02T10:30:15Z"
    achievement = unsigned["credentialSubject"]["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Course"
    assert achievement["name"] == "Who can benefit from ketamine therapy"
    assert achievement["criteria"]["narrative"]
    assert achievement["creditsAvailable"] == 1.5
    assert isinstance(achievement["creditsAvailable"], float)
    assert unsigned["credentialSubject"]["creditsEarned"] == 1.5
    assert unsigned["credentialStatus"] == {
        "id": f"{LIST_URL}#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": LIST_URL,
    }


def test_email_is_only_present_as_a_salted_hash(unsigned: dict[str, Any]) -> None:
    email_id = unsigned["credentialSubject"]["identifier"][0]
    assert email_id["type"] == "IdentityObject"
    assert email_id["identityType"] == "emailAddress"
    assert email_id["hashed"] is True
    salt = email_id["salt"]
    expected = hashlib.sha256(("zoe.nunez@example.org" + salt).encode()).hexdigest()
    assert email_id["identityHash"] == "sha256$" + expected


def test_no_email_or_licence_in_the_signed_output(
    unsigned: dict[str, Any], keyring: keys.Keyring
) -> None:
    text = json.dumps(_signed(unsigned, keyring), ensure_ascii=False).lower()
    for secret in (EMAIL.lower(), "zoe.nunez", "example.org", LICENCE.lower(), "0099-4471"):
        assert secret not in text


def test_hours_are_omitted_when_the_course_has_none(
    snapshot: dict[str, Any], issuer: dict[str, Any]
) -> None:
    snapshot["hours"] = None
    built = credential.build_credential(snapshot, issuer=issuer, credential_id="urn:x", status=None)
    assert "creditsAvailable" not in built["credentialSubject"]["achievement"]
    assert "creditsEarned" not in built["credentialSubject"]
    assert "credentialStatus" not in built


def test_build_is_deterministic_for_the_same_snapshot(
    snapshot: dict[str, Any], issuer: dict[str, Any]
) -> None:
    def build() -> dict[str, Any]:
        return credential.build_credential(
            snapshot, issuer=issuer, credential_id="urn:x", status=None
        )

    assert build() == build()


def test_every_term_we_emit_is_defined_by_the_vendored_contexts(
    unsigned: dict[str, Any],
) -> None:
    assert jsonld.find_dropped_terms(unsigned) == []
    nquads = jsonld.canonize(unsigned)
    for iri in (
        "vocab.html#achievementType",
        "vocab.html#creditsAvailable",
        "vocab.html#creditsEarned",
        "vocab.html#identityHash",
        "vocab.html#salt",
        "status#statusListIndex",
        "schema.org/url",
    ):
        assert iri in nquads, iri


def test_dropped_term_detector_catches_undefined_terms(unsigned: dict[str, Any]) -> None:
    unsigned["credentialSubject"]["licenceNumber"] = LICENCE
    unsigned["credentialSubject"]["achievement"]["type"] = ["Achievement", "CmeActivity"]
    dropped = jsonld.find_dropped_terms(unsigned)
    assert "property 'licenceNumber'" in dropped
    assert "@type 'CmeActivity'" in dropped


# --- signing and verifying ------------------------------------------------------------------


def test_round_trip_with_did_key(unsigned: dict[str, Any], keyring: keys.Keyring) -> None:
    key = keyring.active
    unsigned["issuer"]["id"] = key.did_key
    signed = credential.sign(unsigned, key.private_key, key.verification_method())
    assert signed["proof"]["verificationMethod"] == f"{key.did_key}#{key.multibase}"
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert signed["proof"]["proofValue"].startswith("z")
    assert "proof" not in unsigned
    result = credential.verify(signed)
    assert result.ok, result.errors


def test_round_trip_with_did_web_and_keyring(
    unsigned: dict[str, Any], keyring: keys.Keyring
) -> None:
    signed = _signed(unsigned, keyring)
    assert signed["proof"]["verificationMethod"] == f"{DID_WEB}#{keyring.active.multibase}"
    assert credential.verify(signed, keyring.resolver(DID_WEB)).ok
    # Offline, a did:web fragment could name anyone's key: refused, not trusted.
    offline = credential.verify(signed)
    assert not offline.ok
    assert any("cannot be confirmed offline" in error for error in offline.errors)


def _tamper_name(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["achievement"]["name"] = "Advanced ketamine therapy"


def _tamper_hours(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = 15.0


def _tamper_issuer(doc: dict[str, Any]) -> None:
    doc["issuer"]["name"] = "Some Other Academy"


def _tamper_learner(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["identifier"][1]["identityHash"] = "Somebody Else"


def _tamper_proof_value(doc: dict[str, Any]) -> None:
    value = doc["proof"]["proofValue"]
    doc["proof"]["proofValue"] = value[:10] + ("2" if value[10] != "2" else "3") + value[11:]


@pytest.mark.parametrize(
    "tamper", [_tamper_name, _tamper_hours, _tamper_issuer, _tamper_learner, _tamper_proof_value]
)
def test_tampering_is_rejected(
    unsigned: dict[str, Any], keyring: keys.Keyring, tamper: Any
) -> None:
    signed = _signed(unsigned, keyring)
    forged = copy.deepcopy(signed)
    tamper(forged)
    assert forged != signed
    result = credential.verify(forged, keyring.resolver(DID_WEB))
    assert not result.ok
    assert any("signature does not verify" in error for error in result.errors)


def test_added_undefined_property_is_rejected_although_signature_still_matches(
    unsigned: dict[str, Any], keyring: keys.Keyring
) -> None:
    forged = _signed(unsigned, keyring)
    forged["credentialSubject"]["score"] = 100  # no context defines "score"
    assert credential.verify_proof(forged, keyring.resolver(DID_WEB)).ok
    result = credential.verify(forged, keyring.resolver(DID_WEB))
    assert not result.ok
    assert "property 'score' is not defined by the @context, so no proof covers it" in (
        result.errors
    )


def test_sign_refuses_undefined_terms_and_double_signing(
    unsigned: dict[str, Any], keyring: keys.Keyring
) -> None:
    key = keyring.active
    with pytest.raises(ValueError, match="already has a proof"):
        credential.sign(_signed(unsigned, keyring), key.private_key, key.verification_method())
    unsigned["licenceNumberX"] = LICENCE
    with pytest.raises(ValueError, match="licenceNumberX"):
        credential.sign(unsigned, key.private_key, key.verification_method())


def test_foreign_key_is_rejected_by_the_keyring_resolver(
    unsigned: dict[str, Any], keyring: keys.Keyring, tmp_path: Path
) -> None:
    stranger = keys.generate_key(tmp_path / "stranger")
    signed = credential.sign(unsigned, stranger.private_key, stranger.verification_method(DID_WEB))
    assert credential.verify_proof(signed).ok  # self-certifying: only proves integrity
    assert not credential.verify(signed).ok  # ...which is not enough for a credential
    result = credential.verify(signed, keyring.resolver(DID_WEB))
    assert not result.ok
    assert any("is not one of our keys" in error for error in result.errors)


def test_credential_naming_our_did_key_but_signed_by_a_foreign_key_is_rejected(
    unsigned: dict[str, Any], keyring: keys.Keyring, tmp_path: Path
) -> None:
    ours = keyring.active
    stranger = keys.generate_key(tmp_path / "stranger")
    unsigned["issuer"]["id"] = ours.did_key
    forged = credential.sign(unsigned, stranger.private_key, stranger.verification_method())
    assert credential.verify_proof(forged).ok  # the signature itself is intact
    result = credential.verify(forged)
    assert not result.ok
    assert any("does not belong to the issuer" in error for error in result.errors)
    # Claiming our DID in the method while signing with another key fails the signature.
    method = f"{ours.did_key}#{ours.multibase}"
    posing = credential.sign(unsigned, stranger.private_key, method)
    assert not credential.verify(posing).ok


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("cryptosuite", "ecdsa-rdfc-2019", "unsupported cryptosuite"),
        ("proofPurpose", "authentication", "proofPurpose"),
        ("type", "Ed25519Signature2020", "not DataIntegrityProof"),
    ],
)
def test_wrong_proof_parameters_are_rejected(
    unsigned: dict[str, Any], keyring: keys.Keyring, field: str, value: str, reason: str
) -> None:
    signed = _signed(unsigned, keyring)
    signed["proof"][field] = value
    result = credential.verify(signed, keyring.resolver(DID_WEB))
    assert not result.ok
    assert any(reason in error for error in result.errors)


def test_validity_window_is_enforced(unsigned: dict[str, Any], keyring: keys.Keyring) -> None:
    signed = _signed(unsigned, keyring)
    before = ISSUED - timedelta(days=1)
    result = credential.verify(signed, keyring.resolver(DID_WEB), now=before)
    assert not result.ok
    assert any("not yet valid" in error for error in result.errors)


# --- keys and rotation ------------------------------------------------------------------------


def test_generated_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    moment = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    record = keys.generate_key(tmp_path / "keys", now=moment)
    assert record.key_id == "20250102T030405.678901Z"
    assert stat.S_IMODE(record.path.stat().st_mode) == 0o600
    before = record.path.read_bytes()
    assert before.startswith(b"-----BEGIN PRIVATE KEY-----")
    with pytest.raises(FileExistsError):
        keys.generate_key(tmp_path / "keys", now=moment)
    assert record.path.read_bytes() == before
    loaded = keys.load_keyring(tmp_path / "keys").active
    assert loaded.public_key == record.public_key


def test_empty_keyring_has_no_active_key(tmp_path: Path) -> None:
    ring = keys.load_keyring(tmp_path / "missing")
    assert ring.keys == ()
    with pytest.raises(keys.NoSigningKeyError):
        _ = ring.active


def test_key_rotation_keeps_old_credentials_verifiable(
    unsigned: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "keys"
    old = keys.generate_key(folder, now=datetime(2024, 1, 1, tzinfo=UTC))
    signed_old = credential.sign(unsigned, old.private_key, old.verification_method(DID_WEB))
    new = keys.generate_key(folder, now=datetime(2025, 1, 1, tzinfo=UTC))

    ring = keys.load_keyring(folder)
    assert [k.key_id for k in ring.keys] == [old.key_id, new.key_id]
    assert ring.active.public_key == new.public_key
    assert credential.verify(signed_old, ring.resolver(DID_WEB)).ok

    document = keys.did_document(ring, DID_WEB)
    assert document["id"] == DID_WEB
    ids = [method["id"] for method in document["verificationMethod"]]
    assert ids == [f"{DID_WEB}#{new.multibase}", f"{DID_WEB}#{old.multibase}"]
    assert document["assertionMethod"] == ids
    assert {m["type"] for m in document["verificationMethod"]} == {"Multikey"}
    assert jsonld.find_dropped_terms(document) == []
    resolver = keys.did_document_resolver(document)
    assert credential.verify(signed_old, resolver).ok
    signed_new = credential.sign(unsigned, new.private_key, new.verification_method(DID_WEB))
    assert credential.verify(signed_new, resolver).ok

    document["assertionMethod"] = ids[:1]  # old key withdrawn from assertionMethod
    assert not credential.verify(signed_old, keys.did_document_resolver(document)).ok


def test_multikey_and_did_key_encoding(keyring: keys.Keyring) -> None:
    key = keyring.active
    assert key.multibase.startswith("z6Mk")
    assert keys.decode_public_key(key.multibase) == key.public_key
    assert key.did_key == "did:key:" + key.multibase
    assert keys.default_resolver(key.verification_method()) == key.public_key
    assert keys.default_resolver(key.did_key) == key.public_key
    with pytest.raises(keys.KeyResolutionError, match="not an Ed25519 Multikey"):
        keys.decode_public_key("z" + key.multibase[2:])
    with pytest.raises(keys.KeyResolutionError, match="has no key fragment"):
        keys.default_resolver(DID_WEB)


# --- offline document loader --------------------------------------------------------------


def test_loader_serves_vendored_contexts() -> None:
    remote = jsonld.document_loader("https://www.w3.org/ns/credentials/v2", {})
    assert remote["documentUrl"] == "https://www.w3.org/ns/credentials/v2"
    assert "VerifiableCredential" in remote["document"]["@context"]


def test_loader_refuses_unknown_urls() -> None:
    with pytest.raises(jsonld.ContextNotAvailableError, match="refusing to load"):
        jsonld.document_loader("https://w3id.org/citizenship/v4rc1", {})
    doc = {"@context": ["https://evil.example/context.jsonld"], "@id": "urn:x", "name": "n"}
    with pytest.raises(jsonld.ContextNotAvailableError):
        jsonld.canonize(doc)


def test_pyld_default_loader_cannot_reach_the_network() -> None:
    assert pyld_jsonld.get_document_loader() is jsonld.document_loader
    doc = {"@context": "https://example.com/remote-context.jsonld", "name": "n"}
    with pytest.raises(pyld_jsonld.JsonLdError) as caught:
        pyld_jsonld.expand(doc)  # no documentLoader option: falls back to the default
    assert isinstance(caught.value.__cause__, jsonld.ContextNotAvailableError)


def test_verify_reports_unavailable_contexts(
    unsigned: dict[str, Any], keyring: keys.Keyring
) -> None:
    signed = _signed(unsigned, keyring)
    signed["@context"] = [*signed["@context"], "https://evil.example/context.jsonld"]
    result = credential.verify(signed, keyring.resolver(DID_WEB))
    assert not result.ok
    assert any("evil.example" in error for error in result.errors)
