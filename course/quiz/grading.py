"""Server-side grading: score each item with its type, then the attempt."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
    """Compare with a tiny tolerance so 4/5 passes an 0.8 mark despite float rounding."""
    return score + PASS_EPSILON >= pass_score
