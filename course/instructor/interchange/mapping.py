"""Map a parsed GIFT / Aiken question to a stored version payload (option keys, weights, text).

Pure functions: no database access.
"""

from __future__ import annotations

import html
import re
import string
from typing import Any

import nh3

from course.content.interchange import ImportedQuestion
from course.models import QuestionVersion
from course.quiz.types import get_type

_BREAKS = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.I)


def plain_text(text: str, text_format: str) -> tuple[str, bool]:
    """Return text to store as Markdown, and whether HTML tags had to be stripped."""
    if text_format != "html":
        return text, False
    stripped = html.unescape(nh3.clean(_BREAKS.sub("\n", text), tags=set())).strip()
    return stripped, stripped != html.unescape(text).strip()


def _keys(qtype: str, texts: list[str], previous: QuestionVersion | None) -> list[str]:
    """Key options a, b, c ... (or the type's fixed keys), reusing keys of identical texts."""
    fixed = get_type(qtype).fixed_keys
    if fixed:
        by_text = {key.lower(): key for key in fixed}
        return [by_text.get(text.strip().lower(), fixed[-1]) for text in texts]
    known = {}
    if previous is not None and get_type(previous.qtype) is get_type(qtype):
        known = {o["text"]: o["key"] for o in previous.options}
    keys: list[str | None] = []
    for text in texts:
        key = known.get(text)
        keys.append(key if key and key not in keys else None)
    pool = [*string.ascii_lowercase, *(f"o{n}" for n in range(27, 27 + len(keys)))]
    spare = (k for k in pool if k not in keys)
    return [key or next(spare) for key in keys]


def _options(question: ImportedQuestion, previous: QuestionVersion | None) -> tuple[list, list]:
    """Map imported options to stored ones; return them and notes for the preview."""
    texts = [plain_text(o.text, question.stem_format)[0] for o in question.options]
    keys = _keys(question.qtype, texts, previous)
    fractions = [o.fraction for o in question.options]
    marks, notes = get_type(question.qtype).from_gift_fractions(fractions, keys)
    options = []
    for key, text, option, (correct, weight) in zip(
        keys, texts, question.options, marks, strict=True
    ):
        rationale = plain_text(option.feedback, question.stem_format)[0]
        options.append(
            {"key": key, "text": text, "correct": correct, "weight": weight, "rationale": rationale}
        )
    return options, notes


def imported_payload(
    question: ImportedQuestion, previous: QuestionVersion | None, extra_tags: list[str]
) -> tuple[dict[str, Any], list[str]]:
    """Build the payload and preview notes; fields GIFT cannot express come from `previous`."""
    stem, stripped = plain_text(question.stem, question.stem_format)
    options, notes = _options(question, previous)
    if stripped:
        notes.append("the text was HTML: tags were removed, only the text was kept")
    tags = list(dict.fromkeys([*question.tags, *extra_tags]))
    payload = {
        "qtype": question.qtype,
        "stem": stem,
        "options": options,
        "feedback": plain_text(question.general_feedback, question.stem_format)[0],
        "objective": previous.objective if previous else None,
        "tags": tags,
        "references": list(previous.references) if previous else [],
        "difficulty": previous.difficulty if previous else "medium",
        "vignette": previous.vignette if previous else False,
    }
    return payload, notes
