"""Regrade past results of a question on its current version: a dry run, then apply it.

Plain functions with explicit arguments; they flush but never commit (the view commits once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from course.audit_actions import AuditAction
from course.extensions import db
from course.fingerprint import digest
from course.instructor.bank.services import BankError, audit_question
from course.learning.progress import load_course_states
from course.learning.services import complete_module, mark_course_complete
from course.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Question,
    QuestionVersion,
    QuizKind,
)
from course.quiz.grading import grade_item, response_problem, score_attempt


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
    attempt, rules = item.attempt, item.attempt.rules
    response = list(item.response or [])
    partial = rules.partial_credit
    new_item = grade_item(target.qtype, target.options, response, partial)
    graded = [
        (target.tags, new_item) if other.id == item.id else (other.version.tags, other.score or 0.0)
        for other in attempt.items
    ]
    result = score_attempt(rules, graded, attempt.late)
    dropped = tuple(sorted(set(response) - {o["key"] for o in target.options}))
    old = (item.score or 0.0, attempt.score or 0.0, bool(attempt.passed))
    return RegradeChange(
        item, old[0], new_item, old[1], result.score, old[2], result.passed, dropped
    )


def _needs_regrade(item: AttemptItem, target: QuestionVersion) -> bool:
    """An older version's response, or one its type cannot hold (graded leniently before)."""
    if item.version.number < target.number:
        return True
    return response_problem(item.version.qtype, item.version.options, item.response) is not None


def regrade_plan(question: Question) -> RegradePlan:
    """Dry run: regrade older-version and invalid responses on the live key, changing nothing.

    The live version is the one learners get: a draft version waiting to be published is not
    a key anyone has been graded on yet."""
    target = question.live
    stmt = (
        select(AttemptItem)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(
            QuestionVersion.question_id == question.id,
            Attempt.status == AttemptStatus.SUBMITTED,
        )
        .options(
            joinedload(AttemptItem.version),
            joinedload(AttemptItem.attempt).options(
                joinedload(Attempt.user),
                joinedload(Attempt.quiz),
                selectinload(Attempt.items).joinedload(AttemptItem.version),
            ),
        )
        .order_by(Attempt.id)
    )
    items = [i for i in db.session.scalars(stmt).unique() if _needs_regrade(i, target)]
    outcomes = [_regrade_item(item, target) for item in items]
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


def apply_regrade(question: Question, token: str | None, actor_id: int) -> RegradePlan:
    """Apply the dry run the instructor confirmed (`token`: the fingerprint it showed); the
    items keep pointing at the version seen."""
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
    audit_question(
        question, AuditAction.QUESTION_REGRADE, actor_id, version=version, changes=changes
    )
    return plan
