"""The quiz-submit pool: one open attempt per (learner, module quiz), ready to be POSTed once.

Attempts are drawn exactly as start_attempt draws them; each owner gets a session cookie and a
CSRF token forged with the app's own signing scheme (Flask session + Flask-Login + Flask-WTF).
"""

from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from flask_login.utils import _create_identifier
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, insert, select

from bench.seed import REMOTE_ADDR, USER_AGENT, choose
from course.extensions import db
from course.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    QuestionVersion,
    Quiz,
    QuizKind,
    Role,
    User,
    UserSession,
)
from course.quiz.draw import draw_questions
from course.quiz.services import question_pool
from course.quiz.submit import option_token


@dataclass(frozen=True)
class PoolEntry:
    """One open attempt, ready to be submitted once: owner's cookie and the form body."""

    attempt_id: int
    user_id: int
    cookie: str
    body: str


def top_up_pool(app: Flask, exclude_user: int, rng: random.Random) -> list[PoolEntry]:
    """Open one fresh attempt per (learner, module quiz) lacking one; return every open one."""
    with app.app_context():
        quizzes = list(db.session.scalars(select(Quiz).where(Quiz.kind == QuizKind.MODULE)))
        stats = {
            (q, u): (total, open_)
            for q, u, total, open_ in db.session.execute(
                select(
                    Attempt.quiz_id,
                    Attempt.user_id,
                    func.count(Attempt.id),
                    func.count(Attempt.id).filter(Attempt.status == AttemptStatus.IN_PROGRESS),
                ).group_by(Attempt.quiz_id, Attempt.user_id)
            )
        }
        users = db.session.scalars(
            select(User.id).where(User.role == Role.LEARNER, User.id != exclude_user)
        ).all()
        next_id = (db.session.scalar(select(func.max(Attempt.id))) or 0) + 1
        now = datetime.now(UTC)
        attempts, items = [], []
        for quiz in quizzes:
            pool = question_pool(quiz)
            for uid in users:
                total, open_ = stats.get((quiz.id, uid), (0, 0))
                if open_:
                    continue
                seed = rng.getrandbits(62)
                attempts.append(_open_attempt(next_id, quiz, uid, total + 1, seed, now))
                for position, d in enumerate(draw_questions(pool, quiz.settings, seed), 1):
                    items.append(_open_item(next_id, position, d.version.id, d.option_order))
                next_id += 1
        if attempts:
            db.session.execute(insert(Attempt), attempts)
            db.session.execute(insert(AttemptItem), items)
        db.session.commit()
        entries = _pool_entries(app, [q.id for q in quizzes], exclude_user)
    rng.shuffle(entries)
    return entries


def _open_attempt(
    attempt_id: int, quiz: Quiz, uid: int, number: int, seed: int, now: datetime
) -> dict[str, Any]:
    return {
        "id": attempt_id,
        "quiz_id": quiz.id,
        "user_id": uid,
        "number": number,
        "seed": seed,
        "status": AttemptStatus.IN_PROGRESS,
        "settings": dict(quiz.settings),
        "started_at": now,
        "deadline": None,
        "late": False,
    }


def _open_item(attempt_id: int, position: int, version_id: int, order: list[str]) -> dict:
    return {
        "attempt_id": attempt_id,
        "position": position,
        "question_version_id": version_id,
        "option_order": order,
    }


def _pool_entries(app: Flask, quiz_ids: list[int], exclude_user: int) -> list[PoolEntry]:
    """Each open module-quiz attempt with a form body answering ~75% of items correctly."""
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion))}
    rows = db.session.execute(
        select(Attempt.id, Attempt.user_id, Attempt.seed, AttemptItem.position)
        .add_columns(AttemptItem.question_version_id)
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(
            Attempt.status == AttemptStatus.IN_PROGRESS,
            Attempt.quiz_id.in_(quiz_ids),
            Attempt.user_id != exclude_user,
        )
        .order_by(Attempt.id, AttemptItem.position)
    ).all()
    fields: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for attempt_id, uid, seed, position, version_id in rows:
        attempt = SimpleNamespace(id=attempt_id, seed=seed)
        item = SimpleNamespace(position=position)
        chooser = random.Random(attempt_id * 100 + position)
        keys = choose(versions[version_id], chooser, chooser.random() < 0.75)
        fields.setdefault((attempt_id, uid), []).extend(
            (f"q{position}", option_token(attempt, item, key)) for key in keys
        )
    identifier = session_identifier(app)
    sessions: dict[int, tuple[str, str]] = {}
    entries = []
    for (attempt_id, uid), answers in fields.items():
        if uid not in sessions:
            sessions[uid] = forge_session(app, uid, identifier)
        cookie, token = sessions[uid]
        body = urlencode([("csrf_token", token), ("action", "submit"), *answers])
        entries.append(PoolEntry(attempt_id, uid, cookie, body))
    db.session.commit()  # the forged sessions' UserSession rows
    return entries


def session_identifier(app: Flask) -> str:
    """Flask-Login's strong-protection hash for wrk's address and User-Agent."""
    environ = {"REMOTE_ADDR": REMOTE_ADDR}
    with app.test_request_context("/", environ_base=environ, headers={"User-Agent": USER_AGENT}):
        return _create_identifier()


def forge_session(app: Flask, user_id: int, identifier: str) -> tuple[str, str]:
    """Sign a logged-in session cookie for one learner; return it and a matching CSRF token.

    Mirrors course.auth.sessions.start_session (a UserSession row; the cookie carries its
    token), flask_login.login_user (strong session protection) and flask_wtf.generate_csrf.
    """
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    db.session.execute(
        insert(UserSession).values(
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
        )
    )
    raw = secrets.token_hex(20)
    data = {"_user_id": token, "_fresh": True, "_id": identifier, "csrf_token": raw}
    cookie = app.session_interface.get_signing_serializer(app).dumps(data)
    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return str(cookie), str(token)


def count_submitted(app: Flask, attempt_ids: list[int]) -> int:
    """How many of these attempts are now submitted (graded)."""
    with app.app_context():
        total = 0
        for start in range(0, len(attempt_ids), 500):
            chunk = attempt_ids[start : start + 500]
            total += db.session.scalar(
                select(func.count(Attempt.id)).where(
                    Attempt.id.in_(chunk), Attempt.status == AttemptStatus.SUBMITTED
                )
            )
        return total
