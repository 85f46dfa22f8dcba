"""Cross-check our credentials with an independent verifier (@digitalcredentials/verifier-core).

Needs `npm ci` (or `npm install`) in tools/verifier. Without node_modules the tests skip, loudly,
unless REQUIRE_EXTERNAL_VERIFIER=1, in which case they fail.
"""

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from course.certificates import credential, keys, statuslist

VERIFIER_DIR = Path(__file__).resolve().parents[1] / "tools" / "verifier"
LIST_URL = "https://practicum.example/credentials/status/1"
SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)


def _standards_dir() -> Path:
    beside_clone = Path(__file__).resolve().parents[2] / "shared" / "standards"
    return beside_clone if beside_clone.is_dir() else Path("/work/shared/standards")


SCHEMA_FILE = (
    _standards_dir() / "openbadges-3.0" / "schema" / "ob_v3p0_achievementcredential_schema.json"
)


@pytest.fixture(scope="module")
def node() -> str:
    node_path = shutil.which("node")
    problem = None
    if not (VERIFIER_DIR / "node_modules").is_dir():
        problem = f"{VERIFIER_DIR}/node_modules is missing: run `npm ci` in tools/verifier"
    elif node_path is None:
        problem = "node is not on PATH"
    if problem is not None:
        message = f"EXTERNAL VERIFIER NOT RUN: {problem}"
        if os.environ.get("REQUIRE_EXTERNAL_VERIFIER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    assert node_path is not None
    return node_path


@pytest.fixture
def issuer_key(tmp_path: Path) -> keys.KeyRecord:
    return keys.generate_key(tmp_path / "keys")


def _credential(key: keys.KeyRecord, index: int = 5) -> dict[str, Any]:
    snapshot = {
        "code": "PRX-EXT-0001",
        "full_name": "Zoë Łukasiewicz-Núñez",
        "email": "zoe@example.org",
        "credential": "MD",
        "course_title": "Who can benefit from ketamine therapy",
        "course_slug": "ketamine-therapy",
        "course_version": 1,
        "hours": 1.5,
        "completion_date": "2025-05-01",
        "final_score": 90,
        "issued_at": datetime(2025, 5, 2, 9, 0, tzinfo=UTC),
        "issuer_name": "Practicum",
        "achievement_description": "Patient selection for ketamine therapy.",
    }
    unsigned = credential.build_credential(
        snapshot,
        issuer={"id": key.did_key, "name": "Practicum", "url": "https://practicum.example"},
        credential_id="urn:uuid:3f1b0c5e-8d2a-4a51-9a43-6a0d7f1e2b11",
        status={"list_url": LIST_URL, "index": index},
    )
    return credential.sign(unsigned, key.private_key, key.verification_method())


def _status_list(key: keys.KeyRecord, revoked: set[int]) -> dict[str, Any]:
    unsigned = statuslist.build_status_list_credential(
        list_url=LIST_URL,
        issuer_id=key.did_key,
        revoked_indexes=revoked,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
    )
    return credential.sign(unsigned, key.private_key, key.verification_method())


def _run(
    node: str, tmp_path: Path, doc: dict[str, Any], status_list: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    cred_file, list_file = tmp_path / "credential.json", tmp_path / "status-list.json"
    cred_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    list_file.write_text(json.dumps(status_list), encoding="utf-8")
    command = [node, str(VERIFIER_DIR / "verify.mjs"), str(cred_file)]
    command += ["--serve", f"{LIST_URL}={list_file}", "--serve", f"{SCHEMA_URL}={SCHEMA_FILE}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_external_verifier_accepts_our_credential(
    node: str, tmp_path: Path, issuer_key: keys.KeyRecord
) -> None:
    signed = _credential(issuer_key)
    assert credential.verify(signed).ok
    code, result = _run(node, tmp_path, signed, _status_list(issuer_key, set()))
    assert code == 0, result
    assert result["valid"] is True
    assert result["errors"] == []
    assert result["steps"]["valid_signature"] is True
    assert result["steps"]["expiration"] is True
    assert result["steps"]["revocation_status"] is True
    assert result["schemaCheck"][0]["result"]["valid"] is True
    assert all(request["served"] for request in result["networkRequests"]), result


def test_external_verifier_rejects_a_tampered_copy(
    node: str, tmp_path: Path, issuer_key: keys.KeyRecord
) -> None:
    forged = _credential(issuer_key)
    forged["credentialSubject"]["achievement"]["creditsAvailable"] = 40.0
    code, result = _run(node, tmp_path, forged, _status_list(issuer_key, set()))
    assert code == 1
    assert result["valid"] is False
    assert [error["name"] for error in result["errors"]] == ["invalid_signature"], result


def test_external_verifier_sees_our_revocation_bit(
    node: str, tmp_path: Path, issuer_key: keys.KeyRecord
) -> None:
    signed = _credential(issuer_key, index=77)
    code, result = _run(node, tmp_path, signed, _status_list(issuer_key, {77}))
    assert code == 1
    assert result["steps"]["valid_signature"] is True
    assert result["steps"]["revocation_status"] is False
