"""A revoked learner is eligible again but never re-issued by accident: bulk issue leaves them
out, flagged with the revocation reason; one per-learner confirmation issues again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.models import AuditEntry, Certificate, CertificateStatus, Enrollment
from tests.certkit import make_eligible, sync_course
from tests.conftest import url


@pytest.fixture
def course_content(db):
    return sync_course()


@pytest.fixture
def revoked(client, db, signed_in_admin, make_user, course_content):
    """Two eligible learners; Bea's certificate was issued, then revoked for a reason."""
    ann = make_user(full_name="Ann Able", profession="RN")
    bea = make_user(full_name="Bea Revoked", profession="RN")
    for person in (ann, bea):
        make_eligible(person.id, course_content, hours=1.5)
    db.session.commit()
    bea_enrollment = db.session.scalar(select(Enrollment.id).where(Enrollment.user_id == bea.id))
    client.post(url("admin.issue"), data={"enrollment": [str(bea_enrollment)]})
    cert = db.session.scalar(select(Certificate).where(Certificate.user_id == bea.id))
    client.post(
        url("admin.revoke", certificate_id=cert.id),
        data={"revoke-reason": "Attendance was falsified", "revoke-confirmed": "yes"},
    )
    db.session.refresh(cert)
    assert cert.status == CertificateStatus.REVOKED
    return ann, bea, bea_enrollment


def test_revoked_learner_is_flagged_not_selectable(revoked, get_page) -> None:
    soup = get_page("admin.certificates")
    queue = soup.select_one("section[aria-labelledby=queue-h]")
    assert "Ann Able" in queue.get_text()
    assert "Bea Revoked" not in queue.get_text()
    flagged = soup.select_one("[data-testid=flagged]").get_text(" ", strip=True)
    assert "Bea Revoked" in flagged
    assert "Attendance was falsified" in flagged


def test_preview_all_and_bulk_issue_leave_the_revoked_learner_out(client, db, revoked) -> None:
    ann, bea, bea_enrollment = revoked
    html = client.post(url("admin.preview"), data={"everyone": "y"}).get_data(as_text=True)
    assert "Confirm issue (1)" in html
    assert "Attendance was falsified" in html
    response = client.post(
        url("admin.issue"),
        data={"enrollment": [str(bea_enrollment)]},
        follow_redirects=True,
    )
    assert "Not issued to Bea Revoked" in response.get_data(as_text=True)
    valid = select(Certificate).where(
        Certificate.user_id == bea.id, Certificate.status == CertificateStatus.VALID
    )
    assert db.session.scalar(valid) is None


def test_issue_again_needs_an_explicit_confirmation(client, db, revoked) -> None:
    _, bea, enrollment = revoked
    address = url("admin.issue_again", enrollment_id=enrollment)
    prefix = f"again-{enrollment}"
    html = client.post(address, data={f"{prefix}-reason": "Appeal upheld"}, follow_redirects=True)
    assert "Tick the box" in html.get_data(as_text=True)
    response = client.post(
        address,
        data={f"{prefix}-reason": "Appeal upheld", f"{prefix}-confirm": "y"},
        follow_redirects=True,
    )
    assert "Issued 1 certificate:" in response.get_data(as_text=True)
    assert db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == bea.id, Certificate.status == CertificateStatus.VALID
        )
    )
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "certificate.issue_after_revocation")
    )
    assert entry.reason == "Appeal upheld"


def test_learner_sees_the_revocation_reason(client, login, revoked, get_page) -> None:
    _, bea, _ = revoked
    client.post(url("auth.logout"))
    login(bea)
    soup = get_page("certificates.mine")
    assert "Attendance was falsified" in soup.select_one("[data-testid=revoke-reason]").text
