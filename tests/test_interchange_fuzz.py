"""Property tests: the GIFT and Aiken importers never raise and always locate their errors."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from course.content.aiken import parse_aiken
from course.content.gift import export_gift, parse_gift
from course.content.interchange import (
    PHP_WHITESPACE,
    QTYPES,
    ImportedOption,
    ImportedQuestion,
    ImportResult,
)

FUZZ = settings(max_examples=200, deadline=None, database=None)

GIFT_TOKENS = [
    *"{}~=#:\\%[]/$-> \t\n\rnTFab7_.é",
    "TRUE",
    "FALSE",
    "::",
    "//",
    "####",
    "$CATEGORY:",
    "[html]",
    "[markdown]",
    "[moodle]",
    "%50%",
    "%-100%",
    "%150%",
    "\\n",
    "// [id:x]",
    "[tag:y]",
    "->",
    "\n\n",
]
AIKEN_TOKENS = [*"ABCDZ).: \t\n\r<>&x", "ANSWER:", "ANSWER: A", "ANSWER: B", "A) ", "B.", "\n\n"]


def documents(tokens: list[str]) -> st.SearchStrategy[str]:
    """Build texts mostly from format tokens, sometimes from arbitrary characters."""
    return st.one_of(st.lists(st.sampled_from(tokens), max_size=60).map("".join), st.text())


def line_count(text: str) -> int:
    """Count lines the way a reader would, never less than one."""
    return max(1, len(text.splitlines()))


def assert_well_formed(result: ImportResult, text: str) -> None:
    """Check the invariants every importer result must satisfy."""
    last = line_count(text) + 1
    assert result.ok == (not result.errors)
    for error in result.errors:
        assert 1 <= error.line <= last, (error, text)
        assert error.message
    for item in [*result.questions, *result.skipped]:
        assert 1 <= item.line <= last
    for question in result.questions:
        assert question.qtype in QTYPES
        assert len(question.options) >= 2
        assert all(-1.0 <= option.fraction <= 1.0 for option in question.options)


@FUZZ
@given(documents(GIFT_TOKENS))
def test_parse_gift_never_raises(text: str) -> None:
    result = parse_gift(text)
    assert_well_formed(result, text)


@FUZZ
@given(documents(GIFT_TOKENS))
def test_whatever_gift_imports_survives_a_round_trip(text: str) -> None:
    questions = parse_gift(text).questions
    again = parse_gift(export_gift(questions))
    assert again.ok, again.errors
    assert again.questions == questions


@FUZZ
@given(documents(AIKEN_TOKENS))
def test_parse_aiken_never_raises(text: str) -> None:
    result = parse_aiken(text)
    assert_well_formed(result, text)


TEXT_PIECES = [*"{}~=#:\\%[]/$->| \t\n\rnTFab7_.é\x00\x0b", "[html]", "//", "::", "####", "%50%"]
texts = st.lists(st.sampled_from(TEXT_PIECES), max_size=10).map("".join)
texts = texts.map(lambda text: text.strip(PHP_WHITESPACE))  # importers trim every field
filled = texts.filter(bool)
labels = st.text(alphabet="ab] x-", min_size=1, max_size=6).map(str.strip).filter(bool)


@st.composite
def built_questions(draw: st.DrawFn) -> ImportedQuestion:
    """Draw a valid question of each type, with control characters in every text."""
    qtype = draw(st.sampled_from(QTYPES))
    if qtype == "truefalse":
        right = draw(st.booleans())
        options = [ImportedOption("True", float(right)), ImportedOption("False", float(not right))]
    else:
        weights = [1.0, 0.0] if qtype == "single" else [0.5, 0.5, -1.0]
        extra = st.sampled_from([0.0, 0.1, -0.3333333] if qtype == "single" else [0.0, -0.5])
        weights += draw(st.lists(extra, max_size=3))
        options = [ImportedOption(draw(filled), weight) for weight in weights]
    for option in options:
        option.feedback = draw(texts)
    return ImportedQuestion(
        qtype=qtype,
        stem=draw(filled),
        stem_format=draw(st.sampled_from(["moodle", "html", "markdown", "plain"])),
        options=options,
        title=draw(texts),
        general_feedback=draw(texts),
        category=draw(st.one_of(st.none(), filled)),
        tags=draw(st.lists(labels, max_size=3)),
        id=draw(st.one_of(st.none(), labels)),
    )


@FUZZ
@given(st.lists(built_questions(), min_size=1, max_size=4))
def test_exported_questions_read_back_equal(questions: list[ImportedQuestion]) -> None:
    category = None
    for question in questions:  # once set, a GIFT category applies to what follows
        category = question.category = question.category or category
    result = parse_gift(export_gift(questions))
    assert result.ok, result.errors
    assert result.questions == questions


def test_a_result_with_errors_is_not_ok() -> None:
    assert not parse_gift("Q?{~a ~b").ok
    assert not parse_aiken("A) orphan option").ok
    assert parse_gift("").ok
    assert parse_aiken("").ok
