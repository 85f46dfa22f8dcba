"""Item-writing checks: each rule has a failing example, and lint reports them as warnings."""

from __future__ import annotations

import shutil

import pytest
import yaml

from course.content.itemwriting import item_warnings
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
        (
            GOOD_STEM,
            options("Acute mania", "Chronic pain", "acute  MANIA", "Angina"),
            [21],
            "same text",
        ),
    ],
)
def test_each_rule_has_a_failing_example(stem, opts, refs, expected) -> None:  # noqa: ANN001
    warnings = item_warnings(stem, opts, refs)
    assert any(expected in w for w in warnings), warnings


def test_emphasised_negative_is_fine() -> None:
    for stem in (
        "Which patient should NOT receive ketamine?",
        "Which patient should **not** receive ketamine?",
    ):
        assert not any("negative" in w for w in item_warnings(stem, GOOD, [21]))


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
