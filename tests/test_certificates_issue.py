"""Certificates as records: the frozen snapshot, PDF, signed credential, status list, revocation
and reissue."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from course.certificates import credential as vc
from course.certificates import statuslist
from course.certificates.eligibility import CertificateError, current_certificate
from course.certificates.issuer import current_issuer
from course.certificates.keys import did_document, did_document_resolver, load_keyring
from course.certificates.services import (
    AlreadyIssuedError,
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from course.models import AuditEntry, Certificate, CertificateStatus
from tests.certkit import (
    ACCREDITED,
    make_eligible,
    sync_course,
)
from tests.conftest import url
from tests.pdfqr import qr_texts

NAME = "Zoë Łukasiewicz-Núñez"
EMAIL = "zoe.nunez@example.org"
LICENCE = "RN-0099-4471"


@pytest.fixture
def course_content(db):
    """Certificate tests use the real lessons without question pools (see sync_course)."""
    return sync_course()


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def app_config(keys_dir: Path) -> dict[str, object]:
    return {"CERTIFICATE_KEYS_DIR": str(keys_dir)}


@pytest.fixture
def eligible_learner(db, make_user, course_content):
    user = make_user(
        full_name=NAME,
        email=EMAIL,
        profession="RN",
        licence_number=LICENCE,
        licence_state="CA",
    )
    make_eligible(user.id, course_content, hours=1.75)
    db.session.commit()
    return user


@pytest.fixture
def issued(app, db, eligible_learner, admin, course_content):
    with app.test_request_context():
        certificate = issue_certificate(eligible_learner, course_content, current_issuer(), admin)
    db.session.commit()
    return certificate


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with whitespace collapsed."""
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def test_issue_freezes_a_snapshot(issued, eligible_learner, admin, course_content) -> None:
    snap = issued.snapshot
    assert snap["code"] == issued.code
    assert (snap["full_name"], snap["credential"]) == (NAME, "RN")
    assert (snap["licence_number"], snap["licence_state"]) == (LICENCE, "CA")
    assert snap["course_title"] == course_content.title
    assert snap["course_version"] == course_content.content_version
    assert snap["hours"] == 1.75
    assert snap["final_score"] == 0.9
    assert snap["completion_date"] == issued.issued_at.date().isoformat()
    assert snap["certificate_title"] == "Certificate of Completion"
    assert snap["credit_line"] == "1.75 hours of participation"
    assert snap["issued_by"] == {"id": admin.id, "name": "Ada Admin"}
    assert issued.status == CertificateStatus.VALID
    assert issued.status_index == 0


def test_issue_is_audited(db, issued, admin) -> None:
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.actor_id, entry.action, entry.target_id) == (
        admin.id,
        "certificate.issue",
        issued.id,
    )
    assert entry.details["code"] == issued.code
    assert entry.details["hours"] == 1.75


def test_double_issue_is_refused(app, db, issued, eligible_learner, admin, course_content) -> None:
    with app.test_request_context(), pytest.raises(AlreadyIssuedError, match="already holds"):
        issue_certificate(eligible_learner, course_content, current_issuer(), admin)


def test_unique_index_clash_becomes_a_clear_message(
    app, db, issued, eligible_learner, admin, course_content, monkeypatch
) -> None:
    """Simulate the race: both admins passed the pre-check, the index stops the second."""
    from course.certificates import services

    real = services.load_eligibility
    clashes: list[str] = []

    def blind_pre_check(*args: object) -> object:
        elig = real(*args)
        elig.certificate = None  # as if the other admin had not committed yet
        return elig

    def spy(user_id: int, course_id: int) -> object:
        clashes.append("checked after the IntegrityError")
        return current_certificate(user_id, course_id)

    monkeypatch.setattr(services, "load_eligibility", blind_pre_check)
    monkeypatch.setattr(services, "current_certificate", spy)
    with (
        app.test_request_context(method="POST"),
        pytest.raises(AlreadyIssuedError, match="already holds"),
    ):
        services.issue_certificate(eligible_learner, course_content, current_issuer(), admin)
    assert clashes == ["checked after the IntegrityError"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Certificate.id))) == 1


def test_pdf_shows_name_code_hours_and_no_accredited_credit(
    client, login, issued, eligible_learner
) -> None:
    login(eligible_learner)
    response = client.get(url("certificates.download", code=issued.code))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert f"{NAME}, RN" in text
    assert issued.code in text
    assert "1.75 hours of participation" in text
    assert "Certificate of Completion" in text
    assert "Ada Admin" not in text  # the configured signatory (else the issuer), not the admin
    assert "version" not in text  # no content hash on a clinician's certificate
    assert "not accredited" in text
    assert "AMA" not in text
    assert "Category 1" not in text


def test_pdf_qr_code_holds_the_absolute_verify_url(
    app, client, login, issued, eligible_learner
) -> None:
    app.config["PUBLIC_BASE_URL"] = "https://practicum.example.org/"
    login(eligible_learner)
    pdf = client.get(url("certificates.download", code=issued.code)).data
    assert qr_texts(pdf) == [f"https://practicum.example.org/verify/{issued.code}"]


def test_accredited_pdf_for_a_physician(
    app, db, make_user, admin, course_content, client, login
) -> None:
    course_content.accreditation = ACCREDITED
    db.session.commit()
    doctor = make_user(full_name="Dr Nguyễn Thị Minh", profession="MD")
    make_eligible(doctor.id, course_content, hours=1.75)
    with app.test_request_context():
        certificate = issue_certificate(doctor, course_content, current_issuer(), admin)
    db.session.commit()
    login(doctor)
    text = pdf_text(client.get(url("certificates.download", code=certificate.code)).data)
    assert "Certificate of Credit" in text
    assert "AMA PRA Category 1 Credit™: 1.5" in text
    assert "Nguyễn Thị Minh, MD" in text


def test_profile_edit_never_changes_the_issued_pdf(client, login, issued, eligible_learner) -> None:
    login(eligible_learner)
    address = url("certificates.download", code=issued.code)
    before = client.get(address).data
    response = client.post(
        url("auth.profile"),
        data={
            "full_name": "Zoe Renamed",
            "profession": "NP",
            "licence_number": "NEW-1",
            "licence_state": "NY",
        },
    )
    assert response.status_code == 302
    after = client.get(address).data
    assert after == before
    assert "Zoe Renamed" not in pdf_text(after)


def test_downloads_are_for_the_owner_and_admins(client, login, make_user, issued, admin) -> None:
    login(make_user())
    assert client.get(url("certificates.download", code=issued.code)).status_code == 404
    assert client.get(url("certificates.credential", code=issued.code)).status_code == 404
    client.post(url("auth.logout"))
    login(admin)
    assert client.get(url("certificates.download", code=issued.code)).status_code == 200
    assert client.get(url("certificates.credential", code=issued.code)).status_code == 200


def test_credential_verifies_and_carries_no_email_or_licence(
    client, login, issued, eligible_learner, keys_dir
) -> None:
    login(eligible_learner)
    response = client.get(url("certificates.credential", code=issued.code))
    signed = response.get_json()
    assert signed == issued.credential
    ring = load_keyring(keys_dir)
    result = vc.verify(signed, ring.resolver())
    assert result.ok, result.errors
    blob = json.dumps(signed)
    assert EMAIL not in blob
    assert LICENCE not in blob
    identity = signed["credentialSubject"]["identifier"][0]
    assert identity["hashed"] is True
    assert identity["identityHash"].startswith("sha256$")
    assert identity["identityHash"] == vc.identity_hash(EMAIL, identity["salt"])
    assert signed["issuer"]["id"] == ring.active.did_key
    assert signed["id"] == f"http://localhost/verify/{issued.code}"
    status = signed["credentialStatus"]
    assert status["statusListCredential"] == "http://localhost/credentials/status/1"
    assert status["statusListIndex"] == str(issued.status_index)


def test_tampering_breaks_the_credential(issued, keys_dir) -> None:
    forged = json.loads(json.dumps(issued.credential))
    forged["credentialSubject"]["creditsEarned"] = 40.0
    assert not vc.verify(forged, load_keyring(keys_dir).resolver()).ok


def _status_list(client) -> dict:
    response = client.get("/credentials/status/1")
    assert response.status_code == 200
    return response.get_json()


def test_revocation_reaches_the_status_list(client, db, issued, admin, keys_dir) -> None:
    ring = load_keyring(keys_dir)
    before = _status_list(client)
    assert vc.verify_proof(before, ring.resolver()).ok
    assert before["issuer"] == issued.credential["issuer"]["id"]
    assert not statuslist.is_set(before["credentialSubject"]["encodedList"], issued.status_index)

    revoke_certificate(issued, admin, "Licence suspended by the board.")
    db.session.commit()
    after = _status_list(client)
    assert vc.verify_proof(after, ring.resolver()).ok
    assert statuslist.is_set(after["credentialSubject"]["encodedList"], issued.status_index)
    row = db.session.get(Certificate, issued.id)
    assert row.status == CertificateStatus.REVOKED  # still there: nothing is deleted
    assert row.revoke_reason == "Licence suspended by the board."
    assert row.revoked_at
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "certificate.revoke")
    ).one()
    assert (entry.actor_id, entry.reason) == (admin.id, "Licence suspended by the board.")


def test_revoke_needs_a_reason_and_a_valid_certificate(db, issued, admin) -> None:
    with pytest.raises(CertificateError, match="reason"):
        revoke_certificate(issued, admin, "   ")
    revoke_certificate(issued, admin, "Issued in error.")
    with pytest.raises(CertificateError, match="is revoked, not valid"):
        revoke_certificate(issued, admin, "Again.")


def test_reissue_supersedes_with_the_current_profile(
    app, db, client, issued, eligible_learner, admin
) -> None:
    eligible_learner.full_name = "Zoë Łukasiewicz-Núñez Smith"
    db.session.commit()
    with app.test_request_context():
        new = reissue_certificate(issued, current_issuer(), admin, "Name correction")
    db.session.commit()
    old = db.session.get(Certificate, issued.id)
    assert old.status == CertificateStatus.SUPERSEDED
    assert old.superseded_by_id == new.id
    assert old.snapshot["full_name"] == NAME  # the old record is untouched
    assert new.supersedes_id == old.id
    assert new.status == CertificateStatus.VALID
    assert new.snapshot["full_name"] == "Zoë Łukasiewicz-Núñez Smith"
    assert new.snapshot["hours"] == old.snapshot["hours"]
    assert new.snapshot["completion_date"] == old.snapshot["completion_date"]
    assert new.code != old.code
    assert new.status_index != old.status_index
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "certificate.reissue")
    ).one()
    assert entry.reason == "Name correction"
    assert entry.details["supersedes"] == old.code
    assert entry.details["changes"]["full_name"] == [NAME, "Zoë Łukasiewicz-Núñez Smith"]
    listed = _status_list(client)["credentialSubject"]["encodedList"]
    assert statuslist.is_set(listed, old.status_index)
    assert not statuslist.is_set(listed, new.status_index)
    with app.test_request_context(), pytest.raises(CertificateError, match="superseded"):
        reissue_certificate(old, current_issuer(), admin, "again")


def test_did_web_issuer_and_did_document(
    app, db, client, eligible_learner, admin, course_content, keys_dir
) -> None:
    assert client.get("/.well-known/did.json").status_code == 404
    app.config["DID_WEB_DOMAIN"] = "practicum.example.org"
    with app.test_request_context():
        certificate = issue_certificate(eligible_learner, course_content, current_issuer(), admin)
    db.session.commit()
    document = client.get("/.well-known/did.json").get_json()
    assert document["id"] == "did:web:practicum.example.org"
    assert document == did_document(load_keyring(keys_dir), "did:web:practicum.example.org")
    assert certificate.credential["issuer"]["id"] == "did:web:practicum.example.org"
    assert vc.verify(certificate.credential, did_document_resolver(document)).ok


def test_status_list_is_absent_before_any_key_exists(client) -> None:
    assert client.get("/credentials/status/1").status_code == 404
    assert client.get("/credentials/status/2").status_code == 404


VERIFIER = Path(__file__).resolve().parents[1] / "tools" / "verifier"


def external_verify(folder: Path, signed: dict, status_list: dict) -> dict:
    """Run the independent verifier (tools/verifier) on an app-issued credential, offline."""
    node = shutil.which("node")
    if node is None or not (VERIFIER / "node_modules").is_dir():
        message = "EXTERNAL VERIFIER NOT RUN: node or tools/verifier/node_modules is missing"
        if os.environ.get("REQUIRE_EXTERNAL_VERIFIER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    credential_file, list_file = folder / "credential.json", folder / "list.json"
    credential_file.write_text(json.dumps(signed, ensure_ascii=False), encoding="utf-8")
    list_file.write_text(json.dumps(status_list), encoding="utf-8")
    list_url = signed["credentialStatus"]["statusListCredential"]
    command = [node, str(VERIFIER / "verify.mjs"), str(credential_file)]
    command += ["--serve", f"{list_url}={list_file}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_an_independent_verifier_accepts_then_sees_the_revocation(
    client, db, issued, admin, tmp_path
) -> None:
    before = external_verify(tmp_path, issued.credential, _status_list(client))
    assert before["steps"]["valid_signature"] is True
    assert before["steps"]["revocation_status"] is True
    assert before["valid"] is True, before["errors"]
    revoke_certificate(issued, admin, "Issued in error.")
    db.session.commit()
    after = external_verify(tmp_path, issued.credential, _status_list(client))
    assert after["steps"]["valid_signature"] is True
    assert after["steps"]["revocation_status"] is False
    assert after["valid"] is False
