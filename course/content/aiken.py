"""Read Moodle's Aiken format: single-best-answer questions, one line per part.

    Question text on one line
    A) first option          (or "A." ; the space after the label is optional)
    B) second option
    ANSWER: B

Follows question/format/aiken/format.php: texts are HTML-escaped (&, <, >) and lines shorter
than two bytes are ignored. Moodle reports the same problems on the same lines; unlike
Moodle we also report an ANSWER letter with no matching option and a question left
unfinished at the end of the file, instead of importing or dropping them silently.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from course.content.interchange import (
    PHP_WHITESPACE,
    ImportedOption,
    ImportedQuestion,
    ImportResult,
)

_OPTION = re.compile(r"[A-Z][).][ \t]?")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class _Pending:
    """A question whose ANSWER line has not been read yet."""

    line: int
    text: str
    options: list[str] = field(default_factory=list)


def _escape(text: str) -> str:
    """Escape like PHP htmlspecialchars(..., ENT_NOQUOTES)."""
    return html.escape(text, quote=False)


class _AikenReader:
    """Walk the lines of an Aiken file, collecting questions and problems."""

    def __init__(self) -> None:
        self.result = ImportResult()
        self.pending: _Pending | None = None

    def feed(self, number: int, line: str) -> None:
        """Handle one trimmed line."""
        if _OPTION.match(line):
            if self.pending is None:
                self.result.error(number, "Question not started: option with no question above")
            else:
                self.pending.options.append(_escape(line[2:].strip(PHP_WHITESPACE)))
        elif line.startswith("ANSWER:"):
            if self.pending is None:
                self.result.error(number, "Question not started: ANSWER with no question above")
            else:
                pending, self.pending = self.pending, None
                self._finish(pending, number, line[len("ANSWER:") :].strip(PHP_WHITESPACE)[:1])
        else:
            if self.pending is not None:
                self.result.error(
                    number,
                    "Question not completed before next question start: "
                    f"{self.pending.text!r} (line {self.pending.line}) has no ANSWER line",
                )
            self.pending = _Pending(number, line)

    def _finish(self, pending: _Pending, number: int, letter: str) -> None:
        """Complete a question with the ANSWER letter read on line `number`."""
        count = len(pending.options)
        if count < 2:
            self.result.error(number, f"Question must have at least 2 answers: {pending.text!r}")
            return
        right = ord(letter) - ord("A") if letter else -1
        if not 0 <= right < count:
            last = chr(ord("A") + count - 1)
            self.result.error(number, f"ANSWER must be a letter from A to {last}")
            return
        options = [
            ImportedOption(text, 1.0 if index == right else 0.0)
            for index, text in enumerate(pending.options)
        ]
        self.result.questions.append(
            ImportedQuestion(
                qtype="single",
                stem=_escape(pending.text),
                stem_format="html",
                options=options,
                line=pending.line,
            )
        )

    def close(self) -> ImportResult:
        """Report a question left open at the end of the text and return the result."""
        if self.pending is not None:
            self.result.error(self.pending.line, "Question started here has no ANSWER line")
        return self.result


def parse_aiken(text: str) -> ImportResult:
    """Parse Aiken text; never raises, reports every problem with its line number."""
    reader = _AikenReader()
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    for number, raw in enumerate(lines, start=1):
        line = raw.strip(PHP_WHITESPACE)
        if len(line.encode("utf-8", "surrogatepass")) >= 2:
            reader.feed(number, line)
    return reader.close()
