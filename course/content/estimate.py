"""An honest time estimate for a course: reading, presented items and the evaluation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from course.content.bundle import ContentBundle

WORDS_PER_MINUTE = 200
MINUTES_PER_ITEM = 1.0
EVALUATION_MINUTES = 5.0
HOURS_TOLERANCE = 0.25  # declared hours may exceed the estimate by at most this share
MODULE_TOLERANCE = 0.50  # a module's declared minutes may differ from its reading time by this
WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
MARKUP_RE = re.compile(r"^:::.*$", re.M)


def lesson_words(body: str) -> int:
    """Count the words a learner reads in a lesson body (fence markers are not words)."""
    return len(WORD_RE.findall(MARKUP_RE.sub("", body)))


@dataclass(frozen=True)
class Estimate:
    """Minutes of reading, of answering presented items, and of the evaluation."""

    reading: float
    items: int
    evaluation: float = EVALUATION_MINUTES

    @property
    def minutes(self) -> float:
        """The whole activity, in minutes."""
        return self.reading + self.items * MINUTES_PER_ITEM + self.evaluation

    def __str__(self) -> str:
        return (
            f"estimated time {self.minutes:.0f} min ({self.reading:.0f} reading at "
            f"{WORDS_PER_MINUTE} words/min, {self.items} presented items, "
            f"{self.evaluation:.0f} evaluation)"
        )


def estimate(bundle: ContentBundle) -> Estimate:
    """Estimate the time one pass through the course takes (one attempt at every quiz)."""
    words = sum(lesson_words(m.body) for m in bundle.modules)
    items = sum(q.data.quiz.question_count for q in bundle.quizzes)
    if bundle.final is not None:
        items += bundle.final.data.final.question_count
    return Estimate(words / WORDS_PER_MINUTE, items)


def hours_warnings(bundle: ContentBundle) -> list[tuple[str, int, str]]:
    """(file, line, message) for declared hours or module minutes the content cannot support."""
    found: list[tuple[str, int, str]] = []
    if bundle.course is not None and bundle.modules:
        est = estimate(bundle)
        declared = bundle.course.contact_hours * 60
        if declared > est.minutes * (1 + HOURS_TOLERANCE):
            found.append(
                (
                    "course.yaml",
                    1,
                    f"declares {bundle.course.contact_hours:g} hours ({declared:.0f} min), over "
                    f"{HOURS_TOLERANCE:.0%} above the {str(est)}",
                )
            )
    for module in bundle.modules:
        reading = lesson_words(module.body) / WORDS_PER_MINUTE
        if reading and abs(module.meta.minutes - reading) > MODULE_TOLERANCE * reading:
            found.append(
                (
                    module.path.name,
                    2,
                    f"declares {module.meta.minutes} minutes but its "
                    f"{lesson_words(module.body)} words read in about {reading:.0f}",
                )
            )
    return found
