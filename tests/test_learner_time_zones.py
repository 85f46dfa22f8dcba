"""The quiz cooldown message and the certificate PDF's issue date use the learner's time zone."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from course import clock
from course.certificates.pdf import render_certificate_pdf
from course.extensions import db as _db
from course.models import Certificate, Role
from tests.conftest import url
from tests.quizkit import Clock, module_quiz, open_module, start, submit

VERIFY_URL = "https://practicum.example.org/certificates/verify/PRAC-7K3M-9QXD-4F2H-T"


def _with_cooldown(course, minutes: int = 60):
    quiz = module_quiz(course)
    quiz.settings = {**quiz.settings, "cooldown_minutes": minutes, "max_attempts": None}
    _db.session.commit()
    return quiz


def _fail_once(client, course, quiz) -> None:
    open_module(client, course)
    submit(client, start(client, quiz), False)


@pytest.mark.parametrize(
    ("zone", "at", "expected"),
    [
        (None, (9, 0), "You can try again after 10:00 UTC (cooldown between attempts)."),
        ("Europe/Paris", (9, 0), "You can try again after 11:00 CET (cooldown between attempts)."),
        # 23:30 in Tokyo: the cooldown ends after midnight there, so the date is named too.
        (
            "Asia/Tokyo",
            (14, 30),
            "You can try again after 6 January 2026, 00:30 JST (cooldown between attempts).",
        ),
    ],
)
def test_cooldown_message_is_in_the_learners_time_zone(
    client, course_content, make_user, login, monkeypatch, zone, at, expected
) -> None:
    fake = Clock()
    fake.current = datetime(2026, 1, 5, *at, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", fake)
    learner = make_user()
    learner.time_zone = zone
    _db.session.commit()
    login(learner)
    quiz = _with_cooldown(course_content)
    _fail_once(client, course_content, quiz)
    page = client.get(url("quiz.overview", quiz_id=quiz.id)).get_data(as_text=True)
    assert expected in page
    response = client.post(url("quiz.start", quiz_id=quiz.id), follow_redirects=True)
    flashed = response.get_data(as_text=True)
    assert flashed.count(expected) >= 1
    fake.advance(minutes=61)
    assert "cooldown between attempts" not in client.get(
        url("quiz.overview", quiz_id=quiz.id)
    ).get_data(as_text=True)


SNAPSHOT = {
    "code": "PRAC-7K3M-9QXD-4F2H-T",
    "full_name": "Dana Okafor",
    "credential": "RN",
    "course_title": "Ketamine therapy",
    "course_version": "1.0",
    "hours": 2.0,
    "completion_date": "2026-11-26",
    "final_score": 0.875,
    "issuer_name": "Practicum Clinical Education",
    "signatory_name": "Dr. Søren Ærø",
    "signatory_title": "Course Director",
    "certificate_title": "Certificate of Completion",
    "credit_statement": "Not accredited.",
    "credit_line": "2.0 hours of participation",
}


def _issued_line(pdf: bytes) -> str:
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    start_at = text.index("Issued ")
    return " ".join(text[start_at:].split()[:4])


@pytest.mark.parametrize(
    ("issued_at", "zone", "expected"),
    [
        ("2026-11-26T23:30:00+00:00", None, "Issued 26 November 2026"),
        ("2026-11-26T23:30:00+00:00", "UTC", "Issued 26 November 2026"),
        ("2026-11-26T23:30:00+00:00", "Asia/Tokyo", "Issued 27 November 2026"),
        ("2026-11-27T00:15:00+00:00", "America/Los_Angeles", "Issued 26 November 2026"),
        ("2026-11-27T00:00:00+00:00", "Europe/London", "Issued 27 November 2026"),
        ("2026-11-26T23:59:59+00:00", "Europe/Berlin", "Issued 27 November 2026"),
    ],
)
def test_pdf_issue_date_is_the_holders_calendar_day(issued_at, zone, expected) -> None:
    pdf = render_certificate_pdf({**SNAPSHOT, "issued_at": issued_at}, VERIFY_URL, tz=zone)
    assert _issued_line(pdf) == expected


def test_downloaded_pdf_uses_the_holders_zone_for_owner_and_admin(
    client, db, make_user, login, monkeypatch
) -> None:
    from tests.certkit import issue_for, make_eligible, sync_course

    course = sync_course()
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 26, 23, 30, tzinfo=UTC))
    learner = make_user()
    learner.time_zone = "Asia/Tokyo"
    admin = make_user(role=Role.ADMIN)
    make_eligible(learner.id, course)
    issue_for(learner, course, admin)
    db.session.commit()
    certificate = db.session.query(Certificate).filter_by(user_id=learner.id).one()
    login(learner)
    owner = client.get(url("certificates.download", code=certificate.code))
    assert owner.status_code == 200
    assert _issued_line(owner.data) == "Issued 27 November 2026"
    client.post(url("auth.logout"))
    login(admin)
    copy = client.get(url("certificates.download", code=certificate.code))
    assert copy.data == owner.data
