"""Admin: the certificate queue with evidence, preview then bulk issue, revoke and reissue through
the web with confirmation, the audit log, and users and roles."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.audit import record_audit
from course.audit_actions import AuditAction
from course.certificates.eligibility import record_evaluation
from course.models import AuditEntry, Certificate, CertificateStatus, Enrollment, Role, User
from tests.certkit import (
    EVALUATION,
    complete_course,
    make_eligible,
    sync_course,
)
from tests.conftest import url


@pytest.fixture
def course_content(db):
    """Certificate tests use the real lessons without question pools (see sync_course)."""
    return sync_course()


@pytest.fixture
def learners(db, make_user, course_content):
    """Three eligible learners (an MD, an NP, an RN) and one who has not evaluated yet."""
    people = [
        make_user(full_name="Amélie Dubois", profession="MD", licence_number="MD-1"),
        make_user(full_name="Bartosz Łęcki", profession="NP"),
        make_user(full_name="Chioma Okafor", profession="RN"),
    ]
    for hours, person in zip((1.75, 1.5, 1.25), people, strict=True):
        make_eligible(person.id, course_content, hours=hours)
    pending = make_user(full_name="Dana Pending")
    complete_course(pending.id, course_content)
    db.session.commit()
    return people


def _enrollment(db, user: User) -> int:
    return db.session.scalar(select(Enrollment.id).where(Enrollment.user_id == user.id))


def test_queue_lists_eligible_learners_with_evidence(signed_in_admin, learners, get_page) -> None:
    soup = get_page("admin.certificates")
    rows = soup.select("tr[data-enrollment]")
    assert len(rows) == 3
    text = soup.get_text(" ", strip=True)
    for name in ("Amélie Dubois", "Bartosz Łęcki", "Chioma Okafor"):
        assert name in text
    assert "Dana Pending" not in text  # no evaluation or attestation yet
    first = rows[0].get_text(" ", strip=True)
    assert "90%" in first
    assert "1.75 attested" in first
    assert "Submitted" in first
    assert "1.75 hours of participation" in first


def test_preview_shows_exactly_what_will_be_issued(client, db, signed_in_admin, learners) -> None:
    ids = [_enrollment(db, u) for u in learners[:2]]
    response = client.post(url("admin.preview"), data={"enrollment": [str(i) for i in ids]})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Amélie Dubois" in html
    assert "Bartosz Łęcki" in html
    assert "Chioma Okafor" not in html
    assert "1.75 hours of participation" in html
    assert "1.5 hours of participation" in html
    assert "Confirm issue (2)" in html
    assert db.session.scalar(select(Certificate.id)) is None  # nothing issued yet


def test_preview_and_issue_need_a_selection(client, db, signed_in_admin, learners) -> None:
    response = client.post(url("admin.preview"), data={})
    assert response.status_code == 302
    assert client.post(url("admin.issue"), data={}).status_code == 302
    assert db.session.scalar(select(Certificate.id)) is None
    bad = client.post(url("admin.preview"), data={"enrollment": ["x"]})
    assert bad.status_code == 302


def test_confirm_issues_the_selection_in_one_go(
    client, db, signed_in_admin, learners, get_page
) -> None:
    ids = [str(_enrollment(db, u)) for u in learners[:2]]
    response = client.post(url("admin.issue"), data={"enrollment": ids})
    assert response.status_code == 302
    certificates = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert [c.snapshot["full_name"] for c in certificates] == ["Amélie Dubois", "Bartosz Łęcki"]
    assert all(c.issued_by_id == signed_in_admin.id for c in certificates)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "certificate.issue"))
    assert sorted(e.target_id for e in entries) == [c.id for c in certificates]
    soup = get_page("admin.certificates")
    assert len(soup.select("tr[data-enrollment]")) == 1  # only Chioma is left
    assert all(c.code in soup.get_text() for c in certificates)
    # Confirming the same selection again issues nothing twice and says why.
    again = client.post(url("admin.issue"), data={"enrollment": ids}, follow_redirects=True)
    assert "already holds a valid certificate" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(Certificate)).all()) == 2


def test_preview_all_then_confirm_all(client, db, signed_in_admin, learners) -> None:
    response = client.post(url("admin.preview"), data={"everyone": "y"})
    html = response.get_data(as_text=True)
    assert "Confirm issue (3)" in html
    from bs4 import BeautifulSoup

    form = BeautifulSoup(html, "html.parser").find("form", action="/admin/certificates/issue")
    ids = [i["value"] for i in form.find_all("input", attrs={"name": "enrollment"})]
    client.post(url("admin.issue"), data={"enrollment": ids})
    assert len(db.session.scalars(select(Certificate)).all()) == 3


def test_ineligible_selection_is_skipped_with_the_reason(
    client, db, signed_in_admin, learners, make_user, course_content
) -> None:
    late = make_user(full_name="Eve Late")
    complete_course(late.id, course_content)
    record_evaluation(late.id, course_content, EVALUATION)
    db.session.commit()
    ids = [str(_enrollment(db, late)), str(_enrollment(db, learners[0]))]
    response = client.post(url("admin.issue"), data={"enrollment": ids}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Not issued to Eve Late" in text
    assert "attest the time" in text
    assert [c.snapshot["full_name"] for c in db.session.scalars(select(Certificate))] == [
        "Amélie Dubois"
    ]


def _issue(client, db, user: User) -> Certificate:
    client.post(url("admin.issue"), data={"enrollment": [str(_enrollment(db, user))]})
    return db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)).one()


def test_revoke_asks_for_a_reason_then_confirmation(
    client, db, signed_in_admin, learners, get_page
) -> None:
    certificate = _issue(client, db, learners[0])
    address = url("admin.revoke", certificate_id=certificate.id)
    page = get_page("admin.certificate", certificate_id=certificate.id)
    assert page.find("form", action=address)
    missing = client.post(address, data={"revoke-reason": "  "})
    assert missing.status_code == 400
    assert "Give a reason for revoking" in missing.get_data(as_text=True)
    confirm = client.post(address, data={"revoke-reason": "Attended under another account."})
    assert confirm.status_code == 200
    assert "Confirm revocation" in confirm.get_data(as_text=True)
    assert db.session.get(Certificate, certificate.id).status == CertificateStatus.VALID
    done = client.post(
        address,
        data={"revoke-reason": "Attended under another account.", "revoke-confirmed": "yes"},
    )
    assert done.status_code == 302
    row = db.session.get(Certificate, certificate.id)
    assert row.status == CertificateStatus.REVOKED
    assert row.revoked_by_id == signed_in_admin.id
    assert (
        "Attended under another account."
        in get_page("admin.certificate", certificate_id=row.id).get_text()
    )


def test_reissue_previews_the_new_record_then_supersedes(
    client, db, signed_in_admin, learners, get_page
) -> None:
    certificate = _issue(client, db, learners[1])
    learners[1].full_name = "Bartosz Łęcki-Nowak"
    db.session.commit()
    address = url("admin.reissue", certificate_id=certificate.id)
    preview = client.post(address, data={"reissue-reason": "Name correction"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Bartosz Łęcki-Nowak" in html
    assert "Confirm reissue" in html
    assert db.session.scalars(select(Certificate)).one().status == CertificateStatus.VALID
    done = client.post(
        address, data={"reissue-reason": "Name correction", "reissue-confirmed": "yes"}
    )
    new = db.session.scalars(
        select(Certificate).where(Certificate.supersedes_id == certificate.id)
    ).one()
    assert done.headers["Location"].endswith(f"/admin/certificates/{new.id}")
    assert new.snapshot["full_name"] == "Bartosz Łęcki-Nowak"
    old_page = get_page("admin.certificate", certificate_id=certificate.id).get_text(
        " ", strip=True
    )
    assert f"Superseded by {new.code}" in old_page
    assert "Name correction" in old_page  # the reissue shows in the old record's history


def test_audit_log_is_newest_first_and_paginated(client, db, signed_in_admin, get_page) -> None:
    for n in range(55):
        record_audit(
            signed_in_admin,
            AuditAction.USER_PROFILE_CHANGE,
            "user",
            signed_in_admin.id,
            reason=f"event {n}",
        )
    db.session.commit()
    first = get_page("admin.audit")
    reasons = [row.select("td")[4].get_text() for row in first.select("tr[data-action]")]
    assert reasons[0] == "event 54"
    assert len(reasons) == 50
    second = get_page("admin.audit", page="2")
    assert [row.select("td")[4].get_text() for row in second.select("tr[data-action]")] == [
        f"event {n}" for n in (4, 3, 2, 1, 0)
    ]
    assert "Ada Admin" in first.get_text()


def test_role_change_is_confirmed_and_audited(
    client, db, signed_in_admin, make_user, get_page
) -> None:
    user = make_user(full_name="Ines Instructor-to-be")
    assert get_page("admin.users").find("select", id=f"role-{user.id}")
    address = url("admin.role", user_id=user.id)
    confirm = client.post(address, data={"role": "instructor"})
    assert confirm.status_code == 200
    assert "Confirm role change" in confirm.get_data(as_text=True)
    assert db.session.get(User, user.id).role == Role.LEARNER
    client.post(address, data={"role": "instructor", "confirmed": "yes", "reason": "New faculty"})
    assert db.session.get(User, user.id).role == Role.INSTRUCTOR
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.role_change")
    ).one()
    assert (entry.actor_id, entry.target_id, entry.reason) == (
        signed_in_admin.id,
        user.id,
        "New faculty",
    )
    assert entry.details["from"] == "learner"
    assert entry.details["to"] == "instructor"
    assert client.post(address, data={"role": "wizard", "confirmed": "yes"}).status_code == 400


def test_an_admin_cannot_demote_themselves(client, db, signed_in_admin) -> None:
    address = url("admin.role", user_id=signed_in_admin.id)
    response = client.post(
        address, data={"role": "learner", "confirmed": "yes"}, follow_redirects=True
    )
    assert "cannot remove your own admin role" in response.get_data(as_text=True)
    assert db.session.get(User, signed_in_admin.id).role == Role.ADMIN
    assert db.session.scalar(select(AuditEntry.id)) is None


def test_admin_pages_render(get_page, signed_in_admin) -> None:
    # Who may open them (instructors get 403) is the role matrix's: tests/roles/admin.py.
    for endpoint in ("admin.certificates", "admin.audit", "admin.users"):
        get_page(endpoint)
