"""Stratified draws respect their quotas and are reproducible from the stored seed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from course.quiz.draw import DrawError, draw_questions


def version(uid: str, tags: list[str], qtype: str = "single") -> SimpleNamespace:
    options = [{"key": k, "text": k, "correct": k == "a"} for k in "abcd"]
    return SimpleNamespace(
        question=SimpleNamespace(uid=uid), tags=tags, qtype=qtype, options=options, id=uid
    )


POOL = [version(f"q{i:02d}", ["contraindication"] if i < 10 else ["evidence"]) for i in range(40)]
SETTINGS = {
    "question_count": 20,
    "draw": [{"tags": ["contraindication"], "min": 8}],
    "shuffle_questions": True,
    "shuffle_options": True,
}


@pytest.mark.parametrize("seed", range(200))
def test_quota_is_met_for_every_seed(seed: int) -> None:
    drawn = draw_questions(POOL, SETTINGS, seed)
    assert len(drawn) == 20
    assert len({d.version.question.uid for d in drawn}) == 20
    assert sum(1 for d in drawn if "contraindication" in d.version.tags) >= 8


def test_same_seed_same_draw_and_order() -> None:
    a = draw_questions(POOL, SETTINGS, 1234)
    b = draw_questions(list(reversed(POOL)), SETTINGS, 1234)
    assert [(d.version.id, d.option_order) for d in a] == [
        (d.version.id, d.option_order) for d in b
    ]
    c = draw_questions(POOL, SETTINGS, 4321)
    assert [d.version.id for d in a] != [d.version.id for d in c]


def test_options_are_shuffled_but_true_false_is_not() -> None:
    orders = {tuple(d.option_order) for s in range(30) for d in draw_questions(POOL, SETTINGS, s)}
    assert len(orders) > 1
    tf = [version(f"t{i}", ["evidence"], "truefalse") for i in range(5)]
    for item in draw_questions(tf, {"question_count": 5}, 7):
        assert item.option_order == ["a", "b", "c", "d"]


def test_unsatisfiable_quota_is_a_clear_error() -> None:
    with pytest.raises(DrawError, match="tagged"):
        draw_questions(
            POOL, {"question_count": 20, "draw": [{"tags": ["contraindication"], "min": 15}]}, 1
        )
    with pytest.raises(DrawError, match="pool has 40"):
        draw_questions(POOL, {"question_count": 41}, 1)


def test_fixed_list_keeps_its_order_without_shuffle() -> None:
    fixed = ["q05", "q01", "q30"]
    drawn = draw_questions(
        POOL, {"question_count": 3, "fixed": fixed, "shuffle_questions": False}, 99
    )
    assert [d.version.question.uid for d in drawn] == fixed
