"""What the take and review pages may show: options by opaque token, keys only when allowed."""

from __future__ import annotations

from dataclasses import dataclass, field

from course.content.render import render_inline, render_markdown
from course.models import Attempt
from course.quiz.grading import response_problem
from course.quiz.review import ReviewVisibility
from course.quiz.submit import option_token
from course.quiz.types import get_type


@dataclass
class TakeOption:
    """An option as the learner sees it while answering: token and text, nothing else."""

    token: str
    html: str
    checked: bool
    rank: int | None = None  # where the learner placed it, for ordering questions


@dataclass
class TakeItem:
    """A question as the learner sees it while answering."""

    position: int
    stem_html: str
    input_type: str
    type_label: str
    options: list[TakeOption]
    template: str = "quiz/types/_choice.html"


def take_items(attempt: Attempt) -> list[TakeItem]:
    """Build the answer form's content; carries no correctness, key, rationale or stable id."""
    items = []
    for item in attempt.items:
        version = item.version
        kind = get_type(version.qtype)
        chosen = list(item.response or [])
        options = [
            TakeOption(
                option_token(attempt, item, key),
                render_inline(version.option(key)["text"]),
                key in chosen,
                chosen.index(key) + 1 if key in chosen else None,
            )
            for key in item.option_order
        ]
        items.append(
            TakeItem(
                item.position,
                render_markdown(version.stem),
                kind.input_type,
                kind.label,
                options,
                kind.template,
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
    rank: int | None = None  # where the learner placed it (ordering)
    key_rank: int | None = None  # where it belongs, when the key is revealed (ordering)


@dataclass
class ReviewItem:
    """A question on the review page; `mark` is None when correctness is not shown."""

    position: int
    stem_html: str
    mark: str | None  # "correct", "partial", "incorrect", "unanswered" or "invalid"
    invalid_reason: str | None
    feedback_html: str | None
    references: list[int]
    options: list[ReviewOption] = field(default_factory=list)
    template: str = "quiz/types/_choice_review.html"


def _mark(score: float, chosen: list[str], invalid: str | None) -> str:
    if invalid:
        return "invalid"
    if not chosen:
        return "unanswered"
    if score >= 1.0:
        return "correct"
    return "partial" if score > 0 else "incorrect"


def review_items(attempt: Attempt, show: ReviewVisibility) -> list[ReviewItem]:
    """Build the review from the frozen versions, revealing only what `show` allows."""
    items = []
    for item in attempt.items:
        version = item.version
        kind = get_type(version.qtype)
        key_order = [o["key"] for o in version.options]
        chosen = list(item.response or [])
        invalid = response_problem(version.qtype, version.options, chosen)
        own_feedback = show.choice_feedback(chosen, invalid is None)
        options = []
        for key in item.option_order:
            option = version.option(key)
            picked = key in chosen
            options.append(
                ReviewOption(
                    html=render_inline(option["text"]),
                    chosen=picked,
                    correct=bool(option.get("correct")) if show.key else None,
                    rationale_html=render_inline(option["rationale"])
                    if show.key or (picked and own_feedback)
                    else None,
                    rank=chosen.index(key) + 1 if picked else None,
                    key_rank=key_order.index(key) + 1 if show.key else None,
                )
            )
        score = item.score or 0.0
        items.append(
            ReviewItem(
                position=item.position,
                stem_html=render_markdown(version.stem),
                mark=_mark(score, chosen, invalid) if show.correctness else None,
                invalid_reason=invalid,
                feedback_html=render_markdown(version.feedback) if show.key else None,
                references=list(version.references),
                options=options,
                template=kind.review_template,
            )
        )
    return items
