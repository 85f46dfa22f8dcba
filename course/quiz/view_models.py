"""What the take and review pages may show: options by opaque token, keys only when allowed."""

from __future__ import annotations

from dataclasses import dataclass, field

from course.content.render import render_inline, render_markdown
from course.models import Attempt
from course.quiz.services import option_token
from course.quiz.types import get_type


@dataclass
class TakeOption:
    """An option as the learner sees it while answering: token and text, nothing else."""

    token: str
    html: str
    checked: bool


@dataclass
class TakeItem:
    """A question as the learner sees it while answering."""

    position: int
    stem_html: str
    input_type: str
    type_label: str
    options: list[TakeOption]


def take_items(attempt: Attempt) -> list[TakeItem]:
    """Build the answer form's content; carries no correctness, key, rationale or stable id."""
    items = []
    for item in attempt.items:
        version = item.version
        kind = get_type(version.qtype)
        chosen = set(item.response or [])
        options = [
            TakeOption(
                option_token(attempt, item, key),
                render_inline(version.option(key)["text"]),
                key in chosen,
            )
            for key in item.option_order
        ]
        items.append(
            TakeItem(
                item.position, render_markdown(version.stem), kind.input_type, kind.label, options
            )
        )
    return items


@dataclass
class ReviewOption:
    """An option on the review page."""

    html: str
    chosen: bool
    correct: bool | None  # None when the key is not revealed
    rationale_html: str | None


@dataclass
class ReviewItem:
    """A question on the review page."""

    position: int
    stem_html: str
    score: float
    right: bool
    feedback_html: str | None
    version_number: int
    references: list[int]
    options: list[ReviewOption] = field(default_factory=list)


def review_items(attempt: Attempt, reveal: bool) -> list[ReviewItem]:
    """Build the review from the frozen versions; without reveal, rationales only for choices."""
    items = []
    for item in attempt.items:
        version = item.version
        chosen = set(item.response or [])
        options = []
        for key in item.option_order:
            option = version.option(key)
            show = reveal or key in chosen
            options.append(
                ReviewOption(
                    html=render_inline(option["text"]),
                    chosen=key in chosen,
                    correct=bool(option.get("correct")) if reveal else None,
                    rationale_html=render_inline(option["rationale"]) if show else None,
                )
            )
        items.append(
            ReviewItem(
                position=item.position,
                stem_html=render_markdown(version.stem),
                score=item.score or 0.0,
                right=(item.score or 0.0) >= 1.0,
                feedback_html=render_markdown(version.feedback) if reveal else None,
                version_number=version.number,
                references=list(version.references),
                options=options,
            )
        )
    return items
