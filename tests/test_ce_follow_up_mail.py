"""The follow-up invitation email, sent once through the platform's mail queue."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from course import clock
from course.models import FollowUp
from tests.cekit import certificate
from tests.smtpkit import Inbox, SMTPServer, free_port, parts


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox(smtp_port: int):
    box = Inbox()
    server = SMTPServer(smtp_port, box)
    server.start()
    yield box
    server.stop()


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "PUBLIC_BASE_URL": "https://practicum.example.org",
    }


def test_invite_follow_ups_emails_once(
    app, db, make_user, course_content, inbox, monkeypatch
) -> None:
    learner = make_user(full_name="Léa <i>Learner</i>")
    certificate(learner, course_content, date(2026, 3, 1))
    db.session.commit()
    runner = app.test_cli_runner()
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 30, 9, tzinfo=UTC))
    assert "sent: 0" in runner.invoke(args=["ce", "invite-follow-ups"]).output  # day 29
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 31, 9, tzinfo=UTC))
    assert "sent: 1" in runner.invoke(args=["ce", "invite-follow-ups"]).output
    [message] = inbox.wait_for(1)
    text, html = parts(message)
    assert f"https://practicum.example.org/courses/{course_content.slug}/follow-up" in text
    assert "Léa <i>Learner</i>" in text
    assert "&lt;i&gt;" in html
    assert db.session.query(FollowUp).one().invited_at is not None
    assert "sent: 0" in runner.invoke(args=["ce", "invite-follow-ups"]).output
