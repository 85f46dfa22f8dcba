"""Question-bank list: filters, usage counts and item statistics of current versions.

Plain functions with explicit arguments; they only read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from course.audit_actions import AuditAction
from course.content.schema import TAGS
from course.extensions import db
from course.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    AuditEntry,
    Course,
    Module,
    Question,
    QuestionStatus,
    QuestionVersion,
    Quiz,
)
from course.psychometrics import LOW_DISCRIMINATION, TOO_EASY, TOO_HARD, flags
from course.quiz.types import REGISTRY

MIN_ATTEMPTS = 20  # below this many submitted responses, statistics show as "n/a"
MAX_QUERY = 200  # characters of search text kept
FLAGS = ("any", TOO_HARD, TOO_EASY, LOW_DISCRIMINATION, "n/a")


@dataclass(frozen=True)
class ItemStat:
    """Statistics of one question version; facility is None below MIN_ATTEMPTS responses."""

    attempts: int = 0
    facility: float | None = None
    discrimination: float | None = None
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BankRow:
    """One line of the bank list: the question, its current version and its figures."""

    question: Question
    version: QuestionVersion
    usage: int
    stat: ItemStat


@dataclass(frozen=True)
class BankFilters:
    """What the list is narrowed to (empty strings mean no filter)."""

    module_id: int | None = None
    tag: str = ""
    qtype: str = ""
    status: str = ""
    flag: str = ""
    query: str = ""  # words that must each appear in the id or the stem (any case)
    batch: int | None = None  # a GIFT/Aiken import (its audit entry id): just its questions
    batch_uids: tuple[str, ...] = ()


IMPORT_ACTION = AuditAction.QUESTIONS_IMPORT  # written by instructor.interchange's commit


def _batch(course: Course, raw: str | None) -> tuple[int | None, tuple[str, ...]]:
    """The import named by ?batch=<audit id>, and the questions it created or changed."""
    entry = db.session.get(AuditEntry, int(raw)) if (raw or "").isdigit() else None
    if entry is None or entry.action != IMPORT_ACTION or entry.target_id != course.id:
        return None, ()
    details = entry.details or {}
    return entry.id, tuple([*details.get("created", []), *details.get("new_versions", [])])


def filters_from_args(course: Course, args: Mapping[str, str]) -> BankFilters:
    """Read the list filters from query arguments, ignoring unknown values."""
    module = next((m for m in course.modules if m.slug == args.get("module")), None)
    batch, batch_uids = _batch(course, args.get("batch"))
    return BankFilters(
        batch=batch,
        batch_uids=batch_uids,
        module_id=module.id if module else None,
        tag=args.get("tag", "") if args.get("tag") in TAGS else "",
        qtype=args.get("type", "") if args.get("type") in REGISTRY else "",
        status=args.get("status", "") if args.get("status") in set(QuestionStatus) else "",
        flag=args.get("flag", "") if args.get("flag") in FLAGS else "",
        query=" ".join((args.get("q") or "").split())[:MAX_QUERY],
    )


def _stat_from_sums(n: int, sx: float, sxx: float, sy: float, syy: float, sxy: float) -> ItemStat:
    """Compute facility and corrected point-biserial discrimination from sums."""
    if n < MIN_ATTEMPTS:
        return ItemStat(n)
    facility = sx / n
    vx, vy = sxx - sx * sx / n, syy - sy * sy / n
    disc = None
    if vx > 1e-9 and vy > 1e-9:
        disc = max(-1.0, min(1.0, (sxy - sx * sy / n) / math.sqrt(vx * vy)))
    return ItemStat(n, facility, disc, flags(facility, disc))


def _live_number() -> Any:
    """The number of the version learners get (older than the newest while a draft waits)."""
    return func.coalesce(Question.live_number, Question.latest_number)


def current_stats(course_id: int) -> dict[int, ItemStat]:
    """Compute statistics per LIVE question version from submitted attempts, in one query."""
    current = (
        select(QuestionVersion.id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.course_id == course_id, QuestionVersion.number == _live_number())
    )
    item_score = func.coalesce(AttemptItem.score, 0.0)
    totals = (
        select(AttemptItem.attempt_id.label("attempt_id"), func.sum(item_score).label("total"))
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.status == AttemptStatus.SUBMITTED, Quiz.course_id == course_id)
        .group_by(AttemptItem.attempt_id)
        .subquery()
    )
    rest = totals.c.total - item_score
    stmt = (
        select(
            AttemptItem.question_version_id,
            func.count(),
            func.sum(item_score),
            func.sum(item_score * item_score),
            func.sum(rest),
            func.sum(rest * rest),
            func.sum(item_score * rest),
        )
        .join(totals, totals.c.attempt_id == AttemptItem.attempt_id)
        .where(AttemptItem.question_version_id.in_(current))
        .group_by(AttemptItem.question_version_id)
    )
    return {
        vid: _stat_from_sums(n, *(float(s or 0.0) for s in sums))
        for vid, n, *sums in db.session.execute(stmt)
    }


def usage_counts(course_id: int) -> dict[int, int]:
    """Count attempt items per question (all versions, any attempt status), in one query."""
    stmt = (
        select(QuestionVersion.question_id, func.count(AttemptItem.id))
        .join(AttemptItem, AttemptItem.question_version_id == QuestionVersion.id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.course_id == course_id)
        .group_by(QuestionVersion.question_id)
    )
    return dict(db.session.execute(stmt).all())


def _keep(stat: ItemStat, flag: str) -> bool:
    if flag == "any":
        return bool(stat.flags)
    if flag == "n/a":
        return stat.facility is None
    return not flag or flag in stat.flags


def list_questions(course: Course, filters: BankFilters) -> list[BankRow]:
    """Return the course's questions that pass the filters, with usage and statistics.

    Each row shows the newest version (a waiting draft version included) with the statistics
    of the live one, which is what learners answer."""
    live = aliased(QuestionVersion)
    stmt = (
        select(Question, QuestionVersion, Module.position, live.id)
        .join(
            QuestionVersion,
            and_(
                QuestionVersion.question_id == Question.id,
                QuestionVersion.number == Question.latest_number,
            ),
        )
        .join(live, and_(live.question_id == Question.id, live.number == _live_number()))
        .outerjoin(Module, Module.id == Question.module_id)
        .where(Question.course_id == course.id)
    )
    if filters.module_id:
        stmt = stmt.where(Question.module_id == filters.module_id)
    if filters.status:
        stmt = stmt.where(Question.status == QuestionStatus(filters.status))
    if filters.qtype:
        stmt = stmt.where(QuestionVersion.qtype.in_([filters.qtype]))
    if filters.batch is not None:
        stmt = stmt.where(Question.uid.in_(filters.batch_uids))
    for word in filters.query.lower().split():
        stmt = stmt.where(
            or_(
                func.lower(Question.uid).contains(word, autoescape=True),
                func.lower(QuestionVersion.stem).contains(word, autoescape=True),
            )
        )
    rows = db.session.execute(stmt).all()
    usage, stats = usage_counts(course.id), current_stats(course.id)
    rows = sorted(rows, key=lambda r: (r[2] is None, r[2] or 0, r[0].uid))
    out = []
    for question, version, _, live_id in rows:
        stat = stats.get(live_id, ItemStat())
        if (filters.tag and filters.tag not in version.tags) or not _keep(stat, filters.flag):
            continue
        out.append(BankRow(question, version, usage.get(question.id, 0), stat))
    return out


def group_by_module(rows: list[BankRow]) -> list[tuple[Module | None, list[BankRow]]]:
    """Split rows (already in module order) into runs per module; None is the final exam."""
    return [
        (group[0].question.module, group)
        for _, run in groupby(rows, key=lambda row: row.question.module_id)
        if (group := list(run))
    ]
