"""Quiz and course settings as typed objects: every default is stated here, and only here.

The settings are stored as JSON (a quiz's current settings, each attempt's frozen snapshot, a
course's settings). Code reads them through `QuizRules.from_raw` / `CourseRules.from_raw`
(the models' `.rules` properties), never with `dict.get` and a restated default. Reading is
lenient: keys this version does not know are ignored, so an old snapshot still reads.
Writing is strict: content.schema's QuizSettings and CourseFile build on these classes and add
the rules an authored file must meet (required fields, known tags, quotas that fit).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

Fraction = Annotated[float, Field(gt=0, le=1)]
QuestionCount = Annotated[int, Field(ge=1, le=200)]
ReviewPolicy = Literal["after_pass_or_exhausted", "after_submit", "always", "never"]
ReviewCorrectness = Literal["after_submit", "with_key"]
LatePolicy = Literal["grade_at_deadline", "not_counted"]
CertificatePolicy = Literal["approval", "auto"]

DEFAULT_PASS_SCORE = 0.8


class _Lenient(BaseModel):
    """Base of the read models: unknown keys are ignored, so old snapshots still read."""

    model_config = ConfigDict(extra="ignore")

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any] | BaseModel | None) -> Self:
        """Read stored settings (a dict, None or an already typed object) with the defaults."""
        if isinstance(raw, cls):
            return raw
        if isinstance(raw, BaseModel):
            raw = raw.model_dump(mode="json")
        return cls.model_validate(dict(raw or {}))

    def as_json(self) -> dict[str, Any]:
        """The settings as they are stored (JSON types)."""
        return self.model_dump(mode="json")


class DrawRule(_Lenient):
    """Stratification: at least `min` drawn questions carry one of `tags`."""

    tags: list[str] = Field(min_length=1)
    min: int = Field(ge=1)


class CriticalRule(_Lenient):
    """A critical area: the items carrying any of `tags` must reach their own pass mark."""

    name: str = Field(min_length=3, max_length=100)
    tags: list[str] = Field(min_length=1)
    pass_score: Fraction


class QuizRules(_Lenient):
    """Settings shared by module quizzes and the final exam, with their defaults."""

    title: str = ""
    question_count: int = Field(default=0, ge=0, le=200)
    pass_score: Fraction = DEFAULT_PASS_SCORE
    max_attempts: int | None = Field(default=None, ge=1, le=1000)
    cooldown_minutes: int = Field(default=0, ge=0, le=10080)  # at most a week
    time_limit_minutes: int | None = Field(default=None, ge=1, le=600)  # at most 10 hours
    shuffle_questions: bool = True
    shuffle_options: bool = True
    partial_credit: bool = False
    review_policy: ReviewPolicy = "after_pass_or_exhausted"
    # Whether each question's correct/incorrect mark shows right after submitting, or only
    # once the key itself may be shown (Moodle's "Whether correct" review option).
    review_correctness: ReviewCorrectness = "after_submit"
    late_policy: LatePolicy = "grade_at_deadline"
    draw: list[DrawRule] = Field(default_factory=list)
    critical: list[CriticalRule] = Field(default_factory=list)
    fixed: list[str] | None = None  # a fixed list of question ids instead of random draws


class CourseRules(_Lenient):
    """A course's settings: module sequencing, the credit ceiling and certificate issuing."""

    sequential: bool = True
    max_hours: float | None = Field(default=None, gt=0, le=100)  # None: the contact hours
    certificate_policy: CertificatePolicy = "approval"
    source: dict[str, Any] = Field(default_factory=dict)  # the article a course came from
    ce_broker: dict[str, Any] = Field(default_factory=dict)  # CE Broker report defaults

    @property
    def auto_issue(self) -> bool:
        """Certificates are issued as soon as a learner is eligible, without approval."""
        return self.certificate_policy == "auto"


DEFAULT_COURSE = CourseRules()
DEFAULT_QUIZ = QuizRules()


def setting_changes(old: Mapping[str, Any] | BaseModel | None, new: BaseModel) -> dict[str, list]:
    """The settings that differ, as {name: [before, after]} in stored (JSON) form."""
    before = type(new).from_raw(old).as_json() if isinstance(new, _Lenient) else dict(old or {})
    after = new.model_dump(mode="json")
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
