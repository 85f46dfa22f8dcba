"""Read and write Moodle GIFT for the question types Practicum grades.

Parsing follows Moodle's question/format/gift/format.php: questions are blocks separated by
blank lines, every line is trimmed, `//` lines are comments (whose `[id:..]` and `[tag:..]`
tokens become metadata of the question in the same block), escapes are resolved only after
the structure has been found, and answer and feedback texts inherit the question's format.
Deliberate differences from Moodle are marked "Practicum:" below.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from course.content.gift_export import export_gift
from course.content.gift_text import WS, _field, _mask, _Span, _unescape
from course.content.interchange import (
    ImportedOption,
    ImportedQuestion,
    ImportResult,
    Skipped,
    truefalse_options,
)

__all__ = ["WS", "LineAt", "export_gift", "parse_gift"]

_WEIGHT = re.compile(r"%(-?[0-9]+(?:\.[0-9]*)?)%")
_TRUEFALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f\x7f])+)\]")


class _Problem(Exception):
    """Abort the current block; args are (line, message)."""


def _metadata(comments: list[str]) -> tuple[str | None, list[str]]:
    """Extract the idnumber and tags written as [id:..] / [tag:..] in comment lines."""
    text = "\n".join(comments)
    found = _ID.search(text)
    ident = found.group(1).strip().replace("\\]", "]") if found else ""
    tags = [t.strip().replace("\\]", "]") for t in _TAG.findall(text)]
    return ident or None, [t for t in tags if t]


def _classify(answer: str) -> str:
    """Name the Moodle question type implied by an answer block's masked text."""
    if not answer:
        return "essay"
    if answer[0] == "#":
        return "numerical"
    if "~" in answer:
        return "multichoice"
    if "=" in answer and "->" in answer:
        return "matching"
    head = answer.split("#", 1)[0].strip(WS)
    return "truefalse" if head in _TRUEFALSE else "shortanswer"


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Split source text into (first line number, trimmed lines) blocks at blank lines."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\r") if "\n" not in text else text.split("\n")  # old Mac files, as Moodle
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip(WS)
        if line:
            if not current:
                blocks.append((number, current))
            current.append(line)
        else:
            current = []
    return blocks


class _Reader:
    """Turn GIFT blocks into an ImportResult, tracking the current $CATEGORY."""

    def __init__(self) -> None:
        self.result = ImportResult()
        self.category: str | None = None

    def read_block(self, first: int, lines: list[str]) -> None:
        """Read one blank-line separated block: category switches, a question, or comments."""
        while lines:
            comments = [line for line in lines if line.startswith("//")]
            text = "\n".join(" " if line.startswith("//") else line for line in lines)
            span = _Span(text, _mask(text), 0).strip()
            if not span.raw:
                return
            offset = text.count("\n", 0, span.start)
            if not span.mask.startswith("$CATEGORY:"):
                try:
                    self._question(text, first, span, comments)
                except _Problem as problem:
                    self.result.error(*problem.args)
                return
            end = span.raw.find("\n")
            self.category = _unescape(span.raw[10 : None if end < 0 else end]).strip(WS)
            if not self.category:
                self.result.error(first + offset, "$CATEGORY: needs a category path")
            # Practicum: lines right below a category line (no blank line) are read on their
            # own; Moodle would fold them into the category name.
            first, lines = first + offset + 1, lines[offset + 1 :]

    def _question(self, text: str, first: int, span: _Span, comments: list[str]) -> None:
        """Parse one question block and file it as imported or skipped."""

        def line_at(pos: int) -> int:
            return first + text.count("\n", 0, pos)

        line = line_at(span.start)
        title, body = _split_title(span)
        parts = _split_answer_block(body, line_at)
        if parts is None:
            self.result.skipped.append(Skipped(line, "description", title))
            return
        before, answer, after = parts
        answer, general_span = _split_general_feedback(answer)
        kind = _kind(answer, after)
        if kind not in ("multichoice", "truefalse"):
            self.result.skipped.append(Skipped(line, kind, title))
            return
        stem, stem_format = _field(before, "moodle")
        if not stem:
            raise _Problem(line, "The question has no text before its answer block")
        if kind == "truefalse":
            qtype, options = "truefalse", _truefalse(answer, stem_format)
        else:
            block_line = line_at(before.start + len(before.raw))
            qtype, options = _choice(answer, stem_format, line_at, block_line)
        ident, tags = _metadata(comments)
        self.result.questions.append(
            ImportedQuestion(
                qtype=qtype,
                stem=stem,
                stem_format=stem_format,
                options=options,
                title=title,
                general_feedback=_field(general_span, stem_format)[0],
                category=self.category,
                tags=tags,
                id=ident,
                line=line,
            )
        )


def _split_general_feedback(answer: _Span) -> tuple[_Span, _Span]:
    """Split off the general feedback after the last ####, as Moodle does."""
    separator = answer.mask.rfind("####")
    if separator < 0:
        return answer, answer.cut(len(answer.raw))
    return answer.cut(0, separator).strip(), answer.cut(separator + 4)


def _kind(answer: _Span, after: _Span) -> str:
    """Classify the block, treating answer blocks in mid-sentence as "missingword"."""
    kind = _classify(answer.mask)
    trailing = after.strip().raw
    # Practicum: Moodle splices mid-sentence answer blocks out and leaves "_____" in the
    # text; such missing-word questions are skipped. After a true/false block, trailing text
    # without letters or digits (Moodle's own fixture has a stray `";`) is dropped.
    if kind == "multichoice" and trailing:
        return "missingword"
    if kind == "truefalse" and any(ch.isalnum() for ch in trailing):
        return "missingword"
    return kind


def _split_title(span: _Span) -> tuple[str, _Span]:
    """Separate a leading ::title:: from the rest of the question."""
    if not span.mask.startswith("::"):
        return "", span
    end = span.mask.find("::", 2)
    if end < 0:  # Moodle drops the lone "::" and carries on without a title
        return "", span.cut(2).strip()
    return _unescape(span.raw[2:end]).strip(WS), span.cut(end + 2).strip()


LineAt = Callable[[int], int]


def _split_answer_block(body: _Span, line_at: LineAt) -> tuple[_Span, _Span, _Span] | None:
    """Return (text before, answer block content, text after), or None when there is no block."""
    opens = [i for i, ch in enumerate(body.mask) if ch == "{"]
    closes = [i for i, ch in enumerate(body.mask) if ch == "}"]
    if not opens and not closes:
        return None
    if not closes:
        raise _Problem(line_at(body.start + opens[0]), "'{' opens an answer block never closed")
    if not opens or closes[0] < opens[0]:
        raise _Problem(
            line_at(body.start + closes[0]), "'}' has no opening '{' (write \\} instead)"
        )
    extra = sorted(opens[1:] + closes[1:])
    if extra:
        raise _Problem(
            line_at(body.start + extra[0]),
            "Only one answer block per question: put a blank line between questions "
            "and write \\{ and \\} for literal braces",
        )
    start, end = opens[0], closes[0]
    return body.cut(0, start), body.cut(start + 1, end).strip(), body.cut(end + 1)


def _truefalse(answer: _Span, text_format: str) -> list[ImportedOption]:
    """Build true/false options; Moodle shows the first #feedback for the wrong answer."""
    hashes = [i for i, ch in enumerate(answer.mask) if ch == "#"][:2]
    bounds = [-1, *hashes, len(answer.mask)]
    bits = [answer.cut(a + 1, b) for a, b in zip(bounds, bounds[1:], strict=False)]
    correct = _TRUEFALSE[bits[0].strip().mask]
    wrong = _field(bits[1], text_format)[0] if len(bits) > 1 else ""
    right = _field(bits[2], text_format)[0] if len(bits) > 2 else ""
    return truefalse_options(correct, right, wrong)


def _segments(answer: _Span) -> list[_Span]:
    """Split a multiple-choice block at each live ~ and = (an = stays on its answer)."""
    cuts = [i for i, ch in enumerate(answer.mask) if ch in "~="]
    lead = answer.cut(0, cuts[0]).strip()
    segments = [lead] if lead.raw else []  # Moodle keeps unmarked leading text as a wrong answer
    for begin, end in zip(cuts, [*cuts[1:], len(answer.mask)], strict=True):
        segments.append(answer.cut(begin + (answer.mask[begin] == "~"), end).strip())
    return segments


def _option(segment: _Span, text_format: str, line_at: LineAt) -> ImportedOption:
    """Read one answer: optional = or %weight%, the text, then an optional #feedback."""
    fraction = 0.0
    if segment.mask.startswith("="):
        fraction, segment = 1.0, segment.cut(1).strip()
    weight = _WEIGHT.match(segment.mask)
    if weight:
        value = float(weight.group(1))
        if not -100 <= value <= 100:
            raise _Problem(line_at(segment.start), f"Weight {weight.group()} is not in -100..100%")
        # Practicum: an explicit weight after = counts too; Moodle leaves it in the text.
        fraction, segment = round(value / 100, 7), segment.cut(weight.end())
    hash_at = segment.mask.find("#")
    if hash_at < 0:
        return ImportedOption(_field(segment, text_format)[0], fraction)
    text = _field(segment.cut(0, hash_at), text_format)[0]
    return ImportedOption(text, fraction, _field(segment.cut(hash_at + 1), text_format)[0])


def _choice(
    answer: _Span, text_format: str, line_at: LineAt, block_line: int
) -> tuple[str, list[ImportedOption]]:
    """Build a single or multiple response question the way Moodle decides and validates it."""
    single = "=" in answer.mask  # Moodle: single iff some answer is marked with =
    options = [_option(segment, text_format, line_at) for segment in _segments(answer)]
    options = [option for option in options if option.text]  # Moodle drops empty answers
    if len(options) < 2:
        raise _Problem(block_line, "A multiple-choice question needs at least two answers")
    if single:
        if not any(option.fraction == 1.0 for option in options):
            raise _Problem(block_line, "No answer is fully right (100%)")
        return "single", options
    total = round(sum(option.fraction for option in options if option.fraction > 0), 2)
    if total == 0:
        raise _Problem(block_line, "No right answer: mark one with = or give ~%n% weights")
    if total != 1:
        raise _Problem(block_line, f"The positive weights add up to {total * 100:g}%, not 100%")
    return "multiple", options


def parse_gift(text: str) -> ImportResult:
    """Parse GIFT text; never raises, reports every problem with its line number."""
    reader = _Reader()
    for first, lines in _blocks(text):
        reader.read_block(first, lines)
    return reader.result
