"""Time the cohort report: `.venv/bin/python -m bench.report`.

Seeds 1,000 and then 10,000 learners (the real course; bulk inserts with one precomputed
password hash) into throw-away SQLite files, then times, in process with app.test_client(),
the cohort page (first page of 50, with its charts) and the full streamed CSV export, each the
median of 5 runs after one warm-up. Prints a table with the growth factor from 1k to 10k and
writes bench/results/report-latest.json. Attempt items are not seeded: the report never reads
them. Settings: REPORT_SIZES (comma-separated, default "1000,10000"), REPORT_RUNS (5).
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

from flask import Flask
from sqlalchemy import insert, select

from course import create_app
from course.auth.passwords import hash_password
from course.content.loader import load_content
from course.content.sync import sync_bundle
from course.extensions import db
from course.models import (
    Attempt,
    AttemptStatus,
    Course,
    Enrollment,
    ModuleProgress,
    Quiz,
    QuizKind,
    Role,
    User,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PASSWORD = "report bench passphrase 42"
STAFF_EMAIL = "staff@bench.example.org"
PROFESSIONS = ("MD", "DO", "NP", "PA", "RN", "PhD/PsyD", "LCSW", "LPC")


def config(path: Path) -> dict[str, Any]:
    """Testing settings against a file database; CSRF off so the bench can sign in."""
    return {
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "WTF_CSRF_ENABLED": False,
    }


def _learner_rows(n: int, password_hash: str, rng: random.Random) -> list[dict[str, Any]]:
    """The staff account (id 1) and n learners (ids 2..n+1)."""
    staff = {"id": 1, "email": STAFF_EMAIL, "full_name": "Bench Staff", "role": Role.INSTRUCTOR}
    rows = [staff] + [
        {
            "id": uid,
            "email": f"learner{uid:06d}@bench.example.org",
            "full_name": f"Learner {rng.randrange(10**6):06d}",
            "role": Role.LEARNER,
            "profession": rng.choice(PROFESSIONS),
        }
        for uid in range(2, n + 2)
    ]
    for row in rows:
        row.setdefault("profession", "MD")
        row["password_hash"] = password_hash
    return rows


def _history(
    uid: int, modules: list, quizzes: dict, final: Quiz, rng: random.Random, start: datetime
) -> tuple[list[dict], list[dict], datetime | None]:
    """Progress rows and submitted attempts for one learner; the completion time if any."""
    opened = min(len(modules), rng.randint(0, len(modules) + 3))  # about a third finish
    done = opened if rng.random() < 0.6 else max(opened - 1, 0)
    progress, attempts = [], []
    for index, module in enumerate(modules[:opened]):
        complete = index < done
        when = start + timedelta(days=index + 1)
        progress.append(
            {"user_id": uid, "module_id": module.id, "completed_at": when if complete else None}
        )
        scores = [0.6, 0.8] if complete and rng.random() < 0.3 else [1.0 if complete else 0.4]
        attempts += [(quizzes[module.id], s) for s in scores]
    completed_at = None
    if done == len(modules):
        scores = [rng.choice((0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)) for _ in "xy"]
        attempts += [(final.id, s) for s in scores]
        if max(scores) >= 0.8:
            completed_at = start + timedelta(days=len(modules) + 2)
    rows = [
        {
            "quiz_id": quiz_id,
            "user_id": uid,
            "number": number,
            "seed": 1,
            "status": AttemptStatus.SUBMITTED,
            "score": score,
            "passed": score >= 0.8,
            "submitted_at": start + timedelta(days=number),
        }
        for number, (quiz_id, score) in enumerate(attempts, start=1)
    ]
    return progress, rows, completed_at


def seed(app: Flask, learners: int, rng: random.Random) -> None:
    """Create the schema, sync the course and bulk-insert learners with their history."""
    with app.app_context():
        db.create_all()
        bundle = load_content(ROOT / "modules", ROOT / "quizzes")
        sync_bundle(bundle)
        db.session.commit()
        course = db.session.scalars(select(Course)).one()
        modules = [m for m in course.modules if m.is_published]
        all_quizzes = db.session.scalars(select(Quiz)).all()
        quizzes = {q.module_id: q.id for q in all_quizzes if q.kind == QuizKind.MODULE}
        final = next(q for q in all_quizzes if q.kind == QuizKind.FINAL)
        db.session.execute(insert(User), _learner_rows(learners, hash_password(PASSWORD), rng))
        enrolments, progress, attempts = [], [], []
        base = datetime(2026, 1, 1, tzinfo=UTC)
        for uid in range(2, learners + 2):
            start = base + timedelta(minutes=rng.randrange(90 * 24 * 60))
            rows, tries, completed = _history(uid, modules, quizzes, final, rng, start)
            progress += rows
            attempts += tries
            enrolments.append(
                {
                    "user_id": uid,
                    "course_id": course.id,
                    "enrolled_at": start,
                    "completed_at": completed,
                }
            )
        db.session.execute(insert(Enrollment), enrolments)
        db.session.execute(insert(ModuleProgress), progress)
        db.session.execute(insert(Attempt), attempts)
        db.session.commit()


def _time(fetch: Any, runs: int) -> tuple[float, float]:
    """Median and fastest milliseconds of `runs` calls, after one warm-up call."""
    fetch()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        fetch()
        samples.append((time.perf_counter() - began) * 1000)
    return median(samples), min(samples)


def measure(learners: int, runs: int) -> dict[str, float]:
    """Seed a fresh database of this size and time the page and the CSV export."""
    with tempfile.TemporaryDirectory(prefix="practicum-report-") as tmp:
        app = create_app(config(Path(tmp) / "report.db"))
        began = time.perf_counter()
        seed(app, learners, random.Random(learners))
        seeded = time.perf_counter() - began
        client = app.test_client()
        login = client.post("/auth/login", data={"email": STAFF_EMAIL, "password": PASSWORD})
        if login.status_code != 302:
            raise RuntimeError(f"bench sign-in failed: {login.status_code}")
        csv_lines = 0

        def page() -> None:
            response = client.get("/instructor/cohort")
            if response.status_code != 200:
                raise RuntimeError(f"cohort page: {response.status_code}")

        def export() -> None:
            nonlocal csv_lines
            response = client.get("/instructor/cohort.csv")
            csv_lines = response.get_data().count(b"\n")
            if response.status_code != 200:
                raise RuntimeError(f"cohort CSV: {response.status_code}")

        page_ms, page_min = _time(page, runs)
        csv_ms, csv_min = _time(export, runs)
        result = {
            "page_ms": page_ms,
            "page_min_ms": page_min,
            "csv_ms": csv_ms,
            "csv_min_ms": csv_min,
        }
        with app.app_context():
            db.engine.dispose()
    if csv_lines != learners + 1:
        raise RuntimeError(f"CSV held {csv_lines - 1} learners, expected {learners}")
    return result | {"seed_s": seeded, "csv_rows": csv_lines - 1}


def main() -> int:
    """Run the sizes, print the table, write the JSON; exit status 0."""
    sizes = [int(s) for s in os.environ.get("REPORT_SIZES", "1000,10000").split(",")]
    runs = int(os.environ.get("REPORT_RUNS", "5"))
    results = {n: measure(n, runs) for n in sizes}
    out = sys.stdout
    out.write(
        f"\nCohort report, median (and fastest) of {runs} runs, in-process test client, SQLite\n"
    )
    out.write(f"{'learners':>10} {'seed s':>7} {'page ms':>17} {'csv ms':>19} {'csv rows':>9}\n")
    for n, r in results.items():
        out.write(
            f"{n:>10,} {r['seed_s']:>7.1f} {r['page_ms']:>8.1f} ({r['page_min_ms']:>6.1f})"
            f" {r['csv_ms']:>9.1f} ({r['csv_min_ms']:>7.1f}) {r['csv_rows']:>9,}\n"
        )
    growth = {}
    if len(sizes) >= 2:
        low, high = results[sizes[0]], results[sizes[-1]]
        factor = sizes[-1] / sizes[0]
        growth = {
            k: high[f"{k}_ms"] / low[f"{k}_ms"] for k in ("page", "page_min", "csv", "csv_min")
        }
        out.write(
            f"growth {sizes[0]:,} -> {sizes[-1]:,} ({factor:g}x learners), median (fastest): "
            f"page x{growth['page']:.2f} (x{growth['page_min']:.2f}), "
            f"csv x{growth['csv']:.2f} (x{growth['csv_min']:.2f}); linear = x{factor:g}\n"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "sizes": {str(n): r for n, r in results.items()},
        "growth": growth,
    }
    target = RESULTS / "report-latest.json"
    target.write_text(json.dumps(payload, indent=2) + "\n")
    out.write(f"wrote {target.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
