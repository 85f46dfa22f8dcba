"""Pydantic models for the CE blocks of course.yaml: activity, disclosures, designations.

The same models validate the file at `flask content lint` and the instructors' edits in the
UI, so an error always names the field (e.g. ``designations.0.statement``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from course.ce.registry import CREDIT_TYPE_KEYS, credit_type
from course.models.user import PROFESSION_CODES

Text = Annotated[str, Field(min_length=2, max_length=4000)]
Line = Annotated[str, Field(min_length=2, max_length=300)]
Profession = Literal[PROFESSION_CODES]  # type: ignore[valid-type]
CreditKey = Literal[CREDIT_TYPE_KEYS]  # type: ignore[valid-type]
Mitigation = Literal["not_relevant", "divested", "recused", "peer_review", "attested", "other"]
MITIGATIONS: dict[str, str] = {
    "not_relevant": "Not relevant to the content",
    "divested": "Divested the relationship",
    "recused": "Recused from controlling content on the topic",
    "peer_review": "Content peer reviewed",
    "attested": "Attested that content is free of commercial bias",
    "other": "Other",
}
PersonRole = Literal["planner", "faculty", "reviewer", "staff"]
RELATIONSHIP_WINDOW_DAYS = 731  # the past 24 months


class Strict(BaseModel):
    """Unknown keys are errors; text is stripped and may not hold NUL bytes."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def no_nul(cls, value: object) -> object:
        """Reject NUL bytes anywhere in text."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL bytes")
        return value


def quarter(value: float) -> float:
    """Accept quarter-hour steps only."""
    if round(value * 4) != value * 4:
        raise ValueError("must be a multiple of 0.25")
    return value


class Contact(Strict):
    """Who learners contact about the activity."""

    name: Line
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    phone: str | None = Field(default=None, max_length=40)


class Outcomes(Strict):
    """How the activity measures outcomes: a pre-test (0: none) and the follow-up survey."""

    pre_test_questions: int = Field(default=0, ge=0, le=50)
    follow_up_days: int = Field(default=30, ge=1, le=365)


class ActivityInfo(Strict):
    """What a learner is told before the content (ACCME enduring-material rules)."""

    acknowledgement_required: bool = True
    provider: Line
    target_audience: list[Line] = Field(min_length=1, max_length=20)
    statement_of_need: Text
    objectives: list[Line] = Field(min_length=1, max_length=12)
    method_of_participation: list[Line] = Field(min_length=1, max_length=12)
    estimated_minutes: int = Field(ge=5, le=6000)
    format: Line = "Enduring material, internet"
    release_date: date
    review_date: date
    expiry_date: date
    review_interval_years: int = Field(default=3, ge=1, le=3)
    hardware_software: Text
    contact: Contact
    privacy_url: str = Field(pattern=r"^(https://\S+|/\S*)$", max_length=500)
    off_label_statement: Text
    outcomes: Outcomes = Field(default_factory=Outcomes)

    @model_validator(mode="after")
    def dates_in_order(self) -> ActivityInfo:
        """Release <= review < expiry, and expiry within the review interval of the review."""
        if self.review_date < self.release_date:
            raise ValueError("review_date: must not be before release_date")
        if self.expiry_date <= self.review_date:
            raise ValueError("expiry_date: must be after review_date")
        limit = add_years(self.review_date, self.review_interval_years)
        if self.expiry_date > limit:
            raise ValueError(
                f"expiry_date: must be no later than {limit.isoformat()}, "
                f"{self.review_interval_years} years after the most recent review"
            )
        return self


class Relationship(Strict):
    """A financial relationship with an ineligible company in the past 24 months."""

    company: Line
    nature: Line
    ended: date | None = None  # None: ongoing
    mitigation: Mitigation | None = None  # None: not yet mitigated (blocks publishing)
    mitigation_note: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def other_needs_note(self) -> Relationship:
        """Mitigation "other" must say what was done."""
        if self.mitigation == "other" and not self.mitigation_note:
            raise ValueError("mitigation_note: describe the mitigation when it is 'other'")
        return self


class Person(Strict):
    """Someone who controls content, with their disclosure."""

    name: Line
    role: PersonRole
    credentials: Line
    disclosed_on: date
    nothing_to_disclose: bool = False
    relationships: list[Relationship] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def explicit_answer(self) -> Person:
        """Either relationships or an explicit "nothing to disclose", never a blank."""
        if self.nothing_to_disclose and self.relationships:
            raise ValueError("relationships: must be empty when nothing_to_disclose is true")
        if not self.nothing_to_disclose and not self.relationships:
            raise ValueError(
                "relationships: list them, or set nothing_to_disclose: true (a blank is not "
                "an answer)"
            )
        for n, rel in enumerate(self.relationships):
            if rel.ended and (self.disclosed_on - rel.ended).days > RELATIONSHIP_WINDOW_DAYS:
                raise ValueError(
                    f"relationships.{n}.ended: ended more than 24 months before the "
                    "disclosure; leave it out"
                )
        return self


class CommercialInterest(Strict):
    """An organisation behind the activity or its source with a commercial interest in the topic."""

    organisation: Line
    interest: Line
    mitigation: Mitigation | None = None
    mitigation_note: str | None = Field(default=None, max_length=1000)


class Disclosures(Strict):
    """Everyone in control of content, and commercial interests behind the source."""

    people: list[Person] = Field(default_factory=list, max_length=200)
    commercial_interests: list[CommercialInterest] = Field(default_factory=list, max_length=20)


class Designation(Strict):
    """One credit designation: type, maximum, eligible professions, verbatim statement."""

    credit_type: CreditKey
    max_credits: float = Field(gt=0, le=100)
    professions: list[Profession] = Field(default_factory=list)  # empty: every profession
    statement: str = Field(min_length=10, max_length=2000)
    provider_number: str | None = Field(default=None, max_length=100)

    @field_validator("max_credits")
    @classmethod
    def quarter_steps(cls, value: float) -> float:
        """Credits come in quarter-hour steps."""
        return quarter(value)

    @model_validator(mode="after")
    def follows_accreditor(self) -> Designation:
        """Apply the credit type's rules: professions, statement wording, provider number."""
        kind = credit_type(self.credit_type)
        if kind.professions and not set(self.professions or ["?"]) <= kind.professions:
            allowed = ", ".join(sorted(kind.professions))
            raise ValueError(f"professions: {kind.label} is for {allowed} only")
        for phrase in kind.phrases:
            if phrase.lower() not in self.statement.lower():
                raise ValueError(f"statement: must contain {phrase!r}")
        if kind.accredited:
            if not any(n in self.statement for n in amounts(self.max_credits)):
                raise ValueError(f"statement: must state the maximum, {self.max_credits:g}")
            if not self.provider_number:
                raise ValueError("provider_number: required for accredited credit")
        return self


def amounts(value: float) -> tuple[str, ...]:
    """The ways a maximum may be written in a statement: 1.5, 1.50."""
    return (f"{value:g}", f"{value:.2f}", f"{value:.1f}")


def designation_problems(accredited: bool, designations: list[Designation]) -> list[str]:
    """Cross-block rules: an unaccredited course offers participation only; one entry a type."""
    problems = []
    kinds = [d.credit_type for d in designations]
    if len(set(kinds)) != len(kinds):
        problems.append("designations: each credit type may appear once")
    for n, d in enumerate(designations):
        if not accredited and credit_type(d.credit_type).accredited:
            problems.append(
                f"designations.{n}.credit_type: a course that is not accredited can only "
                "offer participation"
            )
    return problems


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (28 Feb for 29 Feb)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover
