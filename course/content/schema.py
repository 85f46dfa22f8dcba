"""Pydantic models for content files: course.yaml, module front matter, question-bank YAML."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from course.ce.schema import ActivityInfo, Designation, Disclosures, designation_problems
from course.quiz import settings as rules
from course.quiz.types import REGISTRY

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=100)]
TAGS = (
    "indication",
    "contraindication",
    "caution",
    "safety",
    "mechanism",
    "evidence",
    "delivery",
)
Tag = Literal[
    "indication", "contraindication", "caution", "safety", "mechanism", "evidence", "delivery"
]


class Strict(BaseModel):
    """Base: unknown keys are errors, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReferenceEntry(Strict):
    """One entry of the course's numbered reference list."""

    number: int = Field(ge=1)
    citation: str = Field(min_length=5)
    doi: str | None = None
    pmid: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://")


class CreditEntry(Strict):
    """A credit type an accredited course designates, optionally limited to some professions."""

    type: str = Field(min_length=2)
    amount: float = Field(gt=0)
    professions: list[str] = Field(default_factory=list)  # empty: every profession
    statement: str = Field(min_length=10)


class Accreditation(Strict):
    """Whether the course is accredited, and the wording its certificates may use."""

    accredited: bool
    statement: str = Field(min_length=10)
    credits: list[CreditEntry] = Field(default_factory=list)
    participation_statement: str | None = None

    @model_validator(mode="after")
    def credits_match_status(self) -> Accreditation:
        """An unaccredited course may not designate credit (an accredited one must: CourseFile)."""
        if not self.accredited and self.credits:
            raise ValueError("credits are only allowed when accredited is true")
        return self


class CourseFile(Strict):
    """modules/course.yaml."""

    slug: Slug
    title: str = Field(min_length=3, max_length=300)
    summary: str = Field(min_length=10)
    audience: list[str] = Field(min_length=1)
    contact_hours: float = Field(gt=0, le=100)
    max_hours: float | None = Field(default=None, gt=0, le=100)
    sequential: bool = rules.DEFAULT_COURSE.sequential
    certificate_policy: rules.CertificatePolicy = rules.DEFAULT_COURSE.certificate_policy
    disclaimer: str = Field(min_length=20)
    accreditation: Accreditation
    source: dict[str, str | date | int | float | None] = Field(default_factory=dict)
    references: list[ReferenceEntry] = Field(min_length=1)
    # Continuing education (course/ce/): all optional, so a plain course needs none of them.
    activity: ActivityInfo | None = None
    disclosures: Disclosures | None = None
    designations: list[Designation] = Field(default_factory=list)

    @model_validator(mode="after")
    def designations_fit(self) -> CourseFile:
        """Designations match the accreditation status and the course's hours."""
        problems = designation_problems(self.accreditation.accredited, self.designations)
        if self.accreditation.accredited and not (self.accreditation.credits or self.designations):
            problems.append("an accredited course must list at least one credit type")
        most = self.max_hours or self.contact_hours
        for n, d in enumerate(self.designations):
            if d.max_credits > most:
                problems.append(f"designations.{n}.max_credits: more than the {most:g} hours")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @field_validator("contact_hours", "max_hours")
    @classmethod
    def quarter_hours(cls, value: float | None) -> float | None:
        """Hours come in quarter-hour steps."""
        if value is not None and round(value * 4) != value * 4:
            raise ValueError("must be a multiple of 0.25")
        return value

    @field_validator("disclaimer")
    @classmethod
    def disclaimer_says_not_a_substitute(cls, value: str) -> str:
        """The disclaimer must say the course is not a substitute for professional advice."""
        if "not a substitute" not in value.lower():
            raise ValueError(
                "must state that the content is not a substitute for professional advice"
            )
        return value

    @field_validator("references")
    @classmethod
    def numbered_in_order(cls, refs: list[ReferenceEntry]) -> list[ReferenceEntry]:
        """References are numbered 1..n with no gaps or repeats."""
        numbers = [r.number for r in refs]
        if numbers != list(range(1, len(refs) + 1)):
            raise ValueError(f"references must be numbered 1..{len(refs)} in order, got {numbers}")
        return refs


class ModuleFrontMatter(Strict):
    """The YAML front matter of a module Markdown file."""

    slug: Slug
    title: str = Field(min_length=3, max_length=300)
    order: int = Field(ge=1)
    minutes: int = Field(ge=1, le=600)
    objectives: list[str] = Field(min_length=2, max_length=4)
    references: list[int] = Field(default_factory=list)
    status: Literal["draft", "published"] = "published"


class DrawRule(Strict, rules.DrawRule):
    """Stratification: at least `min` drawn questions carry one of `tags` (known tags only)."""

    model_config = Strict.model_config
    tags: list[Tag] = Field(min_length=1)


class CriticalRule(Strict, rules.CriticalRule):
    """A critical area: the items carrying any of `tags` must reach their own pass mark."""

    model_config = Strict.model_config
    tags: list[Tag] = Field(min_length=1)


class QuizSettings(Strict, rules.QuizRules):
    """Settings shared by module quizzes and the final exam, as an authored file states them.

    The fields and defaults are course.quiz.settings.QuizRules'; a file must also give the
    title, question count and pass mark, use known tags and fit its quotas.
    """

    model_config = Strict.model_config
    title: str = Field(min_length=3, max_length=300)
    question_count: rules.QuestionCount
    pass_score: rules.Fraction
    draw: list[DrawRule] = Field(default_factory=list)
    critical: list[CriticalRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def quotas_fit(self) -> QuizSettings:
        """Draw quotas cannot ask for more questions than the quiz has."""
        if sum(rule.min for rule in self.draw) > self.question_count:
            raise ValueError("draw quotas add up to more than question_count")
        if self.fixed is not None and len(self.fixed) != self.question_count:
            raise ValueError("a fixed list must hold exactly question_count ids")
        for rule in self.critical:
            covered = any(set(d.tags) <= set(rule.tags) for d in self.draw)
            if self.fixed is None and not covered:
                raise ValueError(
                    f"critical area {rule.name!r} needs a draw rule limited to its tags "
                    f"{rule.tags}, so that every attempt includes its items"
                )
        return self


class OptionEntry(Strict):
    """One answer option with its own rationale."""

    id: str = Field(pattern=r"^[a-z0-9_-]{1,20}$")
    text: str = Field(min_length=1)
    correct: bool = False
    rationale: str = Field(min_length=3)
    weight: float | None = Field(default=None, ge=-1, le=1)


class QuestionEntry(Strict):
    """One question of the bank, validated against its type in the registry."""

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=100)
    type: str
    stem: str = Field(min_length=10)
    objective: int | None = Field(default=None, ge=1)
    tags: list[Tag] = Field(min_length=1)
    references: list[int] = Field(min_length=1)
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    vignette: bool = False
    feedback: str = Field(min_length=3)
    options: list[OptionEntry] = Field(min_length=2)
    status: Literal["draft", "published", "retired"] = "published"

    @model_validator(mode="after")
    def valid_for_type(self) -> QuestionEntry:
        """Apply the question type's own rules (e.g. exactly one correct option)."""
        if self.type not in REGISTRY:
            raise ValueError(f"unknown type {self.type!r}; known types: {sorted(REGISTRY)}")
        as_dicts = [{"key": o.id, "text": o.text, "correct": o.correct} for o in self.options]
        problems = REGISTRY[self.type].problems(as_dicts)
        if problems:
            raise ValueError("; ".join(problems))
        return self


class QuizFile(Strict):
    """quizzes/NN-<module>.yaml: one module's quiz settings and question pool."""

    module: Slug
    quiz: QuizSettings
    questions: list[QuestionEntry] = Field(min_length=1)


class FinalFile(Strict):
    """quizzes/final.yaml: the final exam's settings (it draws from every module pool)."""

    final: QuizSettings
    questions: list[QuestionEntry] = Field(default_factory=list)
