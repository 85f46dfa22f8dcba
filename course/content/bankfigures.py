"""Whole-pool and whole-bank item-writing figures: key positions, cue words, blueprint shares."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from course.content.itemwriting import ABSOLUTE_RE, ARTICLE_RE, HEDGE_RE
from course.content.schema import QuestionEntry
from course.quiz.types import get_type

KEY_POSITION_MAX = 0.40  # no authored key position may hold more than this share of keys
MIN_KEYED_FOR_POSITION = 5  # below this a pool is too small to judge its key positions
SAFETY_TAGS = frozenset({"contraindication", "caution", "safety"})
AGE_RE = re.compile(r"\b\d{1,3}-year-old\b")


@dataclass(frozen=True)
class Target:
    """One bank figure, its value and the bound it must meet."""

    label: str
    value: float
    bound: float
    at_least: bool
    percent: bool = True

    @property
    def met(self) -> bool:
        """Whether the figure meets its bound."""
        return self.value >= self.bound if self.at_least else self.value <= self.bound

    def __str__(self) -> str:
        shown = f"{self.value:.0%}" if self.percent else f"{self.value:g}"
        bound = f"{self.bound:.0%}" if self.percent else f"{self.bound:g}"
        sign = ">=" if self.at_least else "<="
        return f"{self.label}: {shown} (target {sign} {bound})"


def _published(questions: Sequence[QuestionEntry]) -> list[QuestionEntry]:
    return [q for q in questions if q.status == "published"]


def key_positions(questions: Sequence[QuestionEntry]) -> Counter[str]:
    """Count the authored position (a, b, c ...) of the key of each single-answer item."""
    found: Counter[str] = Counter()
    for q in _published(questions):
        if not get_type(q.type).one_written_key:
            continue
        keys = [i for i, o in enumerate(q.options) if o.correct]
        if len(keys) == 1:
            found[chr(97 + keys[0])] += 1
    return found


def pool_warnings(questions: Sequence[QuestionEntry]) -> list[str]:
    """Warnings about a pool as a whole: authored key positions and true/false keys."""
    warnings = []
    positions = key_positions(questions)
    total = sum(positions.values())
    if total >= MIN_KEYED_FOR_POSITION:
        position, count = max(sorted(positions.items()), key=lambda kv: kv[1])
        if count / total > KEY_POSITION_MAX:
            warnings.append(
                f"authored key position {position} holds {count} of {total} single-answer keys "
                f"(over {KEY_POSITION_MAX:.0%}); vary where the key is written"
            )
    tf_keys = Counter(
        next((o.id for o in q.options if o.correct), "")
        for q in _published(questions)
        if get_type(q.type).fixed_keys
    )
    if sum(tf_keys.values()) >= 2 and len(tf_keys) == 1:
        (only,) = tf_keys
        warnings.append(f'every true/false key in the pool is "{only}"; spread them')
    return warnings


def vignette_warning(question: QuestionEntry) -> str | None:
    """A vignette names the patient's age; without one it is a plain recall stem."""
    if question.vignette and not AGE_RE.search(question.stem):
        return "vignette: true, but the stem gives no age (write e.g. '54-year-old')"
    return None


def _key_is_strictly_longest(q: QuestionEntry) -> bool:
    lengths = [(len(o.text.strip()), o.correct) for o in q.options]
    longest = max(n for n, _ in lengths)
    winners = [correct for n, correct in lengths if n == longest]
    return len(winners) == 1 and winners[0]


def _share(texts: list[str], pattern: re.Pattern[str]) -> float:
    return sum(1 for t in texts if pattern.search(t)) / len(texts) if texts else 0.0


def bank_figures(questions: Sequence[QuestionEntry]) -> list[Target]:
    """The bank's figures against the course blueprint (issue #11)."""
    pool = _published(questions)
    n = len(pool) or 1
    choice = [q for q in pool if get_type(q.type).written_choices]
    positions = key_positions(pool)
    keys = [o.text for q in choice for o in q.options if o.correct]
    distractors = [o.text for q in choice for o in q.options if not o.correct]
    figures = [
        Target("items", len(pool), 80, at_least=True, percent=False),
        Target("stems mentioning the article", _count(pool, _mentions_article) / n, 0.20, False),
        Target("clinical vignettes", _count(pool, lambda q: q.vignette) / n, 0.40, True),
        Target(
            "tagged contraindication, caution or safety",
            _count(pool, lambda q: bool(SAFETY_TAGS & set(q.tags))) / n,
            0.35,
            True,
        ),
        Target(
            "largest authored key position",
            max(positions.values(), default=0) / (sum(positions.values()) or 1),
            KEY_POSITION_MAX,
            False,
        ),
        Target(
            "key is the strictly longest option",
            _count(choice, _key_is_strictly_longest) / (len(choice) or 1),
            0.30,
            False,
        ),
    ]
    for label, pattern in (("absolute", ABSOLUTE_RE), ("hedge", HEDGE_RE)):
        gap = abs(_share(keys, pattern) - _share(distractors, pattern))
        figures.append(Target(f"{label} words, keys vs distractors (gap)", gap, 0.15, False))
    return figures


def describe_cue_words(questions: Sequence[QuestionEntry]) -> list[str]:
    """Plain lines: how often absolute and hedge words occur in keys and in distractors."""
    choice = [q for q in _published(questions) if get_type(q.type).written_choices]
    keys = [o.text for q in choice for o in q.options if o.correct]
    distractors = [o.text for q in choice for o in q.options if not o.correct]
    return [
        f"{label} words in {_share(keys, pattern):.0%} of keys, "
        f"{_share(distractors, pattern):.0%} of distractors"
        for label, pattern in (("absolute", ABSOLUTE_RE), ("hedge", HEDGE_RE))
    ]


def _mentions_article(q: QuestionEntry) -> bool:
    return bool(ARTICLE_RE.search(q.stem))


def _count(questions: Sequence[QuestionEntry], test) -> int:
    return sum(1 for q in questions if test(q))
