"""Item-writing checks: each rule has a failing example, and lint reports them as warnings."""

from __future__ import annotations

import shutil

import pytest
import yaml

from course.content.bankfigures import bank_figures, pool_warnings, vignette_warning
from course.content.itemwriting import item_warnings
from course.content.schema import QuestionEntry
from tests.conftest import ROOT


def options(*texts: str, correct: int = 0, rationale: str = "Because.") -> list[dict]:
    return [
        {"key": chr(97 + i), "text": t, "correct": i == correct, "rationale": rationale}
        for i, t in enumerate(texts)
    ]


GOOD_STEM = "Which finding most strongly argues against starting ketamine today?"
GOOD = options("Acute mania", "Chronic pain", "Social anxiety", "Stable angina history")


def test_a_well_written_item_has_no_warnings() -> None:
    assert item_warnings(GOOD_STEM, GOOD, [21]) == []


@pytest.mark.parametrize(
    ("stem", "opts", "refs", "expected"),
    [
        (
            GOOD_STEM,
            options("Acute mania", "Chronic pain", "Anxiety", "All of the above"),
            [21],
            "all of the above",
        ),
        (
            GOOD_STEM,
            options("Acute mania", "Chronic pain", "Anxiety", "None of the above"),
            [21],
            "all of the above",
        ),
        ("Which patient should not receive ketamine?", GOOD, [21], "negative stem"),
        (
            GOOD_STEM,
            options(
                "A patient in acute mania whose psychedelic effects could worsen",
                "Pain",
                "Anxiety",
                "Grief",
            ),
            [21],
            "conspicuously the longest",
        ),
        (
            GOOD_STEM,
            options(
                "Mania", "Pain", "Anxiety", "A history of well-controlled hypertension", correct=3
            ),
            [21],
            "uneven",
        ),
        (
            "Which contraindication applies to a patient in acute mania?",
            options("Acute mania", "Chronic pain", "Social anxiety", "Stable angina history"),
            [21],
            "repeats the stem word",
        ),
        (
            GOOD_STEM,
            options("Acute mania", "Chronic pain", "Anxiety", "Angina", rationale=""),
            [21],
            "needs a rationale",
        ),
        (GOOD_STEM, GOOD, [], "cite at least one reference"),
        ("Which of the following is NOT a contraindication?", GOOD, [21], "negative stem"),
        ("All of these apply to a patient in mania EXCEPT:", GOOD, [21], "negative stem"),
        (
            "Which patient does the article single out for intraoperative ketamine?",
            GOOD,
            [21],
            'anchored on "the article"',
        ),
        (
            GOOD_STEM,
            options("Acute mania", "Pain is always worse", "Never anxious", "Stable angina"),
            [21],
            "absolute words",
        ),
        (
            GOOD_STEM,
            options("It may worsen mania", "Chronic pain", "Social anxiety", "Stable angina"),
            [21],
            "hedge words",
        ),
        (
            GOOD_STEM,
            options("Acute mania", "Chronic pain", "acute  MANIA", "Angina"),
            [21],
            "same text",
        ),
    ],
)
def test_each_rule_has_a_failing_example(stem, opts, refs, expected) -> None:
    warnings = item_warnings(stem, opts, refs)
    assert any(expected in w for w in warnings), warnings


def test_emphasis_does_not_excuse_a_negative_stem() -> None:
    """NOT, EXCEPT and **not** are still negative stems: ask for the best answer instead."""
    for stem in (
        "Which patient should NOT receive ketamine?",
        "Which patient should **not** receive ketamine?",
        "Each is a reason to delay ketamine EXCEPT which one?",
    ):
        warnings = item_warnings(stem, GOOD, [21])
        assert any("negative stem" in w and "emphasis" in w for w in warnings), warnings


def test_cue_words_on_both_sides_are_fine() -> None:
    """An absolute or hedge word in a key and a distractor alike gives the learner no clue."""
    opts = options(
        "It may raise blood pressure", "It may lower heart rate", "It is never sedating", "None"
    )
    opts[3]["text"] = "It is always given at home"
    opts[0]["text"] = "It must be observed for two hours"
    warnings = item_warnings(GOOD_STEM, opts, [24])
    assert not any("absolute words" in w or "hedge words" in w for w in warnings), warnings


def question(qid: str, key: int, *, qtype: str = "single", **extra) -> QuestionEntry:
    """A valid question whose key is written at position `key`."""
    if qtype == "truefalse":
        opts = [
            {"id": "true", "text": "True", "correct": key == 0, "rationale": "Because."},
            {"id": "false", "text": "False", "correct": key == 1, "rationale": "Because."},
        ]
    else:
        texts = ["Acute mania", "Chronic pain", "Social anxiety", "Stable angina"]
        opts = [
            {"id": chr(97 + i), "text": t, "correct": i == key, "rationale": "Because."}
            for i, t in enumerate(texts)
        ]
    data = {
        "id": qid,
        "type": qtype,
        "stem": GOOD_STEM,
        "tags": ["contraindication"],
        "references": [21],
        "feedback": "Because.",
        "options": opts,
    }
    return QuestionEntry.model_validate({**data, **extra})


def test_pool_warns_when_one_authored_key_position_dominates() -> None:
    pool = [question(f"q-{i}", 0) for i in range(4)] + [question("q-9", 1)]
    assert any("authored key position a holds 4 of 5" in w for w in pool_warnings(pool))
    balanced = [question(f"q-{i}", i % 4) for i in range(8)]
    assert pool_warnings(balanced) == []


def test_pool_warns_when_every_true_false_key_is_the_same() -> None:
    pool = [question("tf-1", 0, qtype="truefalse"), question("tf-2", 0, qtype="truefalse")]
    assert any('every true/false key in the pool is "true"' in w for w in pool_warnings(pool))
    pool.append(question("tf-3", 1, qtype="truefalse"))
    assert pool_warnings(pool) == []


def test_vignette_without_an_age_warns() -> None:
    assert "no age" in (vignette_warning(question("v-1", 0, vignette=True)) or "")
    aged = question("v-2", 0, vignette=True, stem="A 54-year-old man in acute mania asks why.")
    assert vignette_warning(aged) is None


def test_bank_figures_flag_what_misses_the_blueprint() -> None:
    anchored = "Which patient does the article single out for intraoperative ketamine?"
    pool = [question(f"q-{i}", 0, stem=anchored, tags=["indication"]) for i in range(5)]
    missed = {t.label for t in bank_figures(pool) if not t.met}
    assert {
        "items",
        "stems mentioning the article",
        "clinical vignettes",
        "tagged contraindication, caution or safety",
        "largest authored key position",
    } <= missed


def test_lint_reports_item_warnings_with_file_and_line(app, tmp_path) -> None:
    quizzes = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", quizzes)
    path = quizzes / "01-delivery-and-mechanism.yaml"
    data = yaml.safe_load(path.read_text())
    data["questions"][0]["stem"] = "Which statement is not true about how ketamine is delivered?"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    result = app.test_cli_runner().invoke(args=["content", "lint", "--quizzes", str(quizzes)])
    assert result.exit_code == 0, result.output  # warnings do not fail lint
    lines = [line for line in result.output.splitlines() if "[warning]" in line]
    assert any(
        "01-delivery-and-mechanism.yaml:" in line and "negative stem" in line for line in lines
    ), result.output


def test_lint_reports_pool_and_bank_figures_off_target(app, tmp_path) -> None:
    """Every single-answer key moved to position a: each pool warns and the bank figure fails."""
    quizzes = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", quizzes)
    singles = 0
    for path in sorted(quizzes.glob("0*.yaml")):
        data = yaml.safe_load(path.read_text())
        for q in data["questions"]:
            if q["type"] == "single":
                q["options"].sort(key=lambda o: not o["correct"])
                singles += path.name.startswith("01-")
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    result = app.test_cli_runner().invoke(args=["content", "lint", "--quizzes", str(quizzes)])
    assert result.exit_code == 0, result.output  # warnings do not fail lint
    pool = f"authored key position a holds {singles} of {singles} single-answer keys"
    assert any(
        "01-delivery-and-mechanism.yaml:" in line and pool in line
        for line in result.output.splitlines()
    ), result.output
    assert "bank figure off target: largest authored key position: 100%" in result.output
