"""Question-bank services: the list with statistics, versioned saves, lifecycle and regrade.

Plain functions with explicit arguments; they flush but never commit (the view commits once).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from course.content.schema import QuestionEntry
from course.content.sync import add_version, digest, question_payload
from course.extensions import db
from course.instructor.stats import flags
from course.learning.progress import load_course_states
from course.learning.services import complete_module, mark_course_complete
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
    QuizKind,
)
from course.quiz.grading import attempt_score, grade_item, is_pass

MIN_ATTEMPTS = 20  # below this many submitted responses, statistics show as "n/a"
PAGE_SIZE = 50


class BankError(Exception):
    """A bank rule refuses the action; the message says why."""


def audit(
    actor_id: int | None, action: str, target_type: str, target_id: int | None, **details: Any
) -> AuditEntry:
    """Append an audit entry for a bank action."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    db.session.add(entry)
    return entry


def _note(question: Question, action: str, actor_id: int, **details: Any) -> None:
    """Audit an action on a question, naming it by uid."""
    audit(actor_id, action, "question", question.id, uid=question.uid, **details)


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


def current_stats(course_id: int) -> dict[int, ItemStat]:
    """Compute statistics per CURRENT question version from submitted attempts, in one query."""
    current = (
        select(QuestionVersion.id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.course_id == course_id, QuestionVersion.number == Question.latest_number)
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
    """Return the course's questions that pass the filters, with usage and statistics."""
    stmt = (
        select(Question, QuestionVersion, Module.position)
        .join(
            QuestionVersion,
            and_(
                QuestionVersion.question_id == Question.id,
                QuestionVersion.number == Question.latest_number,
            ),
        )
        .outerjoin(Module, Module.id == Question.module_id)
        .where(Question.course_id == course.id)
    )
    if filters.module_id:
        stmt = stmt.where(Question.module_id == filters.module_id)
    if filters.status:
        stmt = stmt.where(Question.status == QuestionStatus(filters.status))
    if filters.qtype:
        stmt = stmt.where(QuestionVersion.qtype == filters.qtype)
    rows = db.session.execute(stmt).all()
    usage, stats = usage_counts(course.id), current_stats(course.id)
    rows = sorted(rows, key=lambda r: (r[2] is None, r[2] or 0, r[0].uid))
    out = []
    for question, version, _ in rows:
        stat = stats.get(version.id, ItemStat())
        if (filters.tag and filters.tag not in version.tags) or not _keep(stat, filters.flag):
            continue
        out.append(BankRow(question, version, usage.get(question.id, 0), stat))
    return out


def build_payload(data: dict[str, Any]) -> dict[str, Any]:
    """Validate question data in the quizzes/ file shape; return the version payload."""
    return question_payload(QuestionEntry.model_validate(data))


def create_question(
    course: Course, module: Module | None, uid: str, payload: dict[str, Any], actor_id: int
) -> Question:
    """Create a draft question with its first version."""
    question = Question(
        course=course, module=module, uid=uid, status=QuestionStatus.DRAFT, latest_number=0
    )
    db.session.add(question)
    add_version(question, payload, digest(payload), actor_id)
    db.session.flush()
    _note(question, "create", actor_id, version=1)
    return question


def update_question(
    question: Question, module: Module | None, payload: dict[str, Any], actor_id: int
) -> QuestionVersion | None:
    """Add a version when the content changed (versions are never edited); None if unchanged."""
    moved = (module.id if module else None) != question.module_id
    if moved:
        question.module = module
    content_hash = digest(payload)
    if content_hash == question.current.content_hash:
        if moved:
            _note(question, "edit", actor_id, moved_to=module.slug if module else None)
        return None
    version = add_version(question, payload, content_hash, actor_id)
    db.session.flush()
    _note(question, "edit", actor_id, version=version.number)
    return version


# action: (statuses it applies to, resulting status, past tense for messages)
TRANSITIONS = {
    "publish": ({QuestionStatus.DRAFT}, QuestionStatus.PUBLISHED, "published"),
    "retire": ({QuestionStatus.DRAFT, QuestionStatus.PUBLISHED}, QuestionStatus.RETIRED, "retired"),
    "restore": ({QuestionStatus.RETIRED}, QuestionStatus.DRAFT, "restored"),
}


def change_status(question: Question, action: str, actor_id: int) -> QuestionStatus:
    """Publish a draft, retire a draft or published question, or restore a retired one."""
    allowed, target, done = TRANSITIONS[action]
    if question.status not in allowed:
        raise BankError(f"A {question.status.value} question cannot be {done}.")
    before = question.status.value
    question.status = target
    _note(question, action, actor_id, before=before, after=target.value)
    return target


def delete_question(question: Question, actor_id: int) -> None:
    """Delete a never-attempted draft and its versions; anything else can only be retired."""
    if question.status != QuestionStatus.DRAFT:
        raise BankError("Only a draft can be deleted; retire this question instead.")
    used = sum(version_usage(question.id).values())
    if used:
        raise BankError(f"This question was attempted {used} times: retire it instead.")
    _note(question, "delete", actor_id, versions=len(question.versions))
    for version in question.versions:
        db.session.delete(version)
    db.session.delete(question)
    db.session.flush()


@dataclass(frozen=True)
class RegradeChange:
    """How one submitted attempt would change if its item were graded on the current key."""

    item: AttemptItem
    old_item: float
    new_item: float
    old_score: float
    new_score: float
    old_passed: bool
    new_passed: bool
    dropped: tuple[str, ...]  # chosen keys the current version no longer has (not chosen now)

    @property
    def pass_change(self) -> str:
        """Describe a change of pass state, or return '' when there is none."""
        if self.new_passed and not self.old_passed:
            return "newly passes (the module is completed)"
        if self.old_passed and not self.new_passed:
            return "loses the pass (completion already recorded is kept)"
        return ""

    def record(self) -> dict[str, Any]:
        """Return the change as plain data for the audit entry."""
        item, attempt = self.item, self.item.attempt
        return {
            "attempt_id": attempt.id,
            "user_id": attempt.user_id,
            "item_id": item.id,
            "seen_version": item.version.number,
            "item_score": [self.old_item, self.new_item],
            "attempt_score": [self.old_score, self.new_score],
            "passed": [self.old_passed, self.new_passed],
            "dropped_keys": list(self.dropped),
        }


@dataclass(frozen=True)
class RegradePlan:
    """A dry run: the target version and every result that would change."""

    target: QuestionVersion
    changes: list[RegradeChange]
    checked: int
    dropped_unchanged: int

    @property
    def token(self) -> str:
        """Return a fingerprint of the plan, so the confirmation applies what was shown."""
        rows = [[c.item.id, c.new_item, c.new_score, c.new_passed] for c in self.changes]
        return digest([self.target.id, rows])[:24]


def _regrade_item(item: AttemptItem, target: QuestionVersion) -> RegradeChange:
    attempt, settings = item.attempt, item.attempt.settings
    response = list(item.response or [])
    partial = bool(settings.get("partial_credit"))
    new_item = grade_item(target.qtype, target.options, response, partial)
    scores = [new_item if other.id == item.id else (other.score or 0.0) for other in attempt.items]
    counted = not (attempt.late and settings.get("late_policy") == "not_counted")
    new_score = round(attempt_score(scores) if counted else 0.0, 6)
    new_passed = is_pass(new_score, float(settings.get("pass_score", 0.8)))
    dropped = tuple(sorted(set(response) - {o["key"] for o in target.options}))
    old = (item.score or 0.0, attempt.score or 0.0, bool(attempt.passed))
    return RegradeChange(item, old[0], new_item, old[1], new_score, old[2], new_passed, dropped)


def regrade_plan(question: Question) -> RegradePlan:
    """Dry run: regrade submitted attempts that saw an older version, changing nothing."""
    target = question.current
    stmt = (
        select(AttemptItem)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(
            QuestionVersion.question_id == question.id,
            QuestionVersion.number < target.number,
            Attempt.status == AttemptStatus.SUBMITTED,
        )
        .options(
            joinedload(AttemptItem.version),
            joinedload(AttemptItem.attempt).options(
                joinedload(Attempt.user), joinedload(Attempt.quiz), selectinload(Attempt.items)
            ),
        )
        .order_by(Attempt.id)
    )
    outcomes = [_regrade_item(item, target) for item in db.session.scalars(stmt).unique()]
    changes = [c for c in outcomes if abs(c.new_item - c.old_item) > 1e-9]
    dropped = sum(1 for c in outcomes if c.dropped) - sum(1 for c in changes if c.dropped)
    return RegradePlan(target, changes, len(outcomes), dropped)


def _credit_pass(attempt: Attempt) -> None:
    """Complete the module of a newly passed attempt (and the course, if that was the last step)."""
    quiz = attempt.quiz
    if quiz.kind == QuizKind.MODULE and quiz.module_id is not None:
        complete_module(attempt.user_id, quiz.module_id)
    states = load_course_states(attempt.user_id, quiz.course.slug)
    if states and states[0].course_complete:
        mark_course_complete(attempt.user_id, quiz.course_id)


def apply_regrade(question: Question, token: str, actor_id: int) -> RegradePlan:
    """Apply the dry run the instructor confirmed; the items keep pointing at the version seen."""
    plan = regrade_plan(question)
    if not plan.changes:
        raise BankError("Nothing to regrade: no past result would change.")
    if token != plan.token:
        raise BankError(
            "Results changed since the dry run; check the new dry run and confirm again."
        )
    for change in plan.changes:
        change.item.score = change.new_item
        change.item.attempt.score = change.new_score
        change.item.attempt.passed = change.new_passed
    db.session.flush()
    for change in plan.changes:
        if change.new_passed and not change.old_passed:
            _credit_pass(change.item.attempt)
    changes = [c.record() for c in plan.changes]
    version = plan.target.number
    _note(question, "regrade", actor_id, version=version, changes=changes)
    return plan


def next_uid(course: Course, module: Module | None) -> str:
    """Return an unused question ID derived from the module slug (e.g. anxiety-12)."""
    prefix = (module.slug if module else "final")[:40].rstrip("-")
    taken = set(db.session.scalars(select(Question.uid).where(Question.course_id == course.id)))
    number = len(taken) + 1
    while f"{prefix}-{number}" in taken:
        number += 1
    return f"{prefix}-{number}"


def version_usage(question_id: int) -> dict[int, int]:
    """Count attempt items per version of one question."""
    stmt = (
        select(AttemptItem.question_version_id, func.count(AttemptItem.id))
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(QuestionVersion.question_id == question_id)
        .group_by(AttemptItem.question_version_id)
    )
    return dict(db.session.execute(stmt).all())
