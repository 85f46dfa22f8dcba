"""Question-type registry: each type validates its options, names its input and grades answers.

Adding a type means adding one class here and decorating it with @register.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

Option = Mapping[str, Any]


class QuestionType:
    """Base class: subclasses set `name`, `label`, `input_type` and implement the checks."""

    name: ClassVar[str]
    label: ClassVar[str]
    input_type: ClassVar[str] = "radio"  # how the learner answers: one choice or several

    def problems(self, options: Sequence[Option]) -> list[str]:
        """Return what is wrong with these options for this type (empty when valid)."""
        problems = []
        if len(options) < 2:
            problems.append("needs at least 2 options")
        keys = [o.get("key") for o in options]
        if len(set(keys)) != len(keys):
            problems.append("option ids must be unique")
        texts = [" ".join(str(o.get("text", "")).lower().split()) for o in options]
        if len(set(texts)) != len(texts):
            problems.append("two options have the same text")
        return problems

    def normalise_response(self, response: Iterable[str], options: Sequence[Option]) -> list[str]:
        """Keep only known option keys, deduplicated, in a canonical (sorted) order."""
        valid = {o["key"] for o in options}
        chosen = sorted({str(r) for r in response} & valid)
        return chosen[:1] if self.input_type == "radio" else chosen

    def grade(self, options: Sequence[Option], response: Sequence[str], partial: bool) -> float:
        """Return a score in [0, 1] for the (normalised) response."""
        raise NotImplementedError


REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: add a question type to the registry under its name."""
    REGISTRY[cls.name] = cls()
    return cls


def get_type(name: str) -> QuestionType:
    """Return the registered type called `name` (KeyError if unknown)."""
    return REGISTRY[name]


def _correct(options: Sequence[Option]) -> set[str]:
    return {o["key"] for o in options if o.get("correct")}


@register
class SingleBestAnswer(QuestionType):
    """One best answer among several options."""

    name = "single"
    label = "Single best answer"

    def problems(self, options: Sequence[Option]) -> list[str]:
        """Require exactly one correct option."""
        found = super().problems(options)
        if len(_correct(options)) != 1:
            found.append("a single-answer question needs exactly one correct option")
        return found

    def grade(self, options: Sequence[Option], response: Sequence[str], partial: bool) -> float:
        """Full marks for the key, nothing otherwise."""
        return 1.0 if set(response) == _correct(options) and response else 0.0


@register
class TrueFalse(SingleBestAnswer):
    """A statement judged true or false."""

    name = "truefalse"
    label = "True / false"

    def problems(self, options: Sequence[Option]) -> list[str]:
        """Require exactly the options 'true' and 'false', one of them correct."""
        found = super().problems(options)
        if sorted(o.get("key") for o in options) != ["false", "true"]:
            found.append("a true/false question has exactly the options 'true' and 'false'")
        return found


@register
class MultipleResponse(QuestionType):
    """Select all that apply; all-or-nothing unless the quiz turns partial credit on."""

    name = "multiple"
    label = "Multiple response (select all that apply)"
    input_type = "checkbox"

    def problems(self, options: Sequence[Option]) -> list[str]:
        """Require at least one correct option."""
        found = super().problems(options)
        if not _correct(options):
            found.append("a multiple-response question needs at least one correct option")
        return found

    def grade(self, options: Sequence[Option], response: Sequence[str], partial: bool) -> float:
        """Exact set match scores 1; with partial credit, sum option weights clamped to [0, 1]."""
        correct = _correct(options)
        chosen = set(response)
        if not partial:
            return 1.0 if chosen == correct else 0.0
        total = sum(_weight(o, len(correct)) for o in options if o["key"] in chosen)
        return max(0.0, min(1.0, round(total, 9)))


def _weight(option: Option, n_correct: int) -> float:
    """An option's partial-credit weight: explicit when given, else ±1/(number of correct)."""
    if option.get("weight") is not None:
        return float(option["weight"])
    share = 1.0 / max(n_correct, 1)
    return share if option.get("correct") else -share
