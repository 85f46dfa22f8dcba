"""The question-type contract: validate options, check a response's shape, grade a valid one."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

Option = Mapping[str, Any]

# Stands in for a posted token that names no option of the item; no option key can equal it
# (option ids match ^[a-z0-9_-]{1,20}$), so a response holding it can never be valid.
UNKNOWN_OPTION = "?"


class NotExportable(ValueError):
    """The type has no form in an interchange format (the message says why)."""


class QuestionType:
    """Base class: subclasses set `name`, `label`, `input_type`, `max_choices` and `grade`."""

    name: ClassVar[str]
    label: ClassVar[str]
    input_type: ClassVar[str] = "radio"  # how the learner answers: one choice or several
    max_choices: ClassVar[int | None] = 1  # the most options one response may hold (None: all)
    shuffles_options: ClassVar[bool] = True  # whether a quiz may present options in random order
    fixed_keys: ClassVar[tuple[str, ...] | None] = None  # option keys the type prescribes
    template: ClassVar[str] = "quiz/types/_choice.html"  # the learner's answer partial
    review_template: ClassVar[str] = "quiz/types/_choice_review.html"
    gift_form: ClassVar[str | None] = None  # how GIFT writes it; None when GIFT cannot
    has_key_options: ClassVar[bool] = True  # options are marked correct (not an order)

    @property
    def written_choices(self) -> bool:
        """Options the author wrote and keyed (not true/false, not an order): item-writing
        rules about option length, clues and cue words apply to them."""
        return self.has_key_options and self.fixed_keys is None

    @property
    def one_written_key(self) -> bool:
        """A single best answer among written options: its key has an authored position."""
        return self.written_choices and self.max_choices == 1

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

    def decode_response(self, tokens: Sequence[str], lookup: Mapping[str, str]) -> list[str]:
        """Map posted option tokens to keys, keeping every token as posted (unknown as '?').

        An empty value means "nothing chosen here" and carries no option, so it is skipped.
        """
        keys = [lookup.get(str(token), UNKNOWN_OPTION) for token in tokens if token != ""]
        return self.canonical(keys)

    def option_order(self, keys: list[str], rng: random.Random, shuffle: bool) -> list[str]:
        """Return the order the learner sees the options in."""
        order = list(keys)
        if shuffle and self.shuffles_options:
            rng.shuffle(order)
        return order

    def gift_fractions(self, options: Sequence[Option]) -> list[float]:
        """Moodle answer fractions for the options: 1 for the key, 0 otherwise."""
        return [1.0 if o.get("correct") else 0.0 for o in options]

    def from_gift_fractions(
        self, fractions: Sequence[float], keys: Sequence[str]
    ) -> tuple[list[tuple[bool, float | None]], list[str]]:
        """Map Moodle fractions to (correct, weight) per option, with notes for the preview.

        The top fraction is the key; a partly-right option scores 0 here, and a note says so.
        """
        top = max(fractions)
        notes = [
            f"option {key} is worth {f:.0%} in the file; here it scores 0"
            for key, f in zip(keys, fractions, strict=True)
            if 0 < f < top
        ]
        return [(f == top and f > 0, None) for f in fractions], notes

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
