"""Concurrency: two admins issuing at once yield one certificate; simultaneous issues to different
learners get distinct status-list bits; a certificate is revoked once. Real separate connections:
a file SQLite database, or PostgreSQL in CI (TEST_DATABASE_URL)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from course.auth.services import create_user
from course.certificates.eligibility import CertificateError
from course.certificates.services import AlreadyIssuedError, issue_certificate, revoke_certificate
from course.certificates.views import current_issuer
from course.extensions import db
from course.models import AuditEntry, Certificate, CertificateStatus, Course, Enrollment, Role, User
from tests.certkit import make_eligible, sync_course
from tests.concurrency import run_together as together
from tests.concurrency import shared_database_app
from tests.conftest import PASSWORD

THREADS = 6


@pytest.fixture
def shared_app(tmp_path: Path) -> Iterator[Flask]:
    with shared_database_app(
        tmp_path, "certificates", CERTIFICATE_KEYS_DIR=str(tmp_path / "keys")
    ) as app:
        with app.app_context():
            sync_course()
        yield app


def run_together(app: Flask, jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs at the same instant inside POST request contexts."""
    return together(app, jobs, request_method="POST")


def eligible_learners(app: Flask, count: int) -> tuple[list[int], list[int]]:
    """Create `count` eligible learners and THREADS admins; return their ids."""
    with app.app_context():
        course = db.session.scalars(select(Course)).one()
        learners = []
        for n in range(count):
            user = create_user(
                email=f"l{n}@example.org", password=PASSWORD, full_name=f"L {n}", verified=True
            )
            make_eligible(user.id, course)
            learners.append(user.id)
        admins = [
            create_user(
                email=f"a{n}@example.org", password=PASSWORD, full_name=f"A {n}", role=Role.ADMIN
            ).id
            for n in range(THREADS)
        ]
        db.session.commit()
        return learners, admins


def _issue_job(learner_id: int, admin_id: int) -> Callable[[], object]:
    def job() -> object:
        course = db.session.scalars(select(Course)).one()
        learner, admin = db.session.get(User, learner_id), db.session.get(User, admin_id)
        return issue_certificate(learner, course, current_issuer(), admin).code

    return job


def test_two_admins_issuing_at_once_make_one_certificate(shared_app: Flask) -> None:
    (learner,), admins = eligible_learners(shared_app, 1)
    results = run_together(shared_app, [_issue_job(learner, a) for a in admins])
    codes = [r for r in results if isinstance(r, str)]
    errors = [r for r in results if not isinstance(r, str)]
    assert len(codes) == 1, results
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, AlreadyIssuedError) for e in errors), errors
    assert all("already holds a valid certificate" in str(e) for e in errors)
    with shared_app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == 1
        issued = db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "certificate.issue")
        )
        assert issued == 1


def test_simultaneous_issues_get_distinct_status_bits(shared_app: Flask) -> None:
    learners, admins = eligible_learners(shared_app, THREADS)
    results = run_together(
        shared_app, [_issue_job(x, a) for x, a in zip(learners, admins, strict=True)]
    )
    assert all(isinstance(r, str) for r in results), results
    with shared_app.app_context():
        rows = db.session.scalars(select(Certificate)).all()
        assert len(rows) == THREADS
        assert sorted(r.status_index for r in rows) == list(range(THREADS))
        assert len({r.code for r in rows}) == THREADS
        for row in rows:
            assert row.credential["credentialStatus"]["statusListIndex"] == str(row.status_index)


def test_a_certificate_is_revoked_once(shared_app: Flask) -> None:
    (learner,), admins = eligible_learners(shared_app, 1)
    (code,) = run_together(shared_app, [_issue_job(learner, admins[0])])

    def revoke_job(admin_id: int) -> Callable[[], object]:
        def job() -> object:
            certificate = db.session.scalars(select(Certificate)).one()
            revoke_certificate(certificate, db.session.get(User, admin_id), f"by {admin_id}")
            return admin_id

        return job

    results = run_together(shared_app, [revoke_job(a) for a in admins])
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1, results
    assert all(isinstance(r, CertificateError) for r in results if not isinstance(r, int))
    with shared_app.app_context():
        row = db.session.scalars(select(Certificate)).one()
        assert row.code == code
        assert row.status == CertificateStatus.REVOKED
        assert (row.revoked_by_id, row.revoke_reason) == (winners[0], f"by {winners[0]}")


def test_two_admins_confirming_in_the_browser_at_once(shared_app: Flask) -> None:
    (learner,), _ = eligible_learners(shared_app, 1)
    with shared_app.app_context():
        enrollment_id = db.session.scalar(
            select(Enrollment.id).where(Enrollment.user_id == learner)
        )
        emails = [u.email for u in db.session.scalars(select(User).where(User.role == Role.ADMIN))]
    clients: list[FlaskClient] = []
    for email in emails:
        client = shared_app.test_client()
        assert (
            client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code
            == 302
        )
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def click(client: FlaskClient) -> None:
        barrier.wait()
        response = client.post(
            "/admin/certificates/issue", data={"enrollment": [str(enrollment_id)]}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * len(clients)
    with shared_app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == 1
    messages = []
    for client in clients:
        with client.session_transaction() as session:
            messages += [m for _, m in session.get("_flashes", [])]
    assert sum(m.startswith("Issued 1 certificate") for m in messages) == 1
    assert sum("already holds a valid certificate" in m for m in messages) == len(clients) - 1
