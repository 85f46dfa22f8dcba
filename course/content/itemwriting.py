"""Item-writing checks (NBME/Haladyna guidance), reported as warnings in the editor and in lint."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from statistics import mean
from typing import Any

ABOVE_RE = re.compile(r"\b(all|none|both|neither) of the (above|following)\b", re.I)
NEGATIVE_RE = re.compile(r"\b(not|except|least|never|false|incorrect)\b")
EMPHASIS_RE = re.compile(r"(\*\*|__|\*|_)(not|except|least|never|false|incorrect)\1", re.I)
WORD_RE = re.compile(r"[a-z][a-z'-]{4,}")
STOPWORDS = frozenset(
    "about above after again against among being below between could every other their there "
    "these those through under until which while would patient patients ketamine therapy "
    "treatment clinician following should statement".split()
)
LONGEST_RATIO = 1.5
UNEVEN_RATIO = 3.0


def _words(text: str) -> set[str]:
    return {w for w in WORD_RE.findall(text.lower()) if w not in STOPWORDS}


def item_warnings(
    stem: str,
    options: Sequence[Mapping[str, Any]],
    references: Sequence[int] = (),
    *,
    qtype: str = "single",
) -> list[str]:
    """Return item-writing warnings for one question (empty when none apply)."""
    warnings: list[str] = []
    texts = [str(o.get("text", "")).strip() for o in options]
    if any(ABOVE_RE.search(t) for t in texts):
        warnings.append('avoid "all of the above" / "none of the above" options')
    lowered = NEGATIVE_RE.findall(stem)
    if lowered and not EMPHASIS_RE.search(stem):
        warnings.append(
            f'negative stem ("{lowered[0]}") is not emphasised; write it as NOT or **not**'
        )
    if qtype != "truefalse" and len(texts) > 2:
        warnings.extend(_length_warnings(texts, options, qtype))
        clue = _stem_clue(stem, texts, options)
        if clue:
            warnings.append(f'only the correct option repeats the stem word "{clue}" (a clue)')
    normalised = [" ".join(t.lower().split()) for t in texts]
    if len(set(normalised)) != len(normalised):
        warnings.append("two options have the same text")
    if any(not str(o.get("rationale", "")).strip() for o in options):
        warnings.append("every option needs a rationale")
    if not references:
        warnings.append("cite at least one reference that supports the key")
    return warnings


def _length_warnings(
    texts: list[str], options: Sequence[Mapping[str, Any]], qtype: str
) -> list[str]:
    warnings = []
    lengths = [len(t) for t in texts]
    correct = [i for i, o in enumerate(options) if o.get("correct")]
    if qtype == "single" and len(correct) == 1:
        key = correct[0]
        others = [n for i, n in enumerate(lengths) if i != key]
        if lengths[key] == max(lengths) and others and lengths[key] > LONGEST_RATIO * mean(others):
            warnings.append("the correct option is conspicuously the longest")
    if min(lengths) and max(lengths) / min(lengths) > UNEVEN_RATIO:
        warnings.append("option lengths are uneven (longest is over 3x the shortest)")
    return warnings


def _stem_clue(stem: str, texts: list[str], options: Sequence[Mapping[str, Any]]) -> str | None:
    stem_words = _words(stem)
    correct_words: set[str] = set()
    distractor_words: set[str] = set()
    for text, option in zip(texts, options, strict=True):
        (correct_words if option.get("correct") else distractor_words).update(_words(text))
    clues = sorted((stem_words & correct_words) - distractor_words)
    return clues[0] if clues else None
