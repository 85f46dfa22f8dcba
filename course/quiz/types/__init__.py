"""Question-type registry: each type validates its options, checks and grades responses.

Adding a type means adding one module here, a class with the QuestionType contract, and one
line in the registry below.
"""

from __future__ import annotations

from course.quiz.types.base import (
    UNKNOWN_OPTION,
    NotExportable,
    Option,
    QuestionType,
    correct_keys,
)
from course.quiz.types.choice import SingleBestAnswer, TrueFalse
from course.quiz.types.multiple import MultipleResponse, option_weight
from course.quiz.types.ordering import Ordering

REGISTRY: dict[str, QuestionType] = {
    kind.name: kind for kind in (SingleBestAnswer(), TrueFalse(), MultipleResponse(), Ordering())
}
# The one-answer types (a radio button per option), derived from the registry.
SINGLE_ANSWER = tuple(name for name, kind in REGISTRY.items() if kind.max_choices == 1)


def get_type(name: str) -> QuestionType:
    """Return the registered type called `name` (KeyError if unknown)."""
    return REGISTRY[name]


__all__ = [
    "REGISTRY",
    "UNKNOWN_OPTION",
    "SINGLE_ANSWER",
    "MultipleResponse",
    "NotExportable",
    "Ordering",
    "Option",
    "QuestionType",
    "SingleBestAnswer",
    "TrueFalse",
    "correct_keys",
    "get_type",
    "option_weight",
]
