"""Grading rules and their properties, independent of the web layer."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.quiz.grading import attempt_score, grade_item, is_pass
from course.quiz.types import REGISTRY, get_type


def opts(*flags: bool, weights: list[float | None] | None = None) -> list[dict]:
    weights = weights or [None] * len(flags)
    return [
        {"key": chr(97 + i), "text": f"option {i}", "correct": f, "weight": w, "rationale": "r"}
        for i, (f, w) in enumerate(zip(flags, weights, strict=True))
    ]


def test_single_best_answer() -> None:
    options = opts(False, True, False, False)
    assert grade_item("single", options, ["b"], False) == 1.0
    assert grade_item("single", options, ["a"], False) == 0.0
    assert grade_item("single", options, [], False) == 0.0
    assert grade_item("single", options, ["a", "b"], False) == 0.0  # radio: one choice only
    assert grade_item("single", options, ["zzz"], False) == 0.0


def test_true_false() -> None:
    options = [
        {"key": "true", "text": "True", "correct": False, "rationale": "r"},
        {"key": "false", "text": "False", "correct": True, "rationale": "r"},
    ]
    assert grade_item("truefalse", options, ["false"], False) == 1.0
    assert grade_item("truefalse", options, ["true"], False) == 0.0
    assert get_type("truefalse").problems(options) == []
    assert get_type("truefalse").problems(opts(True, False))


def test_multiple_response_all_or_nothing_by_default() -> None:
    options = opts(True, True, False, False)
    assert grade_item("multiple", options, ["a", "b"], False) == 1.0
    assert grade_item("multiple", options, ["a"], False) == 0.0
    assert grade_item("multiple", options, ["a", "b", "c"], False) == 0.0


def test_multiple_response_partial_credit() -> None:
    options = opts(True, True, False, False)
    assert grade_item("multiple", options, ["a"], True) == pytest.approx(0.5)
    assert grade_item("multiple", options, ["a", "c"], True) == 0.0
    assert grade_item("multiple", options, ["a", "b"], True) == 1.0
    weighted = opts(True, True, False, weights=[0.5, 0.5, -1.0])
    assert grade_item("multiple", weighted, ["a", "c"], True) == 0.0
    assert grade_item("multiple", weighted, ["b"], True) == pytest.approx(0.5)


def test_type_rules() -> None:
    assert get_type("single").problems(opts(True, True))
    assert get_type("single").problems(opts(True))
    assert get_type("multiple").problems(opts(False, False))
    assert get_type("multiple").problems(opts(True, False)) == []
    duplicate = opts(True, False)
    duplicate[1]["text"] = duplicate[0]["text"]
    assert "same text" in " ".join(get_type("single").problems(duplicate))


def test_pass_threshold_tolerates_float_rounding() -> None:
    assert is_pass(attempt_score([1, 1, 1, 1, 0]), 0.8)
    assert not is_pass(attempt_score([1, 1, 1, 0, 0]), 0.8)
    assert attempt_score([]) == 0.0


question = st.integers(min_value=2, max_value=6).flatmap(
    lambda n: st.tuples(
        st.sampled_from(sorted(REGISTRY)),
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.lists(st.sampled_from("abcdef"[:n]), max_size=n),
        st.booleans(),
    )
)


def _valid_flags(qtype: str, flags: list[bool]) -> list[bool]:
    if qtype in ("single", "truefalse"):
        flags = [False] * len(flags)
        flags[0] = True
    elif not any(flags):
        flags = [True, *flags[1:]]
    return flags


@settings(max_examples=300, deadline=None)
@given(question)
def test_score_is_between_zero_and_one(q) -> None:  # noqa: ANN001
    qtype, flags, response, partial = q
    options = opts(*_valid_flags(qtype, flags))
    assert 0.0 <= grade_item(qtype, options, response, partial) <= 1.0


@settings(max_examples=300, deadline=None)
@given(question, st.randoms(use_true_random=False))
def test_option_order_never_changes_the_score(q, rnd: random.Random) -> None:  # noqa: ANN001
    qtype, flags, response, partial = q
    options = opts(*_valid_flags(qtype, flags))
    shuffled = options[:]
    rnd.shuffle(shuffled)
    assert grade_item(qtype, options, response, partial) == grade_item(
        qtype, shuffled, list(reversed(response)), partial
    )


@settings(max_examples=300, deadline=None)
@given(question)
def test_all_correct_scores_one_all_wrong_scores_zero(q) -> None:  # noqa: ANN001
    qtype, flags, _, partial = q
    options = opts(*_valid_flags(qtype, flags))
    right = [o["key"] for o in options if o["correct"]]
    wrong = [o["key"] for o in options if not o["correct"]]
    assert grade_item(qtype, options, right, partial) == 1.0
    if not partial or qtype != "multiple":
        assert grade_item(qtype, options, wrong, partial) == 0.0
    else:
        assert grade_item(qtype, options, wrong, partial) <= 0.0 + 1e-9
