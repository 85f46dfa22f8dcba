"""Freeze an attempt at start: draw question versions (stratified by tag) and order options."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from course.models import QuestionVersion
from course.quiz.settings import DrawRule, QuizRules
from course.quiz.types import get_type


class DrawError(ValueError):
    """The pool cannot satisfy the quiz settings (a content problem, reported to staff)."""


@dataclass(frozen=True)
class DrawnItem:
    """One question chosen for an attempt, with its option order."""

    version: QuestionVersion
    option_order: list[str]


def draw_questions(
    pool: Sequence[QuestionVersion], settings: QuizRules | Mapping[str, Any], seed: int
) -> list[DrawnItem]:
    """Choose and order questions and options deterministically from `seed`."""
    rules = QuizRules.from_raw(settings)
    rng = random.Random(seed)  # noqa: S311 - fairness, not secrecy: the seed is stored server-side
    ordered = sorted(pool, key=lambda v: v.question.uid)
    if rules.fixed:
        by_uid = {v.question.uid: v for v in ordered}
        missing = [uid for uid in rules.fixed if uid not in by_uid]
        if missing:
            raise DrawError(f"fixed questions not available: {', '.join(missing)}")
        chosen = [by_uid[uid] for uid in rules.fixed]
    else:
        chosen = _stratified(ordered, rules.draw, rules.question_count, rng)
    if rules.shuffle_questions:
        rng.shuffle(chosen)
    items = []
    for version in chosen:
        keys = [o["key"] for o in version.options]
        shuffle = rules.shuffle_options
        items.append(DrawnItem(version, get_type(version.qtype).option_order(keys, rng, shuffle)))
    return items


def _stratified(
    pool: list[QuestionVersion], rules: Sequence[DrawRule], count: int, rng: random.Random
) -> list[QuestionVersion]:
    if len(pool) < count:
        raise DrawError(f"the pool has {len(pool)} questions but the quiz needs {count}")
    chosen: list[QuestionVersion] = []
    for rule in rules:
        tags = set(rule.tags)
        already = sum(1 for v in chosen if tags & set(v.tags))
        candidates = [v for v in pool if v not in chosen and tags & set(v.tags)]
        need = max(0, rule.min - already)
        if len(candidates) < need:
            raise DrawError(f"only {len(candidates)} questions tagged {sorted(tags)}; need {need}")
        chosen.extend(rng.sample(candidates, need))
    rest = [v for v in pool if v not in chosen]
    chosen.extend(rng.sample(rest, count - len(chosen)))
    return chosen
