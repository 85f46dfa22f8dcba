"""Multiple response (select all that apply): all-or-nothing, or partial credit by weights."""

from __future__ import annotations

from collections.abc import Sequence

from course.quiz.types.base import Option, QuestionType, correct_keys

WEIGHT_TOLERANCE = 1e-6


class MultipleResponse(QuestionType):
    """Select all that apply; all-or-nothing unless the quiz turns partial credit on.

    Partial credit follows Moodle's convention: the correct options' weights add up to +100%
    and the incorrect ones' to -100% or less, so that ticking every option scores nothing.
    """

    name = "multiple"
    label = "Multiple response (select all that apply)"
    input_type = "checkbox"
    max_choices = None
    gift_form = "multiple"

    def problems(self, options: Sequence[Option]) -> list[str]:
        """Require a correct and an incorrect option, and weights that punish ticking all."""
        found = super().problems(options)
        correct = correct_keys(options)
        if not correct:
            found.append("a multiple-response question needs at least one correct option")
        if len(correct) == len(options):
            found.append(
                "a multiple-response question needs at least one incorrect option, "
                "or ticking every box would be the answer"
            )
        if any(o.get("weight") is not None for o in options):
            found.extend(_weight_problems(options, correct))
        return found

    def grade(self, options: Sequence[Option], response: Sequence[str], partial: bool) -> float:
        """Exact set match scores 1; with partial credit, sum option weights clamped to [0, 1]."""
        correct = correct_keys(options)
        chosen = set(response)
        if len(chosen) == len(options):
            return 0.0  # every box ticked is never an answer (the key always leaves one out)
        if not partial:
            return 1.0 if chosen == correct else 0.0
        total = sum(option_weight(o, options) for o in options if o["key"] in chosen)
        return round(total, 9)

    def gift_fractions(self, options: Sequence[Option]) -> list[float]:
        """Moodle fractions: the options' weights (defaults when none are given)."""
        weights = [option_weight(o, options) for o in options]
        if _weight_problems(options, correct_keys(options)):  # Moodle insists on 100% in total
            weights = [option_weight({**o, "weight": None}, options) for o in options]
        return weights

    def from_gift_fractions(
        self, fractions: Sequence[float], keys: Sequence[str]
    ) -> tuple[list[tuple[bool, float | None]], list[str]]:
        """Positive fractions are correct; uneven weights are kept, even ones become defaults.

        Moodle lets incorrect options carry 0%, so that ticking every box scores full marks;
        here such options take the default negative weight instead, and a note says so.
        """
        options = [{"key": str(i), "correct": f > 0} for i, f in enumerate(fractions)]
        defaults = [option_weight(o, options) for o in options]
        notes = []
        even = all(
            abs(f - d) < 1e-4 or (f == 0 and d < 0)
            for f, d in zip(fractions, defaults, strict=True)
        )
        if even and any(f == 0 and d < 0 for f, d in zip(fractions, defaults, strict=True)):
            notes.append(
                f"incorrect options carried 0% in the file; here each carries {min(defaults):.0%}"
                " so that ticking every box scores nothing"
            )
        pairs = [(f > 0, None if even else round(f, 7)) for f in fractions]
        return pairs, notes


def option_weight(option: Option, options: Sequence[Option]) -> float:
    """An option's partial-credit weight: explicit when given, else +1/#correct or -1/#wrong."""
    if option.get("weight") is not None:
        return float(option["weight"])
    correct = correct_keys(options)
    if option.get("correct"):
        return 1.0 / max(len(correct), 1)
    return -1.0 / max(len(options) - len(correct), 1)


def _weight_problems(options: Sequence[Option], correct: set[str]) -> list[str]:
    weights = [(o, option_weight(o, options)) for o in options]
    plus = sum(w for o, w in weights if o["key"] in correct)
    minus = sum(w for o, w in weights if o["key"] not in correct)
    found = []
    if any(w <= 0 for o, w in weights if o["key"] in correct):
        found.append("every correct option needs a positive weight")
    if any(w > 0 for o, w in weights if o["key"] not in correct):
        found.append("an incorrect option cannot carry a positive weight")
    if abs(plus - 1.0) > WEIGHT_TOLERANCE:
        found.append(f"the correct options' weights add up to {plus:.0%}, not 100%")
    if minus > -1.0 + WEIGHT_TOLERANCE:
        found.append(
            f"the incorrect options' weights add up to {minus:.0%}; they need -100% or less "
            "so that ticking every option scores nothing"
        )
    return found
