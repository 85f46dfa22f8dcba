"""Item-writing checks (NBME/Haladyna guidance), reported as warnings in the editor and in lint."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from statistics import mean
from typing import Any

from course.quiz.types import REGISTRY

ABOVE_RE = re.compile(r"\b(all|none|both|neither) of the (above|following)\b", re.I)
NEGATIVE_RE = re.compile(r"\b(not|except|least|never|false|incorrect)\b", re.I)
EMPHASIS_RE = re.compile(r"(\*\*|__|\*|_)(not|except|least|never|false|incorrect)\1", re.I)
ARTICLE_RE = re.compile(r"\b(?:the|this) (?:source )?article\b", re.I)
ABSOLUTE_RE = re.compile(
    r"\b(always|never|all|none|every|only|must|cannot|proven|guaranteed?|completely|entirely)\b",
    re.I,
)
HEDGE_RE = re.compile(
    r"\b(may|might|could|possibly|perhaps|likely|usually|often|generally|typically|sometimes)\b",
    re.I,
)
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
    negative = _negative_warning(stem)
    if negative:
        warnings.append(negative)
    if ARTICLE_RE.search(stem):
        warnings.append(
            'the stem is anchored on "the article"; ask what the clinician should do instead'
        )
    kind = REGISTRY.get(qtype)
    if kind is not None and kind.written_choices and len(texts) > 2:
        warnings.extend(_length_warnings(texts, options, qtype))
        clue = _stem_clue(stem, texts, options)
        if clue:
            warnings.append(f'only the correct option repeats the stem word "{clue}" (a clue)')
        warnings.extend(_cue_word_warnings(texts, options))
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
    if REGISTRY[qtype].one_written_key and len(correct) == 1:
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


def _negative_warning(stem: str) -> str | None:
    """Any negative stem warns; NOT, EXCEPT or **not** are still negative, only louder."""
    match = NEGATIVE_RE.search(stem)
    if not match:
        return None
    word = match.group(1)
    if word.isupper() or EMPHASIS_RE.search(stem):
        return (
            f'negative stem ("{word}"): emphasis does not rescue it; '
            "ask for the best answer instead"
        )
    return f'negative stem ("{word}"): ask for the best answer instead'


def _cue_word_warnings(texts: list[str], options: Sequence[Mapping[str, Any]]) -> list[str]:
    """Test-wise cues: absolutes only in distractors, hedges only in keys."""
    warnings = []
    keys = [t for t, o in zip(texts, options, strict=True) if o.get("correct")]
    distractors = [t for t, o in zip(texts, options, strict=True) if not o.get("correct")]
    absolute_keys = any(ABSOLUTE_RE.search(t) for t in keys)
    absolute = [m.group(1).lower() for t in distractors if (m := ABSOLUTE_RE.search(t))]
    if absolute and not absolute_keys:
        warnings.append(
            f'absolute words ("{absolute[0]}") appear only in distractors (a clue to avoid them)'
        )
    hedge_distractors = any(HEDGE_RE.search(t) for t in distractors)
    hedges = [m.group(1).lower() for t in keys if (m := HEDGE_RE.search(t))]
    if hedges and not hedge_distractors:
        warnings.append(f'hedge words ("{hedges[0]}") appear only in keys (a clue to pick them)')
    return warnings
