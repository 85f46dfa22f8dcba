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
    assert "incorrect option" in " ".join(get_type("multiple").problems(opts(True, True)))
    duplicate = opts(True, False)
    duplicate[1]["text"] = duplicate[0]["text"]
    assert "same text" in " ".join(get_type("single").problems(duplicate))


def test_pass_threshold_tolerates_float_rounding() -> None:
    assert is_pass(attempt_score([1, 1, 1, 1, 0]), 0.8)
    assert not is_pass(attempt_score([1, 1, 1, 0, 0]), 0.8)
    assert attempt_score([]) == 0.0


CHOICE_TYPES = sorted(name for name, kind in REGISTRY.items() if kind.has_key_options)

question = st.integers(min_value=2, max_value=6).flatmap(
    lambda n: st.tuples(
        st.sampled_from(CHOICE_TYPES),
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.lists(st.sampled_from("abcdef"[:n]), max_size=n),
        st.booleans(),
    )
)


def _valid_flags(qtype: str, flags: list[bool]) -> list[bool]:
    if qtype in ("single", "truefalse"):
        flags = [False] * len(flags)
        flags[0] = True
    else:  # multiple response: at least one correct and one incorrect option
        flags = [True, *flags[1:-1], False]
    return flags


@settings(max_examples=300, deadline=None)
@given(question)
def test_score_is_between_zero_and_one(q) -> None:
    qtype, flags, response, partial = q
    options = opts(*_valid_flags(qtype, flags))
    assert 0.0 <= grade_item(qtype, options, response, partial) <= 1.0


@settings(max_examples=300, deadline=None)
@given(question, st.randoms(use_true_random=False))
def test_option_order_never_changes_the_score(q, rnd: random.Random) -> None:
    qtype, flags, response, partial = q
    options = opts(*_valid_flags(qtype, flags))
    shuffled = options[:]
    rnd.shuffle(shuffled)
    assert grade_item(qtype, options, response, partial) == grade_item(
        qtype, shuffled, list(reversed(response)), partial
    )


@settings(max_examples=300, deadline=None)
@given(question)
def test_all_correct_scores_one_all_wrong_scores_zero(q) -> None:
    qtype, flags, _, partial = q
    options = opts(*_valid_flags(qtype, flags))
    right = [o["key"] for o in options if o["correct"]]
    wrong = [o["key"] for o in options if not o["correct"]]
    assert grade_item(qtype, options, right, partial) == 1.0
    if not partial or qtype != "multiple":
        assert grade_item(qtype, options, wrong, partial) == 0.0
    else:
        assert grade_item(qtype, options, wrong, partial) <= 0.0 + 1e-9


# --- Integrity: a response the type cannot hold scores nothing (issue 8) ---------------------

TF = [("true", "True"), ("false", "False")]


def _single_pool(qtype: str, n: int, key_at: int) -> list[dict]:
    if qtype == "truefalse":
        return [
            {"key": k, "text": t, "correct": i == key_at, "rationale": "r"}
            for i, (k, t) in enumerate(TF)
        ]
    return opts(*[i == key_at for i in range(n)])


@pytest.mark.parametrize("partial", [False, True])
@pytest.mark.parametrize(
    ("qtype", "n"), [("single", 2), ("single", 3), ("single", 4), ("single", 5), ("truefalse", 2)]
)
def test_posting_every_option_scores_zero_for_every_key_position(qtype, n, partial) -> None:
    for key_at in range(n):
        options = _single_pool(qtype, n, key_at)
        every = [o["key"] for o in options]
        for order in (every, list(reversed(every))):
            assert grade_item(qtype, options, order, partial) == 0.0, (qtype, key_at, order)
        key = [o["key"] for o in options if o["correct"]]
        assert grade_item(qtype, options, key, partial) == 1.0  # the key alone still scores


@pytest.mark.parametrize("partial", [False, True])
@pytest.mark.parametrize("n", [3, 4, 5, 6])
def test_ticking_every_box_scores_zero_whatever_the_key(n, partial) -> None:
    for mask in range(1, 2**n - 1):  # every key that leaves at least one option out
        options = opts(*[bool(mask >> i & 1) for i in range(n)])
        every = [o["key"] for o in options]
        assert grade_item("multiple", options, every, partial) == 0.0, (mask, partial)


def test_duplicates_and_unknown_options_are_invalid_not_dropped() -> None:
    single = opts(False, True, False)
    assert grade_item("single", single, ["b", "b"], False) == 0.0
    assert grade_item("single", single, ["b", "?"], False) == 0.0
    assert (
        get_type("single").response_problem(["b", "b"], single) == "it names the same option twice"
    )
    assert "does not have" in get_type("single").response_problem(["zz"], single)
    assert "2 options" in get_type("single").response_problem(["a", "b"], single)
    assert get_type("single").response_problem(["b"], single) is None
    multi = opts(True, True, False, False)
    assert grade_item("multiple", multi, ["a", "b", "b"], False) == 0.0
    assert grade_item("multiple", multi, ["a", "b", "?"], True) == 0.0
    assert grade_item("multiple", multi, ["a", "b"], False) == 1.0


def test_partial_credit_weights_must_make_ticking_everything_worthless() -> None:
    lenient = opts(True, True, False, weights=[0.5, 0.5, -0.5])
    found = " ".join(get_type("multiple").problems(lenient))
    assert "-100% or less" in found
    assert "weights add up to 150%" in " ".join(
        get_type("multiple").problems(opts(True, True, False, weights=[0.75, 0.75, -1]))
    )
    assert "positive weight" in " ".join(
        get_type("multiple").problems(opts(True, True, False, weights=[1, 0, -1]))
    )
    assert get_type("multiple").problems(opts(True, True, False, weights=[0.5, 0.5, -1])) == []


def _over_full(qtype: str, n: int) -> st.SearchStrategy:
    """Responses with more options than the type can hold: too many, repeated or unknown."""
    keys = list("abcdef"[:n]) if qtype != "truefalse" else ["true", "false"]
    limit = get_type(qtype).max_choices
    too_many = (
        st.lists(st.sampled_from(keys), min_size=limit + 1, max_size=limit + 3, unique=False)
        if limit
        else st.nothing()
    )
    repeated = st.lists(st.sampled_from(keys), min_size=1, max_size=n).map(lambda r: r + r[:1])
    unknown = st.lists(st.sampled_from(keys), max_size=n).map(lambda r: [*r, "?"])
    every = st.just(keys if get_type(qtype).has_key_options else [*keys, keys[0]])
    strategies = [repeated, unknown] + ([too_many] if limit else [every])
    return st.one_of(*strategies)


invalid_case = st.tuples(
    st.sampled_from(sorted(REGISTRY)), st.integers(2, 6), st.integers(0, 5), st.booleans()
).flatmap(
    lambda t: st.tuples(
        st.just(t[0]),
        st.just(2 if t[0] == "truefalse" else t[1]),
        st.just(t[2]),
        st.just(t[3]),
        _over_full(t[0], 2 if t[0] == "truefalse" else t[1]),
        st.lists(st.booleans(), min_size=6, max_size=6),
    )
)


@settings(max_examples=400, deadline=None)
@given(invalid_case, st.randoms(use_true_random=False))
def test_no_response_beyond_what_the_type_holds_ever_scores(case, rnd: random.Random) -> None:
    qtype, n, key_at, partial, response, flags = case
    if qtype == "multiple":
        options = opts(*_valid_flags(qtype, flags[:n]))
    elif qtype == "ordering":
        options = opts(*[False] * n)
    else:
        options = _single_pool(qtype, n, key_at % n)
    rnd.shuffle(options)
    assert grade_item(qtype, options, response, partial) == 0.0, (qtype, options, response)


# --- Ordering -------------------------------------------------------------------------------


def test_ordering_all_or_nothing_and_partial_credit_by_adjacent_pairs() -> None:
    options = opts(False, False, False, False)  # authored order a, b, c, d is the key
    assert grade_item("ordering", options, ["a", "b", "c", "d"], False) == 1.0
    assert grade_item("ordering", options, ["b", "a", "c", "d"], False) == 0.0
    # Pairs (a,b), (b,c), (c,d): "b a c d" keeps only (c,d); "c d a b" keeps (c,d) and (a,b).
    assert grade_item("ordering", options, ["b", "a", "c", "d"], True) == pytest.approx(1 / 3)
    assert grade_item("ordering", options, ["c", "d", "a", "b"], True) == pytest.approx(2 / 3)
    assert grade_item("ordering", options, ["d", "c", "b", "a"], True) == 0.0
    assert grade_item("ordering", options, ["a", "b", "c"], True) == 0.0  # incomplete: invalid
    assert grade_item("ordering", options, ["a", "b", "c", "c"], True) == 0.0
    assert "places 3 of the 4" in get_type("ordering").response_problem(["a", "b", "c"], options)


def test_ordering_rules_and_presentation() -> None:
    kind = get_type("ordering")
    assert "at least 3 options" in " ".join(kind.problems(opts(False, False)))
    assert "marks no option correct" in " ".join(kind.problems(opts(True, False, False)))
    assert kind.problems(opts(False, False, False)) == []
    keys = ["a", "b", "c"]
    for seed in range(200):  # never shows the answer, even with shuffling turned off
        assert kind.option_order(keys, random.Random(seed), shuffle=False) != keys
    assert kind.canonical(["c", "a", "b"]) == ["c", "a", "b"]  # an order is kept as placed
