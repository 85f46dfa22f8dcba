"""The signed-in user is read as a row (SessionUser); writes and relationships reach the ORM."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask, jsonify
from flask_login import current_user
from sqlalchemy import select

from course import clock
from course.audit import record_audit
from course.audit_actions import AuditAction
from course.auth.session_user import SessionUser, signed_in_user
from course.auth.sessions import TOUCH_EVERY, _hash
from course.dbsetup import writes
from course.models import AuditEntry, Role, User, UserSession

COLUMNS = {prop.key for prop in User.__mapper__.column_attrs}


def _probe(app: Flask, name: str, view, *, write: bool = False) -> str:
    view.__name__ = name
    app.add_url_rule(f"/_probe/{name}", name, writes(view) if write else view)
    return f"/_probe/{name}"


def test_a_signed_in_request_holds_a_row_with_every_column_in_one_statement(
    app, client, make_user, login, count_queries
) -> None:
    def who():
        held = vars(current_user._get_current_object())
        return jsonify(
            kind=type(current_user._get_current_object()).__name__,
            missing=sorted(COLUMNS - set(held)),
            name=current_user.full_name,
            staff=current_user.is_staff,
        )

    path = _probe(app, "who", who)
    login(make_user(Role.INSTRUCTOR, full_name="Dr Row"))
    with count_queries() as q:
        body = client.get(path).get_json()
    assert body == {"kind": "SessionUser", "missing": [], "name": "Dr Row", "staff": True}
    assert q.count == 1, q.statements  # the session and its user: one SELECT, no ORM load
    assert "user_session" in q.statements[0]
    assert "JOIN" in q.statements[0].upper()


def test_setting_an_attribute_writes_the_orm_row_and_later_reads_see_it(
    app, client, make_user, login, db
) -> None:
    def rename():
        current_user.full_name = "Renamed Learner"
        seen = current_user.full_name
        db.session.commit()
        return jsonify(seen=seen, after_commit=current_user.full_name)

    path = _probe(app, "rename", rename, write=True)
    user = login(make_user(full_name="Original Name"))
    assert client.get(path).get_json() == {
        "seen": "Renamed Learner",
        "after_commit": "Renamed Learner",
    }
    db.session.expire_all()
    assert db.session.get(User, user.id).full_name == "Renamed Learner"


def test_a_relationship_read_falls_back_to_the_orm_row(app, client, make_user, login) -> None:
    def devices():
        return jsonify(sessions=len(current_user.sessions), token=current_user.get_id())

    path = _probe(app, "devices", devices)
    login(make_user())
    body = client.get(path).get_json()
    assert body["sessions"] == 1
    assert len(body["token"]) > 30


def test_signed_in_user_is_the_identity_mapped_orm_user_with_the_session_token(
    app, client, make_user, login, db
) -> None:
    def orm():
        user = signed_in_user()
        same = user is db.session.get(User, current_user.id)
        return jsonify(kind=type(user).__name__, same=same, token=user.get_id())

    path = _probe(app, "orm", orm)
    login(make_user())
    body = client.get(path).get_json()
    token_hash = db.session.scalar(select(UserSession.token_hash))
    assert body["kind"] == "User"
    assert body["same"] is True
    assert _hash(body["token"]) == token_hash  # the device this cookie signed in


@pytest.mark.parametrize("role", list(Role))
def test_the_row_applies_the_models_own_rules(make_user, db, role: Role) -> None:
    user = make_user(role)
    row = SessionUser({key: getattr(user, key) for key in COLUMNS}, "a-token")
    user.session_token = "a-token"
    for rule in ("is_staff", "is_admin", "is_active", "mfa_enabled", "email_verified"):
        assert getattr(row, rule) == getattr(user, rule), rule
    assert row.has_role(role)
    assert row.get_id() == user.get_id() == "a-token"
    assert row == user  # Flask-Login's equality: the same signed-in device
    assert repr(row) == f"<SessionUser {user.id} {role.value}>"


def test_an_audit_entry_records_the_rows_id_as_its_actor(make_user, db) -> None:
    user = make_user(Role.ADMIN)
    row = SessionUser({key: getattr(user, key) for key in COLUMNS}, "t")
    entry = record_audit(row, AuditAction.USER_EXPORT, "user", user.id)
    assert entry.actor_id == user.id
    assert db.session.get(AuditEntry, entry.id).actor_id == user.id


def _last_seen(db):
    db.session.expire_all()
    return db.session.scalar(select(UserSession.last_seen_at))


def test_a_writing_request_refreshes_last_seen_once_it_is_stale(
    app, client, make_user, login, db, monkeypatch
) -> None:
    def noop_write():
        db.session.commit()
        return "ok"

    def noop_read():
        return "ok"

    write_path = _probe(app, "touch", noop_write, write=True)
    read_path = _probe(app, "look", noop_read)
    login(make_user())
    first = _last_seen(db)
    later = clock.now() + TOUCH_EVERY + timedelta(seconds=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert client.get(read_path).status_code == 200
    assert _last_seen(db) == first  # a read never writes
    assert client.get(write_path).status_code == 200
    assert _last_seen(db) == later
