"""Question-type registry: each type validates its options, checks and grades responses.

Adding a type means adding one module here, a class with the QuestionType contract, and one
line in the registry below.
"""

from __future__ import annotations

from course.quiz.types.base import UNKNOWN_OPTION, Option, QuestionType, correct_keys
from course.quiz.types.choice import SingleBestAnswer, TrueFalse
from course.quiz.types.multiple import MultipleResponse, option_weight

REGISTRY: dict[str, QuestionType] = {
    kind.name: kind for kind in (SingleBestAnswer(), TrueFalse(), MultipleResponse())
}


def get_type(name: str) -> QuestionType:
    """Return the registered type called `name` (KeyError if unknown)."""
    return REGISTRY[name]


__all__ = [
    "REGISTRY",
    "UNKNOWN_OPTION",
    "MultipleResponse",
    "Option",
    "QuestionType",
    "SingleBestAnswer",
    "TrueFalse",
    "correct_keys",
    "get_type",
    "option_weight",
]
