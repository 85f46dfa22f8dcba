"""Cross-instance journeys through nginx, two gunicorn instances, PostgreSQL and Redis.

Run by `make cluster-test`. ``via="a"|"b"`` pins a request to one instance (nginx maps the
X-Upstream header); without it nginx balances. Every response says which instance answered.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pyotp
import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from course import clock, create_app
from course.auth.services import create_user
from course.ce.services import acknowledge
from course.certificates import credential as vc
from course.certificates import statuslist
from course.certificates.keys import load_keyring
from course.certificates.services import revoke_certificate
from course.extensions import db
from course.learning.services import enroll, record_view
from course.models import Attempt, AttemptStatus, Certificate, Course, Enrollment, Role, User
from tests.certkit import make_eligible
from tests.cluster.conftest import BASE, ROOT, RUN, Browser, cluster_env, flask

if not (RUN and BASE):  # tests/conftest.py leaves this folder out unless the cluster runs
    raise RuntimeError("cluster tests need `make cluster-test` (PRACTICUM_CLUSTER_DIR/URL)")

PASSWORD = "cluster horse battery staple"
PORTS = {"a": "18101", "b": "18102"}


def served_by(reply, instance: str) -> None:
    """Assert that nginx sent the request to this instance."""
    assert reply.headers.get("X-Upstream-Addr", "").endswith(":" + PORTS[instance]), reply.headers


def _user(role: Role = Role.LEARNER, name: str = "Cluster Learner") -> User:
    user = create_user(
        email=f"{role.value}-{secrets.token_hex(4)}@cluster.example",
        password=PASSWORD,
        full_name=name,
        role=role,
        profession="RN",
        verified=True,  # a certificate needs a confirmed address
    )
    db.session.commit()
    return user


@pytest.fixture(scope="module")
def course(cluster_app: Flask) -> Course:
    course = db.session.scalars(select(Course).order_by(Course.id)).first()
    assert course is not None, "flask content sync loaded no course"
    return course


@pytest.fixture(scope="module")
def mfa_admin(cluster_app: Flask) -> User:
    """An admin enrolled in TOTP, as production requires of staff."""
    user = _user(Role.ADMIN, "Cluster Admin")
    user.mfa_secret = pyotp.random_base32()
    user.mfa_enabled_at = clock.now()
    db.session.commit()
    return user


@pytest.fixture(scope="module")
def admin_browser(mfa_admin: User) -> Browser:
    """The admin signed in with password and authenticator code, through nginx."""
    browser = Browser()
    reply = browser.login(mfa_admin.email, PASSWORD, via="a")
    assert reply.status == 302, reply.text[:300]
    assert urlsplit(reply.headers["Location"]).path == "/auth/mfa"
    token = browser.get("/auth/mfa", via="a").csrf()
    code = pyotp.TOTP(mfa_admin.mfa_secret).now()
    second = browser.post("/auth/mfa", via="a", data={"csrf_token": token, "code": code})
    assert second.status == 302, second.text[:300]
    assert urlsplit(second.headers["Location"]).path != "/auth/mfa"
    return browser


def _issue_via(admin_browser: Browser, learner: User, course: Course, via: str) -> Certificate:
    """An admin issues a certificate through the queue's form on one instance."""
    make_eligible(learner.id, course, hours=1.0)
    db.session.commit()
    enrollment = db.session.scalar(
        select(Enrollment).where(
            Enrollment.user_id == learner.id, Enrollment.course_id == course.id
        )
    )
    token = admin_browser.get("/admin/certificates", via=via).csrf()
    data = {"csrf_token": token, "enrollment": [enrollment.id]}
    reply = admin_browser.post("/admin/certificates/issue", via=via, data=data)
    assert reply.status == 302, reply.text[:500]
    served_by(reply, via)
    db.session.expire_all()
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert certificate is not None, "the admin's issue did not create a certificate"
    return certificate


def _log_lines(name: str) -> list[str]:
    """The JSON lines an instance logged (anything else is a bug in the log config)."""
    lines = Path(RUN, "logs", f"{name}.log").read_text().splitlines()
    return [line for line in lines if line.startswith("{")]


def test_tls_headers_static_and_probes_through_nginx(browser: Browser) -> None:
    for via in ("a", "b"):
        ready = browser.get("/readyz", via=via)
        assert ready.status == 200, ready.text
        served_by(ready, via)
        assert len(ready.headers["X-Request-Id"]) == 32
    rid = ready.headers["X-Request-Id"]  # nginx made it; the app kept it and logged it
    time.sleep(0.2)
    assert f"rid={rid}" in Path(RUN, "logs", "nginx-access.log").read_text()
    app_lines = [json.loads(line) for line in _log_lines("web-b") if rid in line]
    assert app_lines
    assert all(line["request_id"] == rid for line in app_lines)
    page = browser.get("/")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "," not in page.headers["X-Content-Type-Options"]  # once, not once per layer
    css = next((ROOT / "static" / "css").glob("*.css"))
    static = browser.get(f"/static/css/{css.name}")
    assert static.status == 200
    assert "X-Upstream-Addr" not in static.headers or not static.headers["X-Upstream-Addr"]
    assert static.body == css.read_bytes()


def test_sign_in_on_one_instance_and_continue_on_the_other(browser: Browser) -> None:
    learner = _user()
    signed_in = browser.login(learner.email, PASSWORD, via="a")
    assert signed_in.status == 302, signed_in.text[:500]
    served_by(signed_in, "a")
    page = browser.get("/certificates", via="b")
    assert page.status == 200, page.headers
    served_by(page, "b")
    assert learner.full_name in page.text or "certificate" in page.text.lower()


def test_quiz_started_on_one_submitted_on_the_other_is_graded_once(
    browser: Browser, course: Course
) -> None:
    learner = _user()
    enroll(learner.id, course)
    acknowledge(learner.id, course)  # the activity information comes before any content
    module = course.modules[0]
    record_view(learner.id, module)
    db.session.commit()
    quiz = next(q for q in course.quizzes if q.module_id == module.id)
    assert browser.login(learner.email, PASSWORD, via="a").status == 302
    token = browser.get(f"/quiz/{quiz.id}", via="a").csrf()
    started = browser.post(f"/quiz/{quiz.id}/start", via="a", data={"csrf_token": token})
    assert started.status == 302, started.text[:500]
    take_path = urlsplit(started.headers["Location"]).path
    take = browser.get(take_path, via="b")
    assert take.status == 200
    # Nothing answered, on purpose: "submit anyway" skips the unanswered-question check.
    form = {"csrf_token": take.csrf(), "action": "submit", "unanswered_ok": "yes"}
    replies: dict[str, object] = {}

    def submit(via: str) -> None:
        replies[via] = browser.post(take_path, via=via, data=form)

    threads = [threading.Thread(target=submit, args=(via,)) for via in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for via in ("a", "b"):
        reply = replies[via]
        assert reply.status == 302, (via, reply.status)
        served_by(reply, via)
        assert urlsplit(reply.headers["Location"]).path.endswith("/review")
    db.session.expire_all()
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id == learner.id, Attempt.quiz_id == quiz.id)
    ).all()
    assert len(attempts) == 1
    assert attempts[0].status == AttemptStatus.SUBMITTED
    assert attempts[0].score is not None
    for via in ("a", "b"):
        assert browser.get(take_path + "/review", via=via).status == 200


def test_certificate_issued_on_one_instance_is_served_by_the_other(
    cluster_app: Flask, admin_browser: Browser, course: Course
) -> None:
    learner = _user(name="Zoë Łukasiewicz-Núñez")
    certificate = _issue_via(admin_browser, learner, course, via="a")
    owner = Browser()
    assert owner.login(learner.email, PASSWORD, via="b").status == 302
    pdf = owner.get(f"/certificates/{certificate.code}/certificate.pdf", via="b")
    assert pdf.status == 200
    assert pdf.body.startswith(b"%PDF")
    served_by(pdf, "b")
    signed = json.loads(
        owner.get(f"/certificates/{certificate.code}/credential.json", via="b").body
    )
    assert vc.verify(signed, load_keyring(cluster_env()["CERTIFICATE_KEYS_DIR"]).resolver()).ok
    verify = Browser().get(f"/verify/{certificate.code}", via="b")
    assert verify.status == 200
    assert certificate.code in verify.text
    listed = Browser().get(
        urlsplit(signed["credentialStatus"]["statusListCredential"]).path, via="b"
    )
    assert listed.headers["Access-Control-Allow-Origin"] == "*"
    assert statuslist.check_status(signed, json.loads(listed.body)) == (False, [])


def test_a_key_rotated_once_is_used_by_both_instances(
    cluster_app: Flask, mfa_admin: User, admin_browser: Browser, course: Course
) -> None:
    keys_dir = cluster_env()["CERTIFICATE_KEYS_DIR"]
    before = _user(name="Before Rotation")
    old = _issue_via(admin_browser, before, course, via="a")
    rotated = flask("keys", "generate")
    assert rotated.returncode == 0, rotated.stderr
    ring = load_keyring(keys_dir)
    after = _user(name="After Rotation")
    new = _issue_via(admin_browser, after, course, via="b")
    assert new.credential["proof"]["verificationMethod"] == ring.active.verification_method()
    new_list = urlsplit(new.credential["credentialStatus"]["statusListCredential"]).path
    old_list = urlsplit(old.credential["credentialStatus"]["statusListCredential"]).path
    assert new_list != old_list
    revoke_certificate(old, mfa_admin, "Cluster test: revoke after a rotation.")
    db.session.commit()
    for via in ("a", "b"):
        old_doc = json.loads(Browser().get(old_list, via=via).body)
        new_doc = json.loads(Browser().get(new_list, via=via).body)
        assert statuslist.check_status(old.credential, old_doc, ring.resolver()) == (True, [])
        assert statuslist.check_status(new.credential, new_doc, ring.resolver()) == (False, [])


def _in_flight_traffic(stop: threading.Event, seen: list[int]) -> None:
    """Keep reading through nginx (balanced) while something else happens; bounded."""
    browser = Browser()
    for _ in range(400):
        if stop.is_set():
            return
        seen.append(browser.get("/readyz").status)


def test_backup_while_serving_restores_to_verifying_certificates(cluster_app: Flask) -> None:
    env = cluster_env()
    stop, seen = threading.Event(), []
    traffic = threading.Thread(target=_in_flight_traffic, args=(stop, seen))
    traffic.start()
    began = time.monotonic()
    made = flask("backup", "create", "--out", str(Path(RUN, "backups")))
    took_backup = time.monotonic() - began
    stop.set()
    traffic.join(30)
    assert made.returncode == 0, made.stderr
    assert seen
    assert set(seen) == {200}
    dump = Path(made.stdout.split("database:", 1)[1].split()[0])
    assert dump.suffix == ".pgdump"
    restore_url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/practicum_cluster_restore"
    admin_url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS practicum_cluster_restore")
        connection.execute("CREATE DATABASE practicum_cluster_restore")
    restored_keys = Path(RUN, "restored-keys")
    extra = {"DATABASE_URL": restore_url, "CERTIFICATE_KEYS_DIR": str(restored_keys)}
    began = time.monotonic()
    done = flask("backup", "restore", str(dump), env=extra)
    took_restore = time.monotonic() - began
    assert done.returncode == 0, done.stderr
    again = flask("backup", "restore", str(dump), env=extra)
    assert again.returncode != 0
    assert "is not empty" in again.stderr
    print(f"\nbackup (pg_dump, serving): {took_backup:.2f}s; restore: {took_restore:.2f}s")

    restored = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "restore-check",
            "PUBLIC_BASE_URL": env["PUBLIC_BASE_URL"],
            "SQLALCHEMY_DATABASE_URI": restore_url,
            "CERTIFICATE_KEYS_DIR": str(restored_keys),
            "RATELIMIT_ENABLED": False,
        }
    )
    ring = load_keyring(restored_keys)
    client = restored.test_client()
    with restored.app_context():
        rows = db.session.scalars(select(Certificate)).all()
        assert rows
        for row in rows:
            assert vc.verify(row.credential, ring.resolver()).ok, row.code
            path = urlsplit(row.credential["credentialStatus"]["statusListCredential"]).path
            # Production trusts only PUBLIC_BASE_URL's host, as a real request would carry.
            listed = client.get(path, base_url=env["PUBLIC_BASE_URL"]).get_json()
            assert listed is not None, path
            revoked, errors = statuslist.check_status(row.credential, listed, ring.resolver())
            assert errors == []
            assert revoked is (row.status.value != "valid")
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def fresh_limits() -> Iterator[redis.Redis]:
    """Start and end with no rate-limit counters in the shared Redis."""
    store = redis.Redis.from_url(cluster_env()["RATELIMIT_STORAGE_URI"])
    store.flushdb()
    yield store
    store.flushdb()
    store.close()


def test_login_rate_limit_is_shared_across_instances(fresh_limits: redis.Redis) -> None:
    browser = Browser()
    token = browser.get("/auth/login", via="a").csrf()
    email = f"nobody-{secrets.token_hex(4)}@cluster.example"
    data = {"csrf_token": token, "email": email, "password": "wrong password"}
    first_refusal = None
    for n in range(1, 46):  # per-instance counters would allow at least 40 here
        reply = browser.post("/auth/login", via="ab"[n % 2], data=data)
        if reply.status == 429:
            first_refusal = n
            break
        assert reply.status == 200, reply.status
    assert first_refusal is not None
    assert first_refusal <= 21, first_refusal
    for via in ("a", "b"):
        assert browser.post("/auth/login", via=via, data=data).status == 429
    assert fresh_limits.dbsize() > 0  # the counters live in Redis, not in a worker


def test_slow_clients_do_not_hold_the_workers(browser: Browser) -> None:
    context = ssl.create_default_context(cafile=str(Path(RUN, "nginx", "tls", "cert.pem")))
    host, port = urlsplit(BASE).hostname, urlsplit(BASE).port
    slow = []
    try:
        for _ in range(8):  # twice the workers of both instances together
            raw = socket.create_connection((host, port), timeout=5)
            tls = context.wrap_socket(raw, server_hostname=host)
            tls.sendall(b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999\r\n")
            slow.append(tls)
        began = time.monotonic()
        for via in ("a", "b"):
            assert browser.get("/healthz", via=via, timeout=5).status == 200
        assert time.monotonic() - began < 3
    finally:
        for tls in slow:
            tls.close()


def _in_flight_writes(stop: threading.Event, writer: Browser, done: list[tuple[int, int]]) -> None:
    """Keep saving the profile through nginx (balanced), one numbered write at a time; bounded."""
    for n in range(1, 200):
        if stop.is_set():
            return
        token = writer.get("/auth/profile").csrf()
        data = {"csrf_token": token, "full_name": f"Writer {n}", "profession": "RN"}
        done.append((n, writer.post("/auth/profile", data=data).status))


def test_stopping_an_instance_mid_run_loses_no_request_and_no_data(
    cluster_app: Flask, browser: Browser
) -> None:
    db.session.expire_all()
    counts = (
        db.session.scalar(select(func.count()).select_from(Certificate)),
        db.session.scalar(select(func.count()).select_from(Attempt)),
    )
    author = _user(name="Writer 0")
    writer = Browser()
    assert writer.login(author.email, PASSWORD, via="b").status == 302
    stop, seen, wrote = threading.Event(), [], []
    traffic = threading.Thread(target=_in_flight_traffic, args=(stop, seen))
    writes = threading.Thread(target=_in_flight_writes, args=(stop, writer, wrote))
    traffic.start()
    writes.start()
    deadline = time.monotonic() + 30
    while len(seen) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(Path(RUN, "pids", "web-a.pid").read_text())
    os.kill(pid, signal.SIGTERM)  # a graceful stop, as systemd does it
    while _alive(pid) and time.monotonic() < deadline + 30:
        time.sleep(0.1)
    assert not _alive(pid), "instance a did not stop"
    stopped_at = len(seen)
    while len(seen) < stopped_at + 40 and time.monotonic() < deadline + 60:
        time.sleep(0.05)
    stop.set()
    traffic.join(30)
    writes.join(30)
    try:
        assert len(seen) > stopped_at, "no traffic after the stop"
        assert set(seen) == {200}, {s: seen.count(s) for s in set(seen)}
        # nginx never replays a POST it has sent: one caught in the stopping instance's accept
        # queue is answered 502 and was not applied. Every acknowledged write must be there.
        assert wrote
        assert {status for _, status in wrote} <= {302, 502}, wrote
        refused = [n for n, status in wrote if status == 502]
        print(f"\nwrites during the stop: {len(wrote)}, refused with 502: {len(refused)}")
        db.session.expire_all()
        saved = db.session.get(User, author.id)
        last_acknowledged = max(n for n, status in wrote if status == 302)
        assert saved.full_name == f"Writer {last_acknowledged}", (saved.full_name, wrote)
        assert counts == (
            db.session.scalar(select(func.count()).select_from(Certificate)),
            db.session.scalar(select(func.count()).select_from(Attempt)),
        )
    finally:
        restart = subprocess.run(
            ["bash", str(ROOT / "deploy" / "cluster" / "cluster.sh"), "start-web", "a"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert restart.returncode == 0, restart.stdout + restart.stderr
    assert browser.get("/readyz", via="a").status == 200


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False
