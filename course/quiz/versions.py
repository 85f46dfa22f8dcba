"""Question versions: the one writer of the immutable QuestionVersion rows.

Content sync, the bank editor, GIFT/Aiken import and YAML import all write versions here.
"""

from __future__ import annotations

from typing import Any

from course.content.schema import QuestionEntry
from course.extensions import db
from course.models import Question, QuestionVersion


def question_payload(entry: QuestionEntry) -> dict[str, Any]:
    """The versioned content of a question, in the shape stored on QuestionVersion."""
    return {
        "qtype": entry.type,
        "stem": entry.stem,
        "options": [
            {
                "key": o.id,
                "text": o.text,
                "correct": o.correct,
                "weight": o.weight,
                "rationale": o.rationale,
            }
            for o in entry.options
        ],
        "feedback": entry.feedback,
        "objective": entry.objective,
        "tags": list(entry.tags),
        "references": list(entry.references),
        "difficulty": entry.difficulty,
        "vignette": entry.vignette,
    }


def add_version(
    question: Question,
    payload: dict[str, Any],
    content_hash: str,
    created_by_id: int | None = None,
    *,
    live: bool = True,
) -> QuestionVersion:
    """Append a new immutable version to a question.

    live: the new version is served at once (content sync, imports, drafts). Otherwise it waits
    as a draft version: learners keep the version they get now until `publish_latest`.
    """
    if live:
        question.live_number = None
    elif question.live_number is None:
        question.live_number = question.latest_number
    question.latest_number += 1
    version = QuestionVersion(
        question=question,
        number=question.latest_number,
        content_hash=content_hash,
        created_by_id=created_by_id,
        **payload,
    )
    db.session.add(version)
    return version


def publish_latest(question: Question) -> None:
    """Make the newest version the live one (publishing a waiting draft version)."""
    question.live_number = None
