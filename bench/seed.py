"""Seed a throw-away SQLite database: the real course, 1,000 learners, progress and quiz history.

Everything is bulk-inserted with one precomputed argon2id hash, so seeding takes seconds.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from course import create_app
from course.auth.passwords import hash_password
from course.content.loader import load_content
from course.content.sync import sync_bundle
from course.extensions import db
from course.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Course,
    Enrollment,
    ModuleProgress,
    QuestionVersion,
    Quiz,
    Role,
    User,
)
from course.quiz.draw import draw_questions
from course.quiz.grading import attempt_score, grade_item, is_pass
from course.quiz.services import question_pool

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-secret"
PASSWORD = "bench learner passphrase 42"
BENCH_EMAIL = "bench@example.org"
USER_AGENT = "practicum-bench/1.0"
REMOTE_ADDR = "127.0.0.1"
PUBLIC_BASE_URL = "http://127.0.0.1"
PROFESSIONS = ("MD", "DO", "NP", "PA", "RN", "PhD/PsyD", "LCSW", "LPC")


@dataclass(frozen=True)
class SeedInfo:
    """What the seeded database holds and how to sign in as the benchmark learner."""

    database_url: str
    course_slug: str
    module_slugs: list[str]
    bench_user_id: int
    learners: int
    attempts: int
    seconds: float
    certificate_code: str = ""


def database_url(workdir: Path) -> str:
    """BENCH_DATABASE_URL (PostgreSQL: emptied and re-seeded), else a SQLite file in workdir."""
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"


def app_config(url: str) -> dict[str, Any]:
    """Production settings against the bench database, rate limiting off."""
    return {
        "ENV_NAME": "production",
        "SECRET_KEY": SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_ENABLED": False,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SESSION_COOKIE_NAME": "session",
    }


def seed(
    url: str, workdir: Path, learners: int = 1000, modules: int = 7, seed_value: int = 20240601
) -> SeedInfo:
    """Create the schema, sync the course (cloning lessons up to `modules`), bulk-insert
    learners, progress and history. A PostgreSQL database is emptied first (drop_all)."""
    started = datetime.now(UTC)
    rng = random.Random(seed_value)
    app = create_app(app_config(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        sync_bundle(_bundle())
        db.session.commit()
        course = db.session.scalars(select(Course)).one()
        _clone_modules(course, modules)
        db.session.commit()
        db.session.refresh(course)
        modules_ = [m for m in course.modules if m.is_published]
        password_hash = hash_password(PASSWORD)
        _insert_users(learners, password_hash, rng, started)
        plans = {1: (2, 1)} | {uid: _plan(rng, len(modules_)) for uid in range(2, learners + 1)}
        _insert_enrolments(course.id, plans, rng, started)
        _insert_ce_gate_rows(course.id, plans, started)
        attempts = _insert_progress_and_history(modules_, plans, rng, started)
        db.session.commit()
        _advance_sequences()
        code = issue_bench_certificate(course, workdir / "keys")
        db.session.commit()
        info = SeedInfo(
            database_url=url,
            course_slug=course.slug,
            module_slugs=[m.slug for m in modules_],
            bench_user_id=1,
            learners=learners,
            attempts=attempts,
            seconds=(datetime.now(UTC) - started).total_seconds(),
            certificate_code=code,
        )
    return info


def issue_bench_certificate(course: Course, keys_dir: Path) -> str:
    """Issue the benchmark learner a real, signed certificate (bench data: eligibility skipped)."""
    from course.certificates.issuer import Issuer
    from course.certificates.services import insert_certificate
    from course.models import User

    user = db.session.get(User, 1)
    base = "http://127.0.0.1"
    issuer = Issuer(
        name="Practicum",
        home_url=base + "/",
        status_list_url=lambda n: f"{base}/credentials/status/{n}",
        verify_url=lambda code: f"{base}/verify/{code}",
        course_url=lambda slug: f"{base}/courses/{slug}",
        keys_dir=keys_dir,
    )
    draft = {
        "code": None,
        "full_name": user.full_name,
        "credential": user.profession,
        "licence_number": None,
        "licence_state": None,
        "course_slug": course.slug,
        "course_title": course.title,
        "course_version": course.content_version,
        "achievement_description": course.summary,
        "hours": course.contact_hours,
        "completion_date": datetime.now(UTC).date().isoformat(),
        "final_score": 0.9,
        "certificate_title": "Certificate of Completion",
        "credit_line": f"{course.contact_hours} contact hours",
        "credit_statement": course.accreditation.get("statement", ""),
        "issuer_name": "Practicum",
        "signatory_name": "Course Director",
        "signatory_title": "Practicum",
        "issued_at": None,
    }
    return insert_certificate(user, course, draft, issuer, None).code


def _clone_modules(course: Course, wanted: int) -> None:
    """Grow the course to `wanted` published modules by cloning its lessons (quiz-less)."""
    from course.models import Module, PublishStatus

    lessons = [m for m in course.modules if m.is_published]
    for position in range(len(course.modules) + 1, wanted + 1):
        src = lessons[(position - 1) % len(lessons)]
        db.session.add(
            Module(
                course_id=course.id,
                slug=f"{src.slug}-{position}",
                title=f"{src.title} (copy {position})",
                position=position,
                objectives=list(src.objectives),
                minutes=src.minutes,
                references=list(src.references),
                body_md=src.body_md,
                body_html=src.body_html,
                status=PublishStatus.PUBLISHED,
            )
        )


def _advance_sequences() -> None:
    """PostgreSQL: rows were inserted with explicit ids; move the id sequences past them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for statement in (
        """SELECT setval(pg_get_serial_sequence('"user"', 'id'), (SELECT max(id) FROM "user"))""",
        "SELECT setval(pg_get_serial_sequence('attempt', 'id'), (SELECT max(id) FROM attempt))",
    ):
        db.session.execute(text(statement))
    db.session.commit()


def _bundle():
    bundle = load_content(ROOT / "modules", ROOT / "quizzes")
    if not bundle.ok:
        raise RuntimeError(f"course content has problems: {[str(p) for p in bundle.problems]}")
    return bundle


def _plan(rng: random.Random, modules: int) -> tuple[int, int]:
    """(modules opened, modules completed): the first `completed` of the opened ones are done."""
    opened = rng.randint(0, modules)
    completed = opened if rng.random() < 0.5 else max(opened - 1, 0)
    return opened, completed


def _insert_users(count: int, password_hash: str, rng: random.Random, now: datetime) -> None:
    rows = [
        {
            "id": uid,
            "email": BENCH_EMAIL if uid == 1 else f"learner{uid:04d}@bench.example.org",
            "full_name": f"Bench Learner {uid}",
            "password_hash": password_hash,
            "profession": rng.choice(PROFESSIONS),
            "role": Role.LEARNER,
            "active": True,
            "created_at": now - timedelta(days=120),
        }
        for uid in range(1, count + 1)
    ]
    db.session.execute(insert(User), rows)


def _insert_enrolments(
    course_id: int, plans: dict[int, tuple[int, int]], rng: random.Random, now: datetime
) -> None:
    rows = [
        {
            "user_id": uid,
            "course_id": course_id,
            "enrolled_at": now - timedelta(days=90, minutes=rng.randint(0, 600)),
        }
        for uid in plans
    ]
    db.session.execute(insert(Enrollment), rows)


def _insert_ce_gate_rows(course_id: int, plans: dict[int, tuple[int, int]], now: datetime) -> None:
    """Every learner has acknowledged the activity page and taken the pre-test (the CE gate)."""
    from course.models import ActivityAcknowledgement, PreTest

    when = now - timedelta(days=90)
    rows = [{"user_id": uid, "course_id": course_id, "acknowledged_at": when} for uid in plans]
    db.session.execute(insert(ActivityAcknowledgement), rows)
    rows = [
        {
            "user_id": uid,
            "course_id": course_id,
            "items": [],
            "answers": {},
            "score": 0.5,
            "started_at": when,
            "submitted_at": when,
        }
        for uid in plans
    ]
    db.session.execute(insert(PreTest), rows)


def _insert_progress_and_history(
    modules: list, plans: dict[int, tuple[int, int]], rng: random.Random, now: datetime
) -> int:
    """Progress rows for every opened module; submitted attempts behind every completion."""
    quizzes = {q.module_id: q for q in db.session.scalars(select(Quiz))}
    pools = {q.id: question_pool(q) for q in quizzes.values()}
    progress, attempts, items = [], [], []
    for uid, (opened, completed) in plans.items():
        clock = now - timedelta(days=80, minutes=rng.randint(0, 600))
        for index, module in enumerate(modules[:opened]):
            clock += timedelta(hours=rng.randint(1, 72))
            done = index < completed
            progress.append(
                {
                    "user_id": uid,
                    "module_id": module.id,
                    "first_viewed_at": clock,
                    "last_viewed_at": clock + timedelta(minutes=20),
                    "completed_at": clock + timedelta(minutes=30) if done else None,
                }
            )
            quiz = quizzes.get(module.id)
            if quiz is None:
                continue
            outcomes = _history(rng, done, uid == 1)
            for number, passed in enumerate(outcomes, start=1):
                attempt, rows = _graded_attempt(
                    len(attempts) + 1, quiz, pools[quiz.id], uid, number, passed, rng, clock
                )
                attempts.append(attempt)
                items.extend(rows)
    db.session.execute(insert(ModuleProgress), progress)
    if attempts:
        db.session.execute(insert(Attempt), attempts)
        db.session.execute(insert(AttemptItem), items)
    return len(attempts)


def _history(rng: random.Random, completed: bool, bench_user: bool) -> list[bool]:
    """Pass/fail outcomes of past attempts: a completion needs a pass, often after a fail."""
    if bench_user:
        return [True] if completed else []
    if completed:
        return [False, True] if rng.random() < 0.3 else [True]
    return [False] if rng.random() < 0.4 else []


def choose(version: QuestionVersion, rng: random.Random, correct: bool) -> list[str]:
    """The keyed answer, or a single wrong option."""
    right = sorted(o["key"] for o in version.options if o.get("correct"))
    if correct:
        return right
    wrong = [o["key"] for o in version.options if o["key"] not in right]
    return [rng.choice(wrong)] if wrong else []


def _graded_attempt(
    attempt_id: int,
    quiz: Quiz,
    pool: list[QuestionVersion],
    uid: int,
    number: int,
    passed: bool,
    rng: random.Random,
    when: datetime,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A submitted attempt drawn exactly as start_attempt draws, graded with the real grader."""
    seed = rng.getrandbits(62)
    drawn = draw_questions(pool, quiz.settings, seed)
    items = []
    for position, d in enumerate(drawn, start=1):
        response = choose(d.version, rng, passed or position <= 2)
        score = grade_item(d.version.qtype, d.version.options, response, False)
        items.append(
            {
                "attempt_id": attempt_id,
                "position": position,
                "question_version_id": d.version.id,
                "option_order": d.option_order,
                "response": response,
                "score": score,
            }
        )
    score = attempt_score([i["score"] for i in items])
    attempt = {
        "id": attempt_id,
        "quiz_id": quiz.id,
        "user_id": uid,
        "number": number,
        "seed": seed,
        "status": AttemptStatus.SUBMITTED,
        "settings": dict(quiz.settings),
        "started_at": when + timedelta(minutes=21),
        "submitted_at": when + timedelta(minutes=29),
        "score": round(score, 6),
        "passed": is_pass(score, float(quiz.settings.get("pass_score", 0.8))),
        "late": False,
    }
    return attempt, items
