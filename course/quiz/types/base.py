"""The question-type contract: validate options, check a response's shape, grade a valid one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

Option = Mapping[str, Any]

# Stands in for a posted token that names no option of the item; no option key can equal it
# (option ids match ^[a-z0-9_-]{1,20}$), so a response holding it can never be valid.
UNKNOWN_OPTION = "?"


class QuestionType:
    """Base class: subclasses set `name`, `label`, `input_type`, `max_choices` and `grade`."""

    name: ClassVar[str]
    label: ClassVar[str]
    input_type: ClassVar[str] = "radio"  # how the learner answers: one choice or several
    max_choices: ClassVar[int | None] = 1  # the most options one response may hold (None: all)
    shuffles_options: ClassVar[bool] = True  # whether a quiz may present options in random order

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

    def canonical(self, response: Sequence[str]) -> list[str]:
        """Return the response in the form it is stored: choices carry no order, so sorted.

        Duplicates and unknown options are kept, so that an invalid response stays invalid.
        """
        return sorted(response)

    def response_problem(self, response: Sequence[str], options: Sequence[Option]) -> str | None:
        """Say why this type cannot hold the response, or return None when it can."""
        known = {o["key"] for o in options}
        if any(key not in known for key in response):
            return "it names an option that this question does not have"
        if len(set(response)) != len(response):
            return "it names the same option twice"
        if self.max_choices is not None and len(response) > self.max_choices:
            allowed = "one option" if self.max_choices == 1 else f"{self.max_choices} options"
            return f"it chooses {len(response)} options where the question takes {allowed}"
        return None

    def score(self, options: Sequence[Option], response: Sequence[str], partial: bool) -> float:
        """Grade a response in [0, 1]: a response the type cannot hold scores nothing."""
        if self.response_problem(response, options) is not None:
            return 0.0
        return max(0.0, min(1.0, self.grade(options, response, partial)))

    def grade(self, options: Sequence[Option], response: Sequence[str], partial: bool) -> float:
        """Return a score for a response already known to be valid."""
        raise NotImplementedError


def correct_keys(options: Sequence[Option]) -> set[str]:
    """Keys of the options marked correct."""
    return {o["key"] for o in options if o.get("correct")}
