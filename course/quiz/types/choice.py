"""One-answer types: single best answer and true/false."""

from __future__ import annotations

from collections.abc import Sequence

from course.quiz.types.base import Option, QuestionType, correct_keys


class SingleBestAnswer(QuestionType):
    """One best answer among several options."""

    name = "single"
    label = "Single best answer"
    gift_form = "single"

    def problems(self, options: Sequence[Option]) -> list[str]:
        """Require exactly one correct option."""
        found = super().problems(options)
        if len(correct_keys(options)) != 1:
            found.append("a single-answer question needs exactly one correct option")
        return found

    def grade(self, options: Sequence[Option], response: Sequence[str], partial: bool) -> float:
        """Full marks for the key alone, nothing otherwise."""
        return 1.0 if len(response) == 1 and set(response) == correct_keys(options) else 0.0


class TrueFalse(SingleBestAnswer):
    """A statement judged true or false."""

    name = "truefalse"
    label = "True / false"
    shuffles_options = False  # "True" then "False", always: the order carries no clue
    fixed_keys = ("true", "false")
    gift_form = "truefalse"

    def problems(self, options: Sequence[Option]) -> list[str]:
        """Require exactly the options 'true' and 'false', one of them correct."""
        found = super().problems(options)
        if sorted(o.get("key") for o in options) != ["false", "true"]:
            found.append("a true/false question has exactly two options: True and False")
        return found
