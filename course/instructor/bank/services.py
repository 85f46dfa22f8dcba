"""Question-bank services: versioned saves, lifecycle (publish, retire, restore, delete), audit.

The list with statistics lives in bank.listing, regrading in bank.regrade.

Plain functions with explicit arguments; they flush but never commit (the view commits once).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from course.audit import record_audit
from course.audit_actions import AuditAction
from course.content.schema import QuestionEntry
from course.extensions import db
from course.fingerprint import digest

# Re-exported: the list and its statistics live in bank.listing.
from course.instructor.bank.listing import MIN_ATTEMPTS as MIN_ATTEMPTS
from course.instructor.bank.listing import BankFilters as BankFilters
from course.instructor.bank.listing import BankRow as BankRow
from course.instructor.bank.listing import ItemStat as ItemStat
from course.instructor.bank.listing import current_stats as current_stats
from course.instructor.bank.listing import list_questions as list_questions
from course.instructor.bank.listing import usage_counts as usage_counts
from course.models import (
    AttemptItem,
    AuditEntry,
    Course,
    Module,
    Question,
    QuestionStatus,
    QuestionVersion,
)
from course.quiz.versions import add_version, publish_latest, question_payload

# The QuestionVersion columns that make up its content (the payload question_payload returns).
VERSIONED = (
    "qtype",
    "stem",
    "options",
    "feedback",
    "objective",
    "tags",
    "references",
    "difficulty",
    "vignette",
)


class BankError(Exception):
    """A bank rule refuses the action; the message says why."""


def audit(
    actor_id: int | None,
    action: AuditAction,
    target_type: str,
    target_id: int | None,
    **details: Any,
) -> AuditEntry:
    """Append an audit entry for a bank action (through the one writer, course.audit)."""
    return record_audit(actor_id, action, target_type, target_id, details=details)


def audit_question(question: Question, action: AuditAction, actor_id: int, **details: Any) -> None:
    """Audit an action on a question, naming it by uid."""
    audit(actor_id, action, "question", question.id, uid=question.uid, **details)


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
    audit_question(question, AuditAction.QUESTION_CREATE, actor_id, version=1)
    return question


def update_question(
    question: Question,
    module: Module | None,
    payload: dict[str, Any],
    actor_id: int,
    *,
    hold_published: bool = False,
) -> QuestionVersion | None:
    """Add a version when the content changed (versions are never edited); None if unchanged.

    hold_published: on a published question the new version waits as a draft version, and
    learners keep the live one until it is published (the editor's rule; imports go live).
    """
    moved = (module.id if module else None) != question.module_id
    if moved:
        question.module = module
    content_hash = digest(payload)
    if content_hash == question.current.content_hash:
        if moved:
            audit_question(
                question,
                AuditAction.QUESTION_EDIT,
                actor_id,
                moved_to=module.slug if module else None,
            )
        return None
    live = not (hold_published and question.status == QuestionStatus.PUBLISHED)
    version = add_version(question, payload, content_hash, actor_id, live=live)
    db.session.flush()
    details = {} if live else {"draft": True, "live_version": question.live_number}
    audit_question(question, AuditAction.QUESTION_EDIT, actor_id, version=version.number, **details)
    return version


def restore_version(question: Question, number: int, actor_id: int) -> QuestionVersion:
    """Copy an old version's content into a new version (a draft version if published)."""
    old = next((v for v in question.versions if v.number == number), None)
    if old is None:
        raise BankError(f"{question.uid} has no version {number}.")
    payload = {name: getattr(old, name) for name in VERSIONED}
    if digest(payload) == question.current.content_hash:
        raise BankError(f"Version {number} is already the newest content: nothing to restore.")
    live = question.status != QuestionStatus.PUBLISHED
    version = add_version(question, payload, digest(payload), actor_id, live=live)
    db.session.flush()
    audit_question(
        question,
        AuditAction.QUESTION_RESTORE_VERSION,
        actor_id,
        from_version=number,
        version=version.number,
    )
    return version


# action: (statuses it applies to, resulting status, past tense for messages)
TRANSITIONS = {
    "publish": ({QuestionStatus.DRAFT}, QuestionStatus.PUBLISHED, "published"),
    "retire": ({QuestionStatus.DRAFT, QuestionStatus.PUBLISHED}, QuestionStatus.RETIRED, "retired"),
    "restore": ({QuestionStatus.RETIRED}, QuestionStatus.DRAFT, "restored"),
}
TRANSITION_ACTIONS = {
    "publish": AuditAction.QUESTION_PUBLISH,
    "retire": AuditAction.QUESTION_RETIRE,
    "restore": AuditAction.QUESTION_RESTORE,
}


def change_status(question: Question, action: str, actor_id: int) -> QuestionStatus:
    """Publish a draft (or a published question's waiting draft version), retire a draft or
    published question, or restore a retired one."""
    allowed, target, done = TRANSITIONS[action]
    if action == "publish" and question.pending_draft:
        live = question.live_number
        publish_latest(question)
        audit_question(
            question,
            AuditAction.QUESTION_PUBLISH,
            actor_id,
            version=question.latest_number,
            replaced=live,
        )
        return question.status
    if question.status not in allowed:
        raise BankError(f"A {question.status.value} question cannot be {done}.")
    before = question.status.value
    question.status = target
    if target != QuestionStatus.RETIRED:
        publish_latest(question)  # a (re)published or restored question serves its newest
    audit_question(
        question, TRANSITION_ACTIONS[action], actor_id, before=before, after=target.value
    )
    return target


def delete_question(question: Question, actor_id: int) -> None:
    """Delete a never-attempted draft and its versions; anything else can only be retired."""
    if question.status != QuestionStatus.DRAFT:
        raise BankError("Only a draft can be deleted; retire this question instead.")
    used = sum(version_usage(question.id).values())
    if used:
        raise BankError(f"This question was attempted {used} times: retire it instead.")
    audit_question(question, AuditAction.QUESTION_DELETE, actor_id, versions=len(question.versions))
    for version in question.versions:
        db.session.delete(version)
    db.session.delete(question)
    db.session.flush()


NUMBERED = re.compile(r"^(?P<prefix>.+?)(?P<sep>-?)(?P<number>\d+)$")


def _style(uid: str) -> tuple[str, str, int] | None:
    """(prefix, separator, zero-padded width or 0) of a numbered id like contra-7; else None."""
    match = NUMBERED.match(uid)
    if match is None:
        return None
    digits = match["number"]
    width = len(digits) if digits.startswith("0") and len(digits) > 1 else 0
    return match["prefix"], match["sep"], width


def next_uid(course: Course, module: Module | None) -> str:
    """Return an unused id in the style of the module's pool (contra-1..10 gives contra-11).

    The most common numbered style in the pool wins (ties: the newest question's); a pool
    without numbered ids gets the module slug (final for the final-exam pool). The number
    follows the highest one of that style anywhere in the course, skipping taken ids.
    """
    rows = db.session.execute(
        select(Question.uid, Question.module_id)
        .where(Question.course_id == course.id)
        .order_by(Question.id)
    ).all()
    taken = {uid for uid, _ in rows}
    module_id = module.id if module else None
    styles = [style for uid, mid in rows if mid == module_id and (style := _style(uid))]
    counts = Counter(styles)
    if counts:
        best = max(counts.values())
        prefix, sep, width = next(s for s in reversed(styles) if counts[s] == best)
    else:
        prefix, sep, width = (module.slug if module else "final")[:40].rstrip("-"), "-", 0
    numbers = [
        int(match["number"])
        for uid in taken
        if (match := NUMBERED.match(uid)) and (match["prefix"], match["sep"]) == (prefix, sep)
    ]
    number = max(numbers, default=0) + 1
    while (uid := f"{prefix}{sep}{number:0{width}d}") in taken:
        number += 1
    return uid


def version_usage(question_id: int) -> dict[int, int]:
    """Count attempt items per version of one question."""
    stmt = (
        select(AttemptItem.question_version_id, func.count(AttemptItem.id))
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(QuestionVersion.question_id == question_id)
        .group_by(AttemptItem.question_version_id)
    )
    return dict(db.session.execute(stmt).all())
