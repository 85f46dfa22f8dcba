"""Server-side grading: score each item with its type, then the attempt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from course.quiz.settings import QuizRules
from course.quiz.types import get_type

PASS_EPSILON = 1e-9


def grade_item(
    qtype: str, options: Sequence[dict[str, Any]], response: Sequence[str], partial: bool
) -> float:
    """Return an item's score in [0, 1]; a response its type cannot hold scores 0."""
    return get_type(qtype).score(options, list(response), partial)


def response_problem(
    qtype: str, options: Sequence[dict[str, Any]], response: Sequence[str] | None
) -> str | None:
    """Say why a stored response is invalid for its question, or None when it is valid."""
    return get_type(qtype).response_problem(list(response or []), options)


def attempt_score(item_scores: Sequence[float]) -> float:
    """Each item weighs the same; an empty attempt scores 0."""
    return sum(item_scores) / len(item_scores) if item_scores else 0.0


def is_pass(score: float, pass_score: float) -> bool:
    """Compare with a tiny tolerance so 4/5 passes a four-fifths mark despite float rounding."""
    return score + PASS_EPSILON >= pass_score


@dataclass(frozen=True)
class CriticalResult:
    """How an attempt did on one critical area: the items carrying its tags, on their own."""

    name: str
    pass_score: float
    count: int
    score: float  # the mean item score in the area (0 when the attempt drew none)

    @property
    def passed(self) -> bool:
        """An area with no items drawn cannot be shown to be mastered, so it is not met."""
        return self.count > 0 and is_pass(self.score, self.pass_score)


@dataclass(frozen=True)
class AttemptResult:
    """An attempt's total, its critical areas and whether it passes: one rule for all callers."""

    score: float
    critical: tuple[CriticalResult, ...]
    passed: bool

    @property
    def shortfalls(self) -> tuple[CriticalResult, ...]:
        """The critical areas the attempt did not meet."""
        return tuple(c for c in self.critical if not c.passed)


def score_attempt(
    settings: QuizRules | Mapping[str, Any],
    items: Sequence[tuple[Sequence[str], float]],
    late: bool,
) -> AttemptResult:
    """Score graded items (tags, score): the total, each critical area, and the pass decision.

    A late attempt under the 'not_counted' policy scores 0. Passing needs the total pass mark
    and every critical area's own mark, so a strong total cannot hide failed safety items.
    """
    rules = QuizRules.from_raw(settings)
    counted = not (late and rules.late_policy == "not_counted")
    score = round(attempt_score([s for _, s in items]) if counted else 0.0, 6)
    critical = []
    for rule in rules.critical:
        tags = set(rule.tags)
        scores = [s for item_tags, s in items if tags & set(item_tags)] if counted else []
        area = attempt_score(scores) if scores else 0.0
        critical.append(CriticalResult(rule.name, rule.pass_score, len(scores), round(area, 6)))
    total_pass = is_pass(score, rules.pass_score)
    passed = total_pass and all(c.passed for c in critical)
    return AttemptResult(score, tuple(critical), passed)
