"""Aiken import: Moodle's fixtures and hand-written cases."""

from __future__ import annotations

import os
from pathlib import Path

from course.content.aiken import parse_aiken
from course.content.interchange import ImportedQuestion, ImportResult

CONFORMANCE = Path(os.environ.get("PRACTICUM_CONFORMANCE", "/work/shared/conformance"))
MOODLE = CONFORMANCE / "aiken" / "moodle"


def moodle(name: str) -> ImportResult:
    """Parse one of Moodle's Aiken fixtures."""
    return parse_aiken((MOODLE / name).read_text(encoding="utf-8"))


def summary(question: ImportedQuestion) -> tuple[str, list[tuple[str, float]]]:
    """Reduce a question to its stem and (text, fraction) options."""
    return question.stem, [(o.text, o.fraction) for o in question.options]


def test_moodle_error_fixture_reports_moodles_lines() -> None:
    result = moodle("aiken_errors.txt")
    assert not result.ok
    assert [error.line for error in result.errors] == [3, 5, 7, 18]
    messages = [error.message for error in result.errors]
    assert messages[0].startswith("Question must have at least 2 answers")
    assert "A question with too few answers" in messages[0]
    assert messages[1].startswith("Question not started")
    assert messages[2].startswith("Question not started")
    assert messages[3].startswith("Question not completed before next question start")
    assert "A question started but not finished" in messages[3]


def test_moodle_error_fixture_keeps_exactly_the_three_good_questions() -> None:
    result = moodle("aiken_errors.txt")
    assert [summary(q) for q in result.questions] == [
        ("A good question", [("Correct", 1.0), ("Incorrect", 0.0)]),
        ("A second good question", [("Incorrect (No space)", 0.0), ("Correct (No space)", 1.0)]),
        (
            "A third good question with HTML chars such as &gt; &lt; &amp;",
            [("Correct (&lt; &gt; &amp;)", 1.0), ("Incorrect (&lt; &gt; &amp;)", 0.0)],
        ),
    ]
    assert {(q.qtype, q.stem_format) for q in result.questions} == {("single", "html")}
    assert [q.line for q in result.questions] == [9, 18, 23]


def test_moodle_questions_fixture() -> None:
    result = moodle("questions.aiken.txt")
    assert result.ok
    assert [summary(q) for q in result.questions] == [
        (
            "The Moodle project was started by:",
            [
                ("Petr Skoda", 0.0),
                ("Martin Dougiamas", 1.0),
                ("Eloy Lafuente", 0.0),
                ("Tim Hunt", 0.0),
            ],
        ),
        (
            "Moodle's abilities include handling user input that includes "
            '&lt;html class="cool"&gt; &amp; images:',
            [("True", 1.0), ("False", 0.0)],
        ),
    ]


def test_hand_written_file() -> None:
    text = (
        "\ufeffWhich drug is an NMDA receptor antagonist?\r\n"
        "A. Ketamine\r\n"
        "B.\tSertraline\r\n"
        "C)Lithium  \r\n"
        "x\r\n"  # lines shorter than two bytes are ignored, as in Moodle
        "ANSWER:   A extra words\r\n"
        "\r\n"
        "   Second question, indented   \n"
        "A) yes\n"
        "B) no\n"
        "ANSWER: B"
    )
    result = parse_aiken(text)
    assert result.ok
    assert [summary(q) for q in result.questions] == [
        (
            "Which drug is an NMDA receptor antagonist?",
            [("Ketamine", 1.0), ("Sertraline", 0.0), ("Lithium", 0.0)],
        ),
        ("Second question, indented", [("yes", 0.0), ("no", 1.0)]),
    ]
    assert [q.line for q in result.questions] == [1, 8]


def test_answer_letters_must_name_an_option_and_questions_must_finish() -> None:
    text = "\n\n".join(
        [
            "Q1\nA) a\nB) b\nANSWER: C",
            "Q2\nA) a\nB) b\nANSWER: b",  # lower case is not a label Moodle accepts
            "Q3\nA) a\nB) b\nANSWER:",
            "Q4\nA) a",
        ]
    )
    result = parse_aiken(text)
    assert result.questions == []
    assert [(e.line, e.message) for e in result.errors] == [
        (4, "ANSWER must be a letter from A to B"),
        (9, "ANSWER must be a letter from A to B"),
        (14, "ANSWER must be a letter from A to B"),
        (16, "Question started here has no ANSWER line"),
    ]
