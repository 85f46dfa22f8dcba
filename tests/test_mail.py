"""Password reset, email verification and notices, over a real SMTP server in-process."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from course import clock
from course.models import Role, User
from tests.conftest import PASSWORD, url
from tests.smtpkit import Inbox, SMTPServer, free_port, link, parts

NEW_PASSWORD = "a brand new passphrase here"


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


def path_of(address: str) -> str:
    assert address.startswith("https://practicum.example.org/")
    return urlsplit(address).path


def test_password_reset_end_to_end(app, client, make_user, inbox) -> None:
    user = make_user(full_name="Zoë <b>Łukasiewicz</b>")
    phone = app.test_client()
    phone.post(url("auth.login"), data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert phone.get(url("learning.dashboard")).status_code == 200
    page = client.get(url("auth.login")).get_data(as_text=True)
    assert "Forgot password?" in page
    response = client.post(url("auth.forgot_password"), data={"email": user.email.upper()})
    assert response.status_code == 302
    [message] = inbox.wait_for(1)
    assert "Practicum" in message["Subject"]
    text, html = parts(message)
    assert "Zoë <b>Łukasiewicz</b>" in text  # plain text as typed
    assert "&lt;b&gt;" in html  # HTML escapes the learner's name
    assert "<b>Łukasiewicz" not in html
    address = path_of(link(message, "/auth/reset/"))
    form = client.get(address)
    assert form.status_code == 200
    assert client.post(
        address, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    ).status_code == (302)
    assert phone.get(url("learning.dashboard")).status_code == 302  # every session was signed out
    assert client.get(address).status_code == 400  # single use: the hash it names has changed
    login = client.post(url("auth.login"), data={"email": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_forgot_password_says_the_same_for_unknown_addresses(client, make_user, inbox) -> None:
    user = make_user()
    known = client.post(url("auth.forgot_password"), data={"email": user.email})
    unknown = client.post(url("auth.forgot_password"), data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    inbox.wait_for(1)
    assert inbox.to("nobody@example.org") == []


def test_reset_link_expires_after_an_hour(client, make_user, inbox, monkeypatch) -> None:
    user = make_user()
    client.post(url("auth.forgot_password"), data={"email": user.email})
    address = path_of(link(inbox.wait_for(1)[0], "/auth/reset/"))
    later = clock.now() + timedelta(minutes=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert client.get(address).status_code == 400
    assert "expired" in client.get(address).get_data(as_text=True)


def test_forged_reset_token_is_refused(client) -> None:
    assert client.get(url("auth.reset_password", token="not-a-token")).status_code == 400
    assert client.post("/auth/reset/x.y", data={"password": NEW_PASSWORD}).status_code == 400


def register(client, email: str, name: str = "Ana Learner"):
    return client.post(
        url("auth.register"),
        data={
            "full_name": name,
            "email": email,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "profession": "RN",
        },
    )


def test_registration_sends_a_verification_link(app, client, db, inbox) -> None:
    assert register(client, "ana@example.org").status_code == 302
    [message] = inbox.wait_for(1)
    user = db.session.scalar(select(User).where(User.email == "ana@example.org"))
    assert not user.email_verified
    # Unverified accounts can sign in and study.
    assert (
        client.post(url("auth.login"), data={"email": user.email, "password": PASSWORD}).status_code
        == 302
    )
    assert "not confirmed yet" in client.get(url("auth.profile")).get_data(as_text=True)
    address = path_of(link(message, "/auth/verify/"))
    assert client.get(address).status_code == 200  # a page with a button: GET changes nothing
    db.session.expire_all()
    assert not db.session.get(User, user.id).email_verified
    assert client.post(address).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified


def test_registering_an_existing_address_emails_its_owner(client, make_user, inbox) -> None:
    owner = make_user(email="owner@example.org")
    response = register(client, "Owner@Example.org", name="Someone Else")
    assert response.status_code == 302
    [message] = inbox.wait_for(1)
    assert "already has one" in parts(message)[0]
    assert owner.email in message["To"]


def test_resend_and_change_email_need_the_new_address_confirmed(
    client,
    db,
    make_user,
    login,
    inbox,
) -> None:
    user = login(make_user(verified=False))
    assert client.post(url("auth.resend_verification")).status_code == 302
    inbox.wait_for(1)
    response = client.post(
        url("auth.change_email"), data={"em-email": "new@example.org", "em-current": PASSWORD}
    )
    assert response.status_code == 302
    [_, message] = inbox.wait_for(2)
    assert "new@example.org" in message["To"]
    db.session.expire_all()
    assert db.session.get(User, user.id).email == user.email  # unchanged until confirmed
    assert client.post(path_of(link(message, "/auth/verify/"))).status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, user.id)
    assert changed.email == "new@example.org"
    assert changed.email_verified
    wrong = client.post(
        url("auth.change_email"), data={"em-email": "x@example.org", "em-current": "nope"}
    )
    assert wrong.status_code == 400


def test_certificate_waits_for_a_confirmed_address(app, db, make_user) -> None:
    from course.certificates.eligibility import NotEligibleError
    from course.certificates.issuer import current_issuer
    from course.certificates.services import issue_certificate
    from tests.certkit import make_eligible, sync_course

    course = sync_course()
    learner = make_user(verified=False)
    make_eligible(learner.id, course)
    db.session.commit()
    with app.test_request_context(), pytest.raises(NotEligibleError, match="confirmed"):
        issue_certificate(learner, course, current_issuer(), make_user(role=Role.ADMIN))


def test_certificate_issued_and_revoked_emails(app, client, db, make_user, login, inbox) -> None:
    from tests.certkit import issue_for, make_eligible, sync_course

    course = sync_course()
    learner = make_user(full_name="Léa <i>Learner</i>")
    make_eligible(learner.id, course)
    db.session.commit()
    admin = login(make_user(role=Role.ADMIN))
    certificate = issue_for(learner, course, admin)
    db.session.commit()
    response = client.post(
        url("admin.revoke", certificate_id=certificate.id),
        data={"revoke-reason": "Issued in error <script>", "revoke-confirmed": "yes"},
    )
    assert response.status_code == 302
    [message] = inbox.wait_for(1)
    text, html = parts(message)
    assert "Issued in error <script>" in text
    assert "&lt;script&gt;" in html
    assert course.title in text
    assert "Practicum" in text


def test_worker_retries_until_the_mail_server_is_up(app, tmp_path: Path, smtp_port) -> None:
    """A real huey consumer, a real SMTP server that is down at first, then up."""
    from huey.signals import SIGNAL_ERROR
    from huey.storage import SqliteStorage

    from course import tasks
    from course.mail import compose

    huey = tasks.huey
    saved = (huey.immediate, huey.storage)
    huey.immediate = False
    huey.storage = SqliteStorage("practicum-test", filename=str(tmp_path / "queue.db"))
    tasks.bind_app(app)
    try:
        message = compose(
            "someone@example.org", "verify_email", "confirm", name="S", email="s", url="u"
        )
        huey.enqueue(tasks.deliver_email.s(message, retry_delay=1))
        consumer = huey.create_consumer(workers=1, periodic=False, check_worker_health=False)
        failures = threading.Event()

        def on_error(*args: object) -> None:
            failures.set()

        huey.signal(SIGNAL_ERROR)(on_error)
        consumer.start()
        try:
            assert failures.wait(10), "the first attempt should fail: nothing listens"
            box = Inbox()
            server = SMTPServer(smtp_port, box)
            server.start()
            try:
                [received] = box.wait_for(1, timeout=15)
            finally:
                server.stop()
        finally:
            consumer.stop(graceful=True)
            huey.disconnect_signal(on_error, SIGNAL_ERROR)
        assert "someone@example.org" in received["To"]
    finally:
        huey.storage = saved[1]
        huey.immediate = saved[0]
        tasks._worker_app.clear()


def test_daily_digest_lists_certificates_awaiting_approval(app, db, make_user, inbox) -> None:
    from course import tasks
    from tests.certkit import make_eligible, sync_course

    assert tasks.daily_approval_digest.call_local() == 0  # nothing waiting: no email
    course = sync_course()
    admin = make_user(role=Role.ADMIN)
    waiting = make_user(full_name="Wanda Waiting")
    make_eligible(waiting.id, course)
    db.session.commit()
    assert tasks.daily_approval_digest.call_local() == 1
    [message] = inbox.wait_for(1)
    assert admin.email in message["To"]
    text, _ = parts(message)
    assert "Wanda Waiting" in text
    assert course.title in text
    assert "https://practicum.example.org/admin/certificates" in text


def test_admin_and_cli_can_send_a_reset_link(app, client, db, make_user, login, inbox) -> None:
    from course.models import AuditEntry

    learner = make_user()
    login(make_user(role=Role.ADMIN))
    assert "Email a reset link" in client.get(url("admin.users")).get_data(as_text=True)
    assert client.post(url("admin.reset_password", user_id=learner.id)).status_code == 302
    [message] = inbox.wait_for(1)
    assert learner.email in message["To"]
    result = app.test_cli_runner().invoke(
        args=["users", "reset-password", "--email", learner.email]
    )
    assert result.exit_code == 0, result.output
    assert "https://practicum.example.org/auth/reset/" in result.output
    inbox.wait_for(2)
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("user.password_reset_sent") == 2
