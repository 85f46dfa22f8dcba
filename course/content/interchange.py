"""Neutral question data shared by the GIFT and Aiken importers and the GIFT exporter.

The classes mirror the part of Moodle's question model that Practicum grades: single best
answer ("single"), multiple response ("multiple") and true/false ("truefalse"). Fractions
are Moodle's answer weights divided by 100, so they run from -1.0 to 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from course.quiz.types import REGISTRY

# The question types GIFT and Aiken can carry: those whose type declares a GIFT form.
QTYPES = tuple(name for name, kind in REGISTRY.items() if kind.gift_form)
TEXT_FORMATS = ("moodle", "html", "markdown", "plain")

# Characters PHP's trim() removes; Moodle trims every line and field with exactly these.
PHP_WHITESPACE = " \t\n\r\x00\x0b"


@dataclass
class ImportedOption:
    """Hold one answer option with its weight and the feedback shown when it is chosen."""

    text: str
    fraction: float
    feedback: str = ""


@dataclass
class ImportedQuestion:
    """Hold one importable question; `line` records provenance and is ignored by ==."""

    qtype: str
    stem: str
    stem_format: str = "moodle"
    options: list[ImportedOption] = field(default_factory=list)
    title: str = ""
    general_feedback: str = ""
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    id: str | None = None
    line: int = field(default=0, compare=False)


@dataclass
class Skipped:
    """Record a recognised question of a type Practicum does not grade."""

    line: int
    qtype: str
    title: str = ""


@dataclass
class ParseProblem:
    """Describe one problem in the source text, at a 1-based line number."""

    line: int
    message: str


@dataclass
class ImportResult:
    """Collect everything an importer found; callers import nothing unless `ok`."""

    questions: list[ImportedQuestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[ParseProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Report whether the source parsed without a single error."""
        return not self.errors

    def error(self, line: int, message: str) -> None:
        """Append a problem found at `line`."""
        self.errors.append(ParseProblem(line=line, message=message))


def truefalse_options(
    correct: bool, right_feedback: str, wrong_feedback: str
) -> list[ImportedOption]:
    """Build the [True, False] options, giving each choice the feedback shown when it is picked."""
    true_feedback, false_feedback = (
        (right_feedback, wrong_feedback) if correct else (wrong_feedback, right_feedback)
    )
    return [
        ImportedOption(text="True", fraction=1.0 if correct else 0.0, feedback=true_feedback),
        ImportedOption(text="False", fraction=0.0 if correct else 1.0, feedback=false_feedback),
    ]
