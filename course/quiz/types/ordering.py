"""Ordering: the learner puts the options in order; the authored option order is the key."""

from __future__ import annotations

import random
from collections.abc import Sequence

from course.quiz.types.base import NotExportable, Option, QuestionType, correct_keys

MIN_OPTIONS = 3


class Ordering(QuestionType):
    """Put the options in order. All-or-nothing, or with partial credit by correct adjacent
    pairs: each consecutive pair the learner placed in the right relative order and next to
    each other earns 1/(n - 1)."""

    name = "ordering"
    label = "Ordering (put in order)"
    input_type = "order"
    max_choices = None
    template = "quiz/types/_ordering.html"
    review_template = "quiz/types/_ordering_review.html"
    has_key_options = False

    def problems(self, options: Sequence[Option]) -> list[str]:
        """Require at least three options, none marked correct: the order itself is the key."""
        found = super().problems(options)
        if len(options) < MIN_OPTIONS:
            found.append(f"an ordering question needs at least {MIN_OPTIONS} options")
        if correct_keys(options):
            found.append(
                "an ordering question marks no option correct: list the options in the right "
                "order instead"
            )
        if any(o.get("weight") is not None for o in options):
            found.append("an ordering question takes no option weights")
        return found

    def canonical(self, response: Sequence[str]) -> list[str]:
        """An order is the answer, so it is stored exactly as placed."""
        return list(response)

    def response_problem(self, response: Sequence[str], options: Sequence[Option]) -> str | None:
        """A valid order places every option exactly once (an empty response is unanswered)."""
        found = super().response_problem(response, options)
        if found is None and response and len(response) != len(options):
            found = f"it places {len(response)} of the {len(options)} options"
        return found

    def option_order(self, keys: list[str], rng: random.Random, shuffle: bool) -> list[str]:
        """Always shuffle (showing the authored order would give the answer away)."""
        order = list(keys)
        while len(order) > 1 and order == keys:
            rng.shuffle(order)
        return order

    def grade(self, options: Sequence[Option], response: Sequence[str], partial: bool) -> float:
        """1 for the exact order; with partial credit, the share of correct adjacent pairs."""
        key = [o["key"] for o in options]
        if list(response) == key:
            return 1.0
        if not partial or len(response) != len(key):
            return 0.0
        pairs = set(zip(key, key[1:], strict=False))
        placed = sum(1 for pair in zip(response, response[1:], strict=False) if pair in pairs)
        return round(placed / (len(key) - 1), 9)

    def gift_fractions(self, options: Sequence[Option]) -> list[float]:
        """GIFT has no ordering question."""
        raise NotExportable("GIFT cannot express an ordering question")
