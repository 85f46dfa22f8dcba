"""Write Practicum questions as Moodle GIFT that course.content.gift reads back unchanged."""

from __future__ import annotations

from course.content.gift_text import _escape, _text
from course.content.interchange import ImportedQuestion
from course.quiz.types import get_type


def _weight(fraction: float) -> str:
    """Format a fraction as a GIFT percentage without exponent notation."""
    return f"{round(fraction * 100, 5):.5f}".rstrip("0").rstrip(".")


def _choice_lines(question: ImportedQuestion) -> list[str]:
    """Write the answer lines of a single or multiple response question."""
    fmt, single = question.stem_format, get_type(question.qtype).max_choices == 1
    marks = []
    for option in question.options:
        if single and option.fraction == 1.0:
            marks.append("=")
        else:
            marks.append("~" if option.fraction == 0 else f"~%{_weight(option.fraction)}%")
    if single and "=" in marks and all(mark == "=" for mark in marks):
        marks[-1] = "~%100%"  # keep a ~ so the block still reads as multiple choice
    lines = []
    for mark, option in zip(marks, question.options, strict=True):
        if mark in ("=", "~") and option.text.startswith("%"):
            mark += "%100%" if mark == "=" else "%0%"  # protect text that looks like a weight
        feedback = f"#{_text(option.feedback, fmt, fmt)}" if option.feedback else ""
        lines.append(f"\t{mark}{_text(option.text, fmt, fmt)}{feedback}")
    if question.general_feedback:
        lines.append(f"\t####{_text(question.general_feedback, fmt, fmt)}")
    return lines


def _truefalse_block(question: ImportedQuestion) -> str:
    """Write {TRUE#wrong#right####general} following Moodle's feedback order."""
    fmt = question.stem_format
    true_option, false_option = question.options[0], question.options[1]
    correct = true_option.fraction >= false_option.fraction
    right, wrong = true_option.feedback, false_option.feedback
    if not correct:
        right, wrong = wrong, right
    out = "{TRUE" if correct else "{FALSE"
    if wrong or right:
        out += f"#{_text(wrong, fmt, fmt)}"
    if right:
        out += f"#{_text(right, fmt, fmt)}"
    if question.general_feedback:
        out += f"####{_text(question.general_feedback, fmt, fmt)}"
    return out + "}"


def _meta(value: str) -> str:
    """Escape ] inside an [id:..] or [tag:..] comment token."""
    return value.replace("]", "\\]")


def _write_question(question: ImportedQuestion) -> str:
    """Write one question with its id/tag comments."""
    lines = []
    if question.id:
        lines.append("// [id:" + _meta(question.id) + "]")
    if question.tags:
        lines.append("// " + " ".join("[tag:" + _meta(tag) + "]" for tag in question.tags))
    head = f"::{_escape(question.title)}::" if question.title else ""
    head += _text(question.stem, question.stem_format, "moodle", guard=not question.title)
    if get_type(question.qtype).gift_form == "truefalse":
        lines.append(head + _truefalse_block(question))
    else:
        lines += [head + "{", *_choice_lines(question), "}"]
    return "\n".join(lines) + "\n"


def export_gift(questions: list[ImportedQuestion]) -> str:
    """Write questions as GIFT that parse_gift reads back to equal questions."""
    chunks = []
    category: str | None = None
    for question in questions:
        if question.category is not None and question.category != category:
            category = question.category
            escaped = category.replace("\\", "\\\\").replace("\n", "\\n")
            chunks.append(f"$CATEGORY: {escaped}\n")
        chunks.append(_write_question(question))
    return "\n".join(chunks)
