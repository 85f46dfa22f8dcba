"""Published test vectors and 1EdTech validator fixtures for eddsa-rdfc-2022 / Open Badges 3.0.

The shared standards folder is read at test time (it sits beside the clone in CI); the product
code itself only reads the vendored copies in course/certificates/contexts/.
"""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from course.certificates import credential, jsonld, keys


def _standards_dir() -> Path:
    beside_clone = Path(__file__).resolve().parents[2] / "shared" / "standards"
    return beside_clone if beside_clone.is_dir() else Path("/work/shared/standards")


STANDARDS = _standards_dir()
OB_VECTOR = STANDARDS / "openbadges-3.0" / "signing-test-vector"
W3C_VECTORS = STANDARDS / "vc-di-eddsa" / "TestVectors"
W3C_RDFC = W3C_VECTORS / "eddsa-rdfc-2022"
FIXTURES = STANDARDS / "openbadges-3.0" / "validator-fixtures"
# Fixed clock: complete.json expires in 2030 and simple-err-issued.json starts in 2040.
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_standards_folder_is_present() -> None:
    assert OB_VECTOR.is_dir(), f"shared standards not found at {STANDARDS}"
    assert W3C_RDFC.is_dir()
    assert FIXTURES.is_dir()


def test_vendored_contexts_are_byte_identical_to_shared_copies() -> None:
    shared = STANDARDS / "jsonld-contexts"
    mapping = _json(shared / "contexts.json")
    assert (jsonld.CONTEXTS_DIR / "contexts.json").read_bytes() == (
        shared / "contexts.json"
    ).read_bytes()
    assert jsonld.vendored_context_urls() == frozenset(mapping)
    for name in mapping.values():
        assert (jsonld.CONTEXTS_DIR / name).read_bytes() == (shared / name).read_bytes(), name


# --- 1EdTech Open Badges 3.0 signing vector ------------------------------------------------


@pytest.fixture(scope="module")
def ob_key() -> Ed25519PrivateKey:
    pair = _json(OB_VECTOR / "key-pair.json")
    private = bytes.fromhex(pair["privateKeyHex"])  # 32-byte seed + 32-byte public key
    key = Ed25519PrivateKey.from_private_bytes(private[:32])
    assert keys.public_bytes(key).hex() == pair["publicKeyHex"] == private[32:].hex()
    return key


def test_ob_vector_key_encodings(ob_key: Ed25519PrivateKey) -> None:
    pair = _json(OB_VECTOR / "key-pair.json")
    public = keys.public_bytes(ob_key)
    assert keys.encode_public_key(public) == pair["publicKeyMultibase"]
    assert keys.decode_public_key(pair["publicKeyMultibase"]) == public
    secret = base58.b58decode(pair["secretKeyMultibase"][1:])
    assert secret[:2] == b"\x80\x26"
    assert secret[2:].hex() == pair["privateKeyHex"]


def test_ob_vector_document_canonical_form() -> None:
    unsigned = _json(OB_VECTOR / "unsigned-credential.json")
    assert jsonld.canonize(unsigned) == _text(OB_VECTOR / "document-canon.txt")


def test_ob_vector_proof_canonical_form() -> None:
    unsigned = _json(OB_VECTOR / "unsigned-credential.json")
    config = {**_json(OB_VECTOR / "proof-options.json"), "@context": unsigned["@context"]}
    assert jsonld.canonize(config) == _text(OB_VECTOR / "proof-canon.txt")


def test_ob_vector_hashes_signature_and_proof(ob_key: Ed25519PrivateKey) -> None:
    unsigned = _json(OB_VECTOR / "unsigned-credential.json")
    options = _json(OB_VECTOR / "proof-options.json")
    expected = _json(OB_VECTOR / "intermediate-values.json")
    data = credential.hash_data(unsigned, options)
    assert data[:32].hex() == expected["proofHashHex"]
    assert data[32:].hex() == expected["documentHashHex"]
    assert data.hex() == expected["dataToSignHex"]
    assert ob_key.sign(data).hex() == expected["signatureHex"]

    signed = credential.sign(
        unsigned, ob_key, options["verificationMethod"], created=options["created"]
    )
    assert signed["proof"]["proofValue"] == expected["proofValue"]
    assert signed["proof"] == _json(OB_VECTOR / "proof.json")
    assert signed == _json(OB_VECTOR / "signed-credential.json")


def test_ob_vector_signed_credential_verifies() -> None:
    result = credential.verify(_json(OB_VECTOR / "signed-credential.json"), now=NOW)
    assert result.ok, result.errors


# --- W3C vc-di-eddsa eddsa-rdfc-2022 vector ------------------------------------------------


@pytest.fixture(scope="module")
def w3c_key() -> Ed25519PrivateKey:
    pair = _json(W3C_VECTORS / "keyPair.json")
    secret = base58.b58decode(pair["privateKeyMultibase"][1:])
    assert secret[:2] == b"\x80\x26"
    assert len(secret) == 34
    key = Ed25519PrivateKey.from_private_bytes(secret[2:])
    assert keys.encode_public_key(keys.public_bytes(key)) == pair["publicKeyMultibase"]
    return key


def test_w3c_vector_canonical_forms_and_hashes() -> None:
    unsigned = _json(W3C_VECTORS / "unsigned.json")
    config = _json(W3C_RDFC / "proofConfigDataInt.json")
    doc_canon, proof_canon = jsonld.canonize(unsigned), jsonld.canonize(config)
    assert doc_canon == _text(W3C_RDFC / "canonDocDataInt.txt")
    assert proof_canon == _text(W3C_RDFC / "proofCanonDataInt.txt")
    assert _sha256_hex(doc_canon) == _text(W3C_RDFC / "docHashDataInt.txt").strip()
    assert _sha256_hex(proof_canon) == _text(W3C_RDFC / "proofHashDataInt.txt").strip()
    combined = credential.hash_data(unsigned, config)
    assert combined.hex() == _text(W3C_RDFC / "combinedHashDataInt.txt").strip()


def test_w3c_vector_signature_and_signed_document(w3c_key: Ed25519PrivateKey) -> None:
    unsigned = _json(W3C_VECTORS / "unsigned.json")
    config = _json(W3C_RDFC / "proofConfigDataInt.json")
    signed = credential.sign(
        unsigned, w3c_key, config["verificationMethod"], created=config["created"]
    )
    proof_value = signed["proof"]["proofValue"]
    assert proof_value == _text(W3C_RDFC / "sigBTC58DataInt.txt").strip()
    assert base58.b58decode(proof_value[1:]).hex() == _text(W3C_RDFC / "sigHexDataInt.txt").strip()
    assert signed == _json(W3C_RDFC / "signedDataInt.json")
    assert credential.verify_proof(_json(W3C_RDFC / "signedDataInt.json")).ok


def test_w3c_employment_vector_signature_over_published_canon(w3c_key: Ed25519PrivateKey) -> None:
    employ = W3C_RDFC / "employ"
    doc_hash = _sha256_hex(_text(employ / "canonDocDataInt.txt"))
    proof_hash = _sha256_hex(_text(employ / "proofCanonDataInt.txt"))
    assert doc_hash == _text(employ / "docHashDataInt.txt").strip()
    assert proof_hash == _text(employ / "proofHashDataInt.txt").strip()
    data = bytes.fromhex(proof_hash + doc_hash)
    assert data.hex() == _text(employ / "combinedHashDataInt.txt").strip()
    signature = base58.b58decode(_json(employ / "signedDataInt.json")["proof"]["proofValue"][1:])
    Ed25519PublicKey.from_public_bytes(keys.public_bytes(w3c_key)).verify(signature, data)
    assert w3c_key.sign(data).hex() == _text(employ / "sigHexDataInt.txt").strip()


# --- 1EdTech validator fixtures -----------------------------------------------------------

VALID_FIXTURES = [
    "simple.json",
    "simple-did-key-method.json",
    "simple-eddsa-2022.json",
    "complete.json",
]
BAD_SIGNATURE = "proof signature does not verify"
# fixture -> reasons that must all appear among the errors
INVALID_FIXTURES = {
    "simple-err-context.json": ["@context must start with"],
    "simple-err-type.json": ["type must include 'OpenBadgeCredential' or 'AchievementCredential'"],
    "simple-err-issuer.json": ["issuer is missing"],
    "simple-err-issued.json": ["credential is not yet valid: validFrom 2040"],
    "simple-err-expired.json": ["credential has expired: validUntil 2010"],
    "simple-err-proof-value.json": [BAD_SIGNATURE],
    "simple-err-proof-method.json": ["cannot be resolved", "not an Ed25519 Multikey"],
    "simple-err-proof-method-no-scheme.json": ["has no URI scheme"],
    "simple-err-proof-method-unknown-scheme.json": ["unsupported verificationMethod scheme 'xxx'"],
    "simple-err-proof-method-unknown-did-method.json": ["unsupported DID method 'example'"],
    # † fixtures: their invalid type names are defined by no context, so they drop out of the
    # canonical form and the proof (made when credentials/v2 still had @vocab) fails.
    "simple-err-credential-subject-type.json": [
        "credentialSubject type must include 'AchievementSubject'",
        "@type 'InvalidAchievementSubject' is not defined",
        BAD_SIGNATURE,
    ],
    "simple-err-credential-subject-identifier-type.json": [
        "@type 'InvalidIdentityObject' is not defined",
        BAD_SIGNATURE,
    ],
    "simple-err-credential-subject-result-type.json": [
        "@type 'InvalidResult' is not defined",
        BAD_SIGNATURE,
    ],
    "simple-err-credential-subject-achievement-result-description-type.json": [
        "@type 'InvalidResultDescription' is not defined",
        BAD_SIGNATURE,
    ],
    "simple-err-credential-subject-profile-type.json": [
        "@type 'InvalidProfile' is not defined",
        BAD_SIGNATURE,
    ],
    "simple-err-evidence-type.json": ["@type 'InvalidEvidence' is not defined", BAD_SIGNATURE],
    "simple-err-issuer-type.json": [
        "issuer type must include 'Profile'",
        "@type 'InvalidProfile' is not defined",
        BAD_SIGNATURE,
    ],
    "simple-err-issuer-parentorg-type.json": [
        "@type 'InvalidProfile' is not defined",
        BAD_SIGNATURE,
    ],
    "simple-err-issuer-otheridentifier-type.json": [
        "@type 'InvalidIdentifierEntry' is not defined",
        BAD_SIGNATURE,
    ],
}


def test_every_fixture_has_an_expected_verdict() -> None:
    on_disk = {path.name for path in FIXTURES.glob("*.json")}
    assert on_disk == set(VALID_FIXTURES) | set(INVALID_FIXTURES)


@pytest.mark.parametrize("name", VALID_FIXTURES)
def test_valid_fixture_verifies(name: str) -> None:
    result = credential.verify(_json(FIXTURES / name), now=NOW)
    assert result.ok, result.errors
    assert result.errors == []


def test_legacy_eddsa_2022_fixture_verifies_with_warnings() -> None:
    result = credential.verify(_json(FIXTURES / "simple-eddsa-2022.json"), now=NOW)
    assert result.ok
    assert any("eddsa-2022" in warning for warning in result.warnings)
    assert any("VC 1.1" in warning for warning in result.warnings)


@pytest.mark.parametrize(("name", "reasons"), sorted(INVALID_FIXTURES.items()))
def test_invalid_fixture_is_rejected_for_the_right_reason(name: str, reasons: list[str]) -> None:
    result = credential.verify(_json(FIXTURES / name), now=NOW)
    assert not result.ok
    for reason in reasons:
        assert any(reason in error for error in result.errors), (reason, result.errors)


def test_proof_value_fixture_fails_only_on_the_signature() -> None:
    result = credential.verify(_json(FIXTURES / "simple-err-proof-value.json"), now=NOW)
    assert result.errors == [
        "proof signature does not verify: the credential was altered or mis-signed"
    ]


@pytest.mark.parametrize(
    "name", ["simple-err-issuer.json", "simple-err-issued.json", "simple-err-expired.json"]
)
def test_structural_fixtures_have_intact_proofs(name: str) -> None:
    # These are rejected for what they say, not for a broken signature.
    assert credential.verify_proof(_json(FIXTURES / name)).ok
