"""GIFT import/export: gift-pegjs and Moodle conformance, round trips and error reporting."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from course.content.gift import export_gift, parse_gift
from course.content.interchange import ImportedOption, ImportedQuestion, ImportResult

CONFORMANCE = Path(os.environ.get("PRACTICUM_CONFORMANCE", "/work/shared/conformance"))
PEGJS = CONFORMANCE / "gift" / "gift-pegjs"
MOODLE = CONFORMANCE / "gift" / "moodle"
PEGJS_FILES = sorted(PEGJS.glob("*.gift"))
MOODLE_FILES = ["questions.gift.txt", "questions_in_category.gift.txt", "examples.txt"]

# gift-pegjs item types we do not import, and the Skipped.qtype we report for them.
UNSUPPORTED = {
    "Short": "shortanswer",
    "Numerical": "numerical",
    "Essay": "essay",
    "Matching": "matching",
    "Description": "description",
}


def norm(text: str | None) -> str:
    """Collapse whitespace.

    gift-pegjs vs Moodle: gift-pegjs joins the lines of a multi-line text with a space and
    keeps markdown indentation and trailing double spaces; Moodle trims every line and joins
    them with a newline. We follow Moodle (see test_lines_are_trimmed_and_joined_like_moodle)
    and compare against gift-pegjs modulo whitespace.
    """
    return " ".join((text or "").split())


def rich(value: dict[str, str] | None) -> str:
    """Read a gift-pegjs {format, text} value (or null) as normalised text."""
    return norm(value["text"]) if value else ""


def expected_skip(item: dict[str, Any]) -> str | None:
    """Return the Skipped.qtype we expect for a gift-pegjs item, or None if it is imported."""
    if item["type"] == "MC" and item["hasEmbeddedAnswers"]:
        return "missingword"  # answer block in mid-sentence: Moodle inserts "_____"; we skip
    return UNSUPPORTED.get(item["type"])


def expected_truefalse(item: dict[str, Any]) -> list[tuple[str, float, str]]:
    """Translate a gift-pegjs TF item into our [True, False] options.

    gift-pegjs vs Moodle: gift-pegjs always puts the first `#feedback` in trueFeedback and
    the second in falseFeedback. Moodle (format.php, split_truefalse_comment) shows the
    first feedback for the WRONG answer and the second for the RIGHT one. For {FALSE...}
    both agree; for {TRUE#a#b} Moodle gives the False choice "a" and the True choice "b"
    (TFTwoFeedback.gift items 2 and 3), so we swap them and assert Moodle's behaviour.
    """
    first, second = rich(item["trueFeedback"]), rich(item["falseFeedback"])
    if item["isTrue"]:
        return [("True", 1.0, second), ("False", 0.0, first)]
    return [("True", 0.0, first), ("False", 1.0, second)]


def expected_choices(item: dict[str, Any]) -> list[tuple[str, float, str]]:
    """Translate gift-pegjs MC choices into (text, fraction, feedback)."""
    out = []
    for choice in item["choices"]:
        weight = choice["weight"]
        fraction = weight / 100 if weight is not None else float(choice["isCorrect"])
        out.append(
            (rich(choice["text"]), pytest.approx(fraction, abs=1e-6), rich(choice["feedback"]))
        )
    return out


def as_tuples(options: list[ImportedOption]) -> list[tuple[str, float, str]]:
    """Normalise options for comparison."""
    return [(norm(o.text), o.fraction, norm(o.feedback)) for o in options]


def assert_matches(question: ImportedQuestion, item: dict[str, Any], category: str | None) -> None:
    """Compare one imported question with its gift-pegjs item."""
    assert question.title == (item["title"] or "")
    assert norm(question.stem) == rich(item["stem"])
    assert question.stem_format == item["stem"]["format"]
    assert norm(question.general_feedback) == rich(item["globalFeedback"])
    assert question.id == item["id"]
    assert question.tags == (item["tags"] or [])
    assert question.category == category
    if item["type"] == "TF":
        assert question.qtype == "truefalse"
        assert as_tuples(question.options) == expected_truefalse(item)
    else:
        # Moodle: single iff some answer is marked "=" (gift-pegjs isCorrect).
        single = any(choice["isCorrect"] for choice in item["choices"])
        assert question.qtype == ("single" if single else "multiple")
        assert as_tuples(question.options) == expected_choices(item)


def test_every_pegjs_fixture_is_present() -> None:
    assert len(PEGJS_FILES) == 51


@pytest.mark.parametrize("path", PEGJS_FILES, ids=lambda p: p.stem)
def test_pegjs_conformance(path: Path) -> None:
    items = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    result = parse_gift(path.read_text(encoding="utf-8"))
    assert result.ok, result.errors
    questions, skipped = iter(result.questions), iter(result.skipped)
    category = None
    for item in items:
        if item["type"] == "Category":
            category = item["title"]
            continue
        kind = expected_skip(item)
        if kind:
            entry = next(skipped)
            assert (entry.qtype, entry.title) == (kind, item["title"] or "")
        else:
            assert_matches(next(questions), item, category)
    assert next(questions, None) is None
    assert next(skipped, None) is None


@pytest.mark.parametrize("name", ["category1", "categorySpecialCharacter"])
def test_category_only_files_set_the_category_of_what_follows(name: str) -> None:
    text = (PEGJS / f"{name}.gift").read_text(encoding="utf-8")
    expected = json.loads((PEGJS / f"{name}.json").read_text(encoding="utf-8"))[0]["title"]
    assert parse_gift(text) == ImportResult()
    result = parse_gift(text + "\nIs this true?{T}\n")
    assert [q.category for q in result.questions] == [expected]


def moodle(name: str) -> ImportResult:
    """Parse one of Moodle's own GIFT files."""
    return parse_gift((MOODLE / name).read_text(encoding="utf-8"))


def test_moodle_questions_fixture() -> None:
    result = moodle("questions.gift.txt")
    assert result.ok
    assert len(result.questions) + len(result.skipped) == 9
    assert [(s.qtype, s.title) for s in result.skipped] == [
        ("essay", "Q8"),
        ("matching", "Moodle activities"),
        ("numerical", "Q5"),  # followed by the stray `";`
        ("shortanswer", "Shortanswer"),
    ]
    q2, colours, q1, tsl1, tsl2 = result.questions
    assert (q2.qtype, q2.title) == ("single", "Q2")
    assert q2.stem == "What's between orange and green in the spectrum?"
    assert [(o.text, o.fraction, o.feedback) for o in q2.options] == [
        ("yellow", 1.0, "right; good!"),
        ("red", 0.0, "wrong, it's yellow"),  # [html] marker stripped from the feedback
        ("blue", 0.0, "wrong, it's yellow"),  # [plain] marker stripped from the answer
    ]
    assert (colours.qtype, colours.title) == ("multiple", "colours")
    assert [(o.text, o.fraction) for o in colours.options] == [
        ("yellow", 0.5),
        ("red", -1.0),
        ("off-beige", 0.5),
        ("blue", -1.0),
    ]
    assert (q1.qtype, q1.title, q1.stem) == (
        "truefalse",
        "Q1",
        "42 is the Absolute Answer to everything.",  # the stray `"; after } is not text
    )
    # FALSE is right; Moodle shows the first #feedback for the wrong answer (True).
    assert [(o.text, o.fraction, o.feedback) for o in q1.options] == [
        ("True", 0.0, "42 is the Ultimate Answer."),
        ("False", 1.0, "You gave the right answer."),
    ]
    assert q1.general_feedback == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    for question in (tsl1, tsl2):
        assert (question.title, question.stem) == ("2-08 TSL", "TSL is blablabla.")
        assert [o.fraction for o in question.options] == [1.0, 0.0]
    assert [q.line for q in result.questions] == [14, 22, 41, 46, 49]
    assert [s.line for s in result.skipped] == [2, 5, 31, 34]


def test_moodle_questions_in_category_fixture() -> None:
    result = moodle("questions_in_category.gift.txt")
    assert result.ok
    assert len(result.questions) + len(result.skipped) == 4
    assert [(s.qtype, s.title) for s in result.skipped] == [
        ("matching", "Moodle activities"),
        ("shortanswer", "Moodle user"),
    ]
    greeting, acronym = result.questions
    assert {q.category for q in result.questions} == {"$course$/Default for New Features"}
    assert (greeting.qtype, greeting.stem_format) == ("single", "html")
    assert greeting.stem == (
        '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this '
        "greeting:</a><br /><br />What language is being spoken?"
    )
    assert [o.text for o in greeting.options if o.fraction == 1.0] == ["French"]
    assert acronym.qtype == "truefalse"
    assert '<span style="font-style: italic;">Modular' in acronym.stem
    assert [o.fraction for o in acronym.options] == [1.0, 0.0]


def test_moodle_examples_file_accounts_for_all_43_blocks() -> None:
    result = moodle("examples.txt")
    assert result.ok
    assert (len(result.questions), len(result.skipped)) == (16, 27)
    kinds = sorted({s.qtype for s in result.skipped})
    assert kinds == ["matching", "missingword", "numerical", "shortanswer"]
    control = next(q for q in result.questions if q.title == "GIFT Control Characters")
    assert [o.text for o in control.options] == ["~", "=", "#", "{", "}", "\\"]
    assert control.options[-1].feedback.startswith("Correct! \\ (backslash) is not")
    assert control.options[-1].feedback.endswith("\n(as shown in this example).")


def test_lines_are_trimmed_and_joined_like_moodle() -> None:
    # gift-pegjs vs Moodle (markdown.gift, type_inferred_multiline_markdown.gift): gift-pegjs
    # keeps trailing double spaces and indentation; Moodle trims each line first.
    result = parse_gift("[markdown]line one  \n    - item\n  next {\n=yes\n~no  \n}")
    assert result.questions[0].stem == "line one\n- item\nnext"
    assert result.questions[0].stem_format == "markdown"
    fixture = parse_gift((PEGJS / "multiLineFeedback1.gift").read_text(encoding="utf-8"))
    first = fixture.questions[0]
    assert first.options[1].feedback == "feedback comment on this wrong answer\non multiple lines"
    assert first.general_feedback == "Global feedback split\non multiple lines"


ROUND_TRIP_FILES = [*PEGJS_FILES, *(MOODLE / name for name in MOODLE_FILES)]


@pytest.mark.parametrize("path", ROUND_TRIP_FILES, ids=lambda p: p.name)
def test_fixture_round_trip(path: Path) -> None:
    first = parse_gift(path.read_text(encoding="utf-8"))
    second = parse_gift(export_gift(first.questions))
    assert second.ok, second.errors
    assert second.skipped == []
    assert second.questions == first.questions


SPECIALS = "a~b=c#d{e}f:g\\h \\n i\\\\j // k ::l:: %50% [html] ####m"


def tricky_questions() -> list[ImportedQuestion]:
    """Questions whose texts use every GIFT control character, weights and formats."""
    single = ImportedQuestion(
        qtype="single",
        stem="Stem " + SPECIALS + "\nsecond line\n  indented",
        title="Title: " + SPECIALS,
        options=[
            ImportedOption("=right " + SPECIALS, 1.0, "fb " + SPECIALS),
            ImportedOption("%50%looks like a weight", 0.0, "[html]looks like a marker"),
            ImportedOption("[markdown]looks like a marker", 0.5),
            ImportedOption("~wrong", -0.3333333, "#hash"),
        ],
        general_feedback="general " + SPECIALS,
        category="$course$/top/Unit 1: Topic \\ backslash",
        tags=["fred", "barney-wilma", "odd]tag"],
        id="id]1",
    )
    multiple = ImportedQuestion(
        qtype="multiple",
        stem="**Pick** the _right_ ones:\n\n- one\n    - nested",
        stem_format="markdown",
        options=[
            ImportedOption("A", 0.3333333, "yes"),
            ImportedOption("B", 0.3333333),
            ImportedOption("C", 0.3333334),
            ImportedOption("D", -1.0, "no"),
            ImportedOption("E", 0.0),
        ],
        category="$course$/top/Unit 1: Topic \\ backslash",
    )
    all_right = ImportedQuestion(
        qtype="single",
        stem="// not a comment",
        stem_format="html",
        options=[ImportedOption("<b>x</b>", 1.0), ImportedOption("y", 1.0)],
        category="other",
    )
    full_weight = ImportedQuestion(
        qtype="multiple",
        stem="[plain] stem that starts with a bracket",
        options=[ImportedOption("only", 1.0), ImportedOption("not", 0.0)],
        category="other",
    )
    truefalse = [
        ImportedQuestion(
            qtype="truefalse",
            stem=f"TF {n} {SPECIALS}",
            stem_format=fmt,
            options=[
                ImportedOption("True", float(correct), true_fb),
                ImportedOption("False", float(not correct), false_fb),
            ],
            general_feedback=general,
            category="other",
        )
        for n, (fmt, correct, true_fb, false_fb, general) in enumerate(
            [
                ("moodle", True, "", "", ""),
                ("html", True, "right #1", "", ""),
                ("plain", True, "", "wrong ~", "g"),
                ("markdown", False, "wrong", "right", "general\nfeedback"),
                ("moodle", False, "", "right only", "####"),
            ]
        )
    ]
    return [single, multiple, all_right, full_weight, *truefalse]


def test_tricky_round_trip() -> None:
    questions = tricky_questions()
    result = parse_gift(export_gift(questions))
    assert result.ok, result.errors
    assert result.questions == questions


def test_export_writes_moodle_style_gift() -> None:
    question = ImportedQuestion(
        qtype="multiple",
        stem="Pick {two}: a=b",
        title="colours",
        options=[
            ImportedOption("yellow", 0.5, "right; good!"),
            ImportedOption("red", -1.0),
            ImportedOption("off-beige", 0.5),
        ],
        general_feedback="See\nthe spectrum",
        tags=["colour"],
        id="c1",
        category="$course$/Colours",
    )
    assert export_gift([question]) == (
        "$CATEGORY: $course$/Colours\n\n"
        "// [id:c1]\n"
        "// [tag:colour]\n"
        "::colours::Pick \\{two\\}\\: a\\=b{\n"
        "\t~%50%yellow#right; good!\n"
        "\t~%-100%red\n"
        "\t~%50%off-beige\n"
        "\t####See\\nthe spectrum\n"
        "}\n"
    )


def test_metadata_comments_apply_within_their_block_only() -> None:
    text = "// [id:abc\\]d] [tag: x ] [tag:y\\]z]\nQ1?{T}\n\n// [id:lost]\n\nQ2?{F}\n"
    first, second = parse_gift(text).questions
    assert (first.id, first.tags) == ("abc]d", ["x", "y]z"])
    assert (second.id, second.tags) == (None, [])  # Moodle: comments in another block


def test_category_line_directly_above_a_question() -> None:
    result = parse_gift("$CATEGORY: $course$/A\n::Q::Sure?{TRUE}\n\n$CATEGORY: B\n\nAgain?{F}")
    assert [(q.title, q.category, q.line) for q in result.questions] == [
        ("Q", "$course$/A", 2),
        ("", "B", 6),
    ]


def test_line_endings_and_bom() -> None:
    text = "// c\n::T::One?{~a =b}\n\nTwo?{F}\n"
    expected = parse_gift(text)
    assert len(expected.questions) == 2
    assert parse_gift("\ufeff" + text.replace("\n", "\r\n")) == expected
    assert parse_gift(text.replace("\n", "\r")) == expected  # old Mac files, as Moodle


def test_equal_weight_marker_and_unmarked_leading_text() -> None:
    result = parse_gift("Q?{=%100%yes ~%-50%no ~%0%%5 off}\n\nR?{junk ~a =b}")
    first, second = result.questions
    assert [(o.text, o.fraction) for o in first.options] == [
        ("yes", 1.0),
        ("no", -0.5),
        ("%5 off", 0.0),
    ]
    # Moodle keeps text before the first ~ or = as a wrong answer.
    assert [(o.text, o.fraction) for o in second.options] == [("junk", 0.0), ("a", 0.0), ("b", 1.0)]


ERROR_CASES = [
    ("unclosed", "Ok?{T}\n\n::Q::Stem\n{\n~a\n=b\n", 4, "never closed"),
    ("stray close", "Stem ~a =b}\n", 1, "no opening"),
    ("no right answer", "::Q::\nWhich?\n{\n~a\n~b\n}", 3, "No right answer"),
    ("single option", "Which?{\n~only\n}", 1, "at least two"),
    ("empty option dropped", "Which?\n{=yes ~ }", 2, "at least two"),
    ("weights do not add up", "Q?{~%50%a ~%20%b ~c}", 1, "add up to 70%"),
    ("weight out of range", "Q?{\n=a\n~%150%b}", 3, "-100..100"),
    ("missing blank line", "A?{T}\nB?{F}", 2, "Only one answer block"),
    ("no stem", "::T::{~a =b}", 1, "no text"),
    ("full weight only with =", "Q?{=%50%a ~b}", 1, "fully right"),
    ("empty category", "Q?{T}\n\n$CATEGORY:  \n", 3, "category path"),
]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_errors_carry_line_numbers(text: str, line: int, fragment: str) -> None:
    result = parse_gift(text)
    assert not result.ok
    assert [error.line for error in result.errors] == [line]
    assert fragment in result.errors[0].message


def test_format_markers_and_titles() -> None:
    result = parse_gift(
        "[htmlx]Unknown marker?{T}\n\n[html No bracket?{T}\n\n"
        "::Lone title marker?{T}\n\n:: Spaced \\:: title :: [plain]Q?{\n=[html]a\n~b}"
    )
    assert [(q.title, q.stem, q.stem_format) for q in result.questions] == [
        ("", "[htmlx]Unknown marker?", "moodle"),
        ("", "[html No bracket?", "moodle"),
        ("", "Lone title marker?", "moodle"),  # Moodle drops a "::" that is never closed
        ("Spaced :: title", "Q?", "plain"),
    ]
    assert result.questions[-1].options[0].text == "a"


def test_every_bad_block_is_reported() -> None:
    text = "A?{~a ~b}\n\nGood?{T}\n\nC?{\n=x\n\n}\n"
    result = parse_gift(text)
    assert [e.line for e in result.errors] == [1, 5, 8]
    assert not result.ok
    assert [q.stem for q in result.questions] == ["Good?"]
