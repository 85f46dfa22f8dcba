"""Tests for item analysis statistics, checked against figures worked out by hand.

The hand-worked dataset: 6 learners x 4 dichotomous items (options A-D).

    learner  Q1 Q2 Q3 Q4 | total   choices (Q1 Q2 Q3 Q4)
    L1        1  1  1  1 |   4     AC  B   A   D
    L2        1  1  1  0 |   3     AC  B   A   C
    L3        1  1  0  0 |   2     AC  B   D   C
    L4        1  0  1  0 |   2     AC  C   A   C
    L5        1  0  1  0 |   2     AC  C   A   A
    L6        1  0  0  0 |   1     AC  A   D   C

Keys: Q1 = {A, C} (multiple response, everyone right), Q2 = B, Q3 = A, Q4 = D.
Totals: sum = 14, mean = 14/6 = 7/3, sum of squares = 16+9+4+4+4+1 = 38.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.psychometrics import (
    LOW_DISCRIMINATION,
    NOT_ENOUGH,
    TOO_EASY,
    TOO_HARD,
    ItemResponse,
    ItemSpec,
    discrimination_point_biserial,
    discrimination_upper_lower,
    distractor_analysis,
    facility,
    flags,
    item_report,
    kr20,
)

MATRIX = [
    [1, 1, 1, 1],
    [1, 1, 1, 0],
    [1, 1, 0, 0],
    [1, 0, 1, 0],
    [1, 0, 1, 0],
    [1, 0, 0, 0],
]
TOTALS = [4.0, 3.0, 2.0, 2.0, 2.0, 1.0]
CHOICES = {
    "Q1": [("A", "C")] * 6,
    "Q2": [("B",), ("B",), ("B",), ("C",), ("C",), ("A",)],
    "Q3": [("A",), ("A",), ("D",), ("A",), ("A",), ("D",)],
    "Q4": [("D",), ("C",), ("C",), ("C",), ("A",), ("C",)],
}
KEYS = {"Q1": ("A", "C"), "Q2": ("B",), "Q3": ("A",), "Q4": ("D",)}
ITEMS = ["Q1", "Q2", "Q3", "Q4"]
OPTIONS = ("A", "B", "C", "D")
APPROX = {"abs": 1e-9}


def column(j: int) -> list[float]:
    """Return item j's scores for L1..L6."""
    return [float(row[j]) for row in MATRIX]


def responses() -> list[ItemResponse]:
    """Return the dataset as ItemResponse records."""
    return [
        ItemResponse(f"L{i + 1}", item, float(MATRIX[i][j]), CHOICES[item][i])
        for i in range(6)
        for j, item in enumerate(ITEMS)
    ]


def specs() -> list[ItemSpec]:
    """Return the four item specs with options A-D and their keys."""
    return [ItemSpec(item, OPTIONS, KEYS[item]) for item in ITEMS]


# Facility = number right / 6.
#   Q1 6/6 = 1;  Q2 3/6 = 0.5;  Q3 4/6 = 2/3;  Q4 1/6.
@pytest.mark.parametrize(("j", "expected"), [(0, 1.0), (1, 0.5), (2, 2 / 3), (3, 1 / 6)])
def test_facility_by_hand(j: int, expected: float) -> None:
    assert facility(column(j)) == pytest.approx(expected, **APPROX)


# Corrected point-biserial: r(x, y) with y = total - x (the rest of the test), n = 6,
# Sxy = sum(xy) - sum(x)sum(y)/n, Sxx = sum(x^2) - sum(x)^2/n, Syy likewise, r = Sxy/sqrt(SxxSyy).
# Q2: x = 1,1,1,0,0,0; y = 3,2,1,2,2,1. sum x = 3, sum y = 11, sum xy = 3+2+1 = 6,
#     sum x^2 = 3, sum y^2 = 9+4+1+4+4+1 = 23.
#     Sxy = 6 - 33/6 = 1/2; Sxx = 3 - 9/6 = 3/2; Syy = 23 - 121/6 = 17/6.
#     r = (1/2) / sqrt(3/2 * 17/6) = (1/2) / sqrt(17/4) = 1/sqrt(17) = 0.2425...
# Q3: x = 1,1,0,1,1,0; y = 3,2,2,1,1,1. sum x = 4, sum y = 10, sum xy = 3+2+1+1 = 7,
#     sum x^2 = 4, sum y^2 = 9+4+4+1+1+1 = 20.
#     Sxy = 7 - 40/6 = 1/3; Sxx = 4 - 16/6 = 4/3; Syy = 20 - 100/6 = 10/3.
#     r = (1/3) / sqrt(40/9) = 1/sqrt(40) = 0.1581...
# Q4: x = 1,0,0,0,0,0; y = 3,3,2,2,2,1. sum x = 1, sum y = 13, sum xy = 3,
#     sum x^2 = 1, sum y^2 = 9+9+4+4+4+1 = 31.
#     Sxy = 3 - 13/6 = 5/6; Sxx = 1 - 1/6 = 5/6; Syy = 31 - 169/6 = 17/6.
#     r = (5/6) / sqrt(85/36) = 5/sqrt(85) = 0.5423...
# Q1: x is constant (variance 0), so r is undefined -> None.
@pytest.mark.parametrize(
    ("j", "expected"),
    [(0, None), (1, 1 / math.sqrt(17)), (2, 1 / math.sqrt(40)), (3, 5 / math.sqrt(85))],
)
def test_corrected_point_biserial_by_hand(j: int, expected: float | None) -> None:
    result = discrimination_point_biserial(column(j), TOTALS)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected, **APPROX)


# Uncorrected Q2 (y = total = 4,3,2,2,2,1): sum y = 14, sum xy = 4+3+2 = 9, sum y^2 = 38.
#     Sxy = 9 - 3*14/6 = 2; Sxx = 3/2; Syy = 38 - 196/6 = 16/3.
#     r = 2 / sqrt(8) = 1/sqrt(2): the item inflates its own correlation (vs 1/sqrt(17)).
def test_uncorrected_point_biserial_by_hand() -> None:
    result = discrimination_point_biserial(column(1), TOTALS, corrected=False)
    assert result == pytest.approx(1 / math.sqrt(2), **APPROX)


# Upper-lower 27%: group = min(ceil(6 * 0.27), 6 // 2) = min(ceil(1.62), 3) = 2.
# Stable sort by total, descending: L1(4) L2(3) L3(2) L4(2) L5(2) L6(1).
# Upper = L1, L2; lower = L5, L6 (L5 is the last of the tied 2s in input order).
#   Q1: 2/2 - 2/2 = 0;   Q2: 2/2 - 0/2 = 1;   Q3: 2/2 - 1/2 = 0.5;   Q4: 1/2 - 0/2 = 0.5.
@pytest.mark.parametrize(("j", "expected"), [(0, 0.0), (1, 1.0), (2, 0.5), (3, 0.5)])
def test_upper_lower_by_hand(j: int, expected: float) -> None:
    assert discrimination_upper_lower(column(j), TOTALS) == pytest.approx(expected, **APPROX)


# Ties keep input order: list L3 after L5 and L3 (Q2 = 1) joins the lower group instead of
# L5 (Q2 = 0). Order L1 L2 L4 L5 L3 L6 -> lower = L3, L6 -> Q2: 2/2 - 1/2 = 0.5.
def test_upper_lower_ties_follow_input_order() -> None:
    order = [0, 1, 3, 4, 2, 5]
    q2 = [column(1)[i] for i in order]
    totals = [TOTALS[i] for i in order]
    assert discrimination_upper_lower(q2, totals) == pytest.approx(0.5, **APPROX)


# KR-20, k = 4. p = 1, 1/2, 2/3, 1/6, so p*q = 0, 1/4, 2/9, 5/36; sum = (0+9+8+5)/36 = 11/18.
# Population variance of totals = 38/6 - (7/3)^2 = 57/9 - 49/9 = 8/9.
# KR-20 = (4/3) * (1 - (11/18)/(8/9)) = (4/3) * (1 - 11/16) = (4/3) * (5/16) = 5/12.
def test_kr20_by_hand() -> None:
    assert kr20(MATRIX) == pytest.approx(5 / 12, **APPROX)


# Distractors (6 responses each, frequency = count / 6):
#   Q2: A 1, B 3 (key), C 2, D 0 -> D never chosen; no distractor beats the key (2 < 3).
#   Q4: A 1, B 0, C 4, D 1 (key) -> B never chosen; C (4) is chosen more often than the key (1).
def test_distractor_counts_by_hand() -> None:
    q2 = distractor_analysis(CHOICES["Q2"], OPTIONS, KEYS["Q2"])
    assert [(o.key, o.count, o.is_key, o.never_chosen, o.beats_key) for o in q2] == [
        ("A", 1, False, False, False),
        ("B", 3, True, False, False),
        ("C", 2, False, False, False),
        ("D", 0, False, True, False),
    ]
    assert [o.frequency for o in q2] == pytest.approx([1 / 6, 3 / 6, 2 / 6, 0.0], **APPROX)
    q4 = distractor_analysis(CHOICES["Q4"], OPTIONS, KEYS["Q4"])
    assert [(o.key, o.count, o.never_chosen, o.beats_key) for o in q4] == [
        ("A", 1, False, False),
        ("B", 0, True, False),
        ("C", 4, False, True),
        ("D", 1, False, False),
    ]


# Multiple response, keys A and C, 4 responses: A in 3, B in 2, C in 2, D in 1 (each chosen
# option counts once per response), so frequencies 3/4, 2/4, 2/4, 1/4 sum to 2. The least-chosen
# key is C (2); B (2) is not MORE often, so nothing beats the key. A repeated key counts once.
def test_distractor_counts_multiple_response() -> None:
    choices = [("A", "C"), ("A", "B"), ("A", "A"), ("C", "B", "D")]
    stats = distractor_analysis(choices, OPTIONS, ("A", "C"))
    assert [o.count for o in stats] == [3, 2, 2, 1]
    assert sum(o.frequency for o in stats) == pytest.approx(2.0, **APPROX)
    assert not any(o.beats_key for o in stats)
    assert [o.is_key for o in stats] == [True, False, True, False]


def test_distractor_rejects_unknown_option() -> None:
    with pytest.raises(ValueError, match="not one of"):
        distractor_analysis([("E",)], OPTIONS, ("A",))


# Flags from the figures above:
#   Q1 facility 1 > 0.95 -> too easy; discrimination None -> no discrimination flag.
#   Q2 facility 0.5, r = 0.2425 >= 0.2 -> no flags.
#   Q3 facility 2/3, r = 0.1581 < 0.2 -> low discrimination.
#   Q4 facility 1/6 < 0.3 -> too hard; r = 0.5423 -> fine.
def test_item_report_assembles_hand_figures() -> None:
    report = item_report(responses(), specs(), min_attempts=6)
    assert report.note is None
    assert report.learners == 6
    assert report.kr20_learners == 6
    assert report.kr20 == pytest.approx(5 / 12, **APPROX)
    by_id = {s.item_id: s for s in report.items}
    assert [s.item_id for s in report.items] == ITEMS
    assert by_id["Q1"].flags == [TOO_EASY]
    assert by_id["Q1"].discrimination is None
    assert by_id["Q2"].flags == []
    assert by_id["Q3"].flags == [LOW_DISCRIMINATION]
    assert by_id["Q4"].flags == [TOO_HARD]
    assert by_id["Q2"].facility == pytest.approx(0.5, **APPROX)
    assert by_id["Q3"].discrimination == pytest.approx(1 / math.sqrt(40), **APPROX)
    assert by_id["Q3"].upper_lower == pytest.approx(0.5, **APPROX)
    assert [o.count for o in by_id["Q4"].options] == [1, 0, 4, 1]
    assert [o.count for o in by_id["Q1"].options] == [6, 0, 6, 0]


def test_item_report_withholds_below_min_attempts() -> None:
    report = item_report(responses(), specs(), min_attempts=7)
    assert report.note == NOT_ENOUGH
    assert report.kr20 is None
    for item in report.items:
        assert item.attempts == 6
        assert item.note == NOT_ENOUGH
        assert item.facility is None
        assert item.discrimination is None
        assert item.options == []


def test_item_report_uses_given_totals_and_partial_scores() -> None:
    # Q2 gets half credit for L6: KR-20 is withheld (not dichotomous) but facility uses it:
    # (1+1+1+0+0+0.5)/6 = 3.5/6.
    data = [
        r if (r.learner_id, r.item_id) != ("L6", "Q2") else ItemResponse("L6", "Q2", 0.5, ("A",))
        for r in responses()
    ]
    totals = {f"L{i + 1}": t for i, t in enumerate(TOTALS)}
    report = item_report(data, specs(), totals=totals, min_attempts=6)
    assert report.kr20 is None
    assert report.items[1].facility == pytest.approx(3.5 / 6, **APPROX)


def test_item_report_rejects_duplicates_and_unknown_items() -> None:
    with pytest.raises(ValueError, match="twice"):
        item_report([*responses(), ItemResponse("L1", "Q1", 1.0)], specs(), min_attempts=1)
    with pytest.raises(ValueError, match="unknown item"):
        item_report([ItemResponse("L1", "Q9", 1.0)], specs(), min_attempts=1)


def test_flags_thresholds() -> None:
    assert flags(0.29, 0.5) == [TOO_HARD]
    assert flags(0.3, 0.2) == []
    assert flags(0.95, None) == []
    assert flags(0.96, 0.19) == [TOO_EASY, LOW_DISCRIMINATION]
    assert flags(0.1, None) == [TOO_HARD]


def test_all_same_scores_give_none() -> None:
    assert discrimination_point_biserial([1.0] * 5, [3.0, 2.0, 4.0, 1.0, 2.0]) is None
    assert discrimination_point_biserial([1.0, 0.0, 1.0], [2.0, 1.0, 2.0]) is None
    assert discrimination_upper_lower([1.0, 0.0, 1.0, 0.0], [2.0] * 4) is None
    assert kr20([[1, 0], [1, 0], [1, 0]]) is None
    assert discrimination_point_biserial([1.0], [1.0]) is None
    assert discrimination_upper_lower([1.0], [1.0]) is None


def test_single_item_kr20_is_none() -> None:
    assert kr20([[1], [0], [1]]) is None
    assert kr20([]) is None


def test_invalid_inputs_raise() -> None:
    with pytest.raises(ValueError, match="at least one"):
        facility([])
    with pytest.raises(ValueError, match="same length"):
        discrimination_point_biserial([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="fraction"):
        discrimination_upper_lower([1.0, 0.0], [1.0, 0.0], fraction=0.6)
    with pytest.raises(ValueError, match="dichotomous"):
        kr20([[1, 0.5], [0, 1]])
    with pytest.raises(ValueError, match="same items"):
        kr20([[1, 0], [0]])


unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(database=None, max_examples=200)
@given(st.lists(unit, min_size=1, max_size=60))
def test_facility_is_within_unit_interval(scores: list[float]) -> None:
    assert 0.0 <= facility(scores) <= 1.0


@settings(database=None, max_examples=200)
@given(
    st.lists(
        st.tuples(unit, st.floats(min_value=0.0, max_value=40.0, allow_nan=False)),
        min_size=2,
        max_size=60,
    ),
    st.booleans(),
)
def test_point_biserial_is_a_correlation(pairs: list[tuple[float, float]], corrected: bool) -> None:
    items = [p[0] for p in pairs]
    totals = [p[0] + p[1] for p in pairs]
    result = discrimination_point_biserial(items, totals, corrected=corrected)
    if result is not None:
        assert -1.0 <= result <= 1.0


@settings(database=None, max_examples=200)
@given(st.lists(st.tuples(unit, st.floats(0.0, 40.0)), min_size=2, max_size=60))
def test_upper_lower_is_within_bounds(pairs: list[tuple[float, float]]) -> None:
    result = discrimination_upper_lower([p[0] for p in pairs], [p[1] for p in pairs])
    if result is not None:
        assert -1.0 <= result <= 1.0
