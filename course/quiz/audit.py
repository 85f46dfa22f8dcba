"""Find stored responses that their question type cannot hold, and what strict grading gives.

Before strict grading, a single-answer response holding several options was truncated to its
first key and graded; this lists every such response so an admin can regrade it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.models import Attempt, AttemptItem, AttemptStatus
from course.quiz.grading import grade_item, response_problem

BATCH = 500


@dataclass(frozen=True)
class InvalidResponse:
    """One stored response its type cannot hold, with the score it got and the one it earns."""

    item: AttemptItem
    problem: str
    strict_score: float

    @property
    def overscored(self) -> bool:
        """True when the stored score is higher than strict grading gives."""
        return (self.item.score or 0.0) > self.strict_score + 1e-9


def invalid_responses() -> Iterator[InvalidResponse]:
    """Yield every submitted item whose stored response is invalid for the version it showed."""
    last_id = 0
    while True:
        batch = db.session.scalars(
            select(AttemptItem)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .where(Attempt.status == AttemptStatus.SUBMITTED, AttemptItem.id > last_id)
            .options(
                joinedload(AttemptItem.version),
                joinedload(AttemptItem.attempt).options(
                    joinedload(Attempt.user), joinedload(Attempt.quiz)
                ),
            )
            .order_by(AttemptItem.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        for item in batch:
            version = item.version
            problem = response_problem(version.qtype, version.options, item.response)
            if problem is not None:
                partial = item.attempt.rules.partial_credit
                strict = grade_item(version.qtype, version.options, item.response or [], partial)
                yield InvalidResponse(item, problem, strict)
        last_id = batch[-1].id
