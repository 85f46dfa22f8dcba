"""A course's CE activity as typed objects, and the rules its dates and disclosures impose.

Reads only; nothing here writes. ``load_activity`` returns None for a course without CE data,
so a plain course (the test fixture course, a new draft) keeps today's behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import g, has_app_context
from sqlalchemy import select

from course.ce.registry import PARTICIPATION, credit_type
from course.ce.schema import (
    ActivityInfo,
    Designation,
    Disclosures,
    Person,
    add_months,
    add_years,
)
from course.extensions import db
from course.fingerprint import digest
from course.models import CeActivity, Course

EXPIRING_SOON_DAYS = 60
DISCLOSURE_VALID_MONTHS = 12
MITIGATED_STATEMENT = (
    "All relevant financial relationships listed for these individuals have been mitigated."
)


@dataclass
class Activity:
    """The validated activity information, disclosures and designations of one course."""

    course: Course
    row: CeActivity
    info: ActivityInfo | None
    disclosures: Disclosures
    designations: list[Designation] = field(default_factory=list)

    @property
    def gated(self) -> bool:
        """Learners must acknowledge the activity page before any content."""
        return self.info is not None and self.info.acknowledgement_required

    @property
    def digest(self) -> str:
        """A fingerprint of what the learner is shown (stored with the acknowledgement)."""
        return digest([self.row.info, self.row.disclosures, self.row.designations])

    def expired(self, today: date) -> bool:
        """True after the expiry (termination) date."""
        return self.info is not None and today > self.info.expiry_date

    def review_due_on(self) -> date | None:
        """The date by which the content must be reviewed again."""
        if self.info is None:
            return None
        return add_years(self.info.review_date, self.info.review_interval_years)

    def review_due(self, today: date) -> bool:
        """True once the most recent review is older than the review interval."""
        due = self.review_due_on()
        return due is not None and today >= due

    def expiring_soon(self, today: date) -> bool:
        """True when the expiry date falls within the next 60 days."""
        return (
            self.info is not None
            and not self.expired(today)
            and self.info.expiry_date - today <= timedelta(days=EXPIRING_SOON_DAYS)
        )

    @property
    def credit_designations(self) -> list[Designation]:
        """Designations of real credit (everything but participation)."""
        return [d for d in self.designations if credit_type(d.credit_type).accredited]

    def eligible(self, profession: str | None) -> list[Designation]:
        """Credit designations open to a profession (empty list on a designation: everyone)."""
        return [
            d
            for d in self.credit_designations
            if not d.professions or (profession or "") in d.professions
        ]

    def participation(self) -> Designation | None:
        """The participation designation, if the course lists one."""
        return next((d for d in self.designations if d.credit_type == PARTICIPATION), None)


def disclosure_expires(person: Person) -> date:
    """A disclosure is good for 12 months."""
    return add_months(person.disclosed_on, DISCLOSURE_VALID_MONTHS)


def load_activity(course: Course) -> Activity | None:
    """Return the course's activity (cached for the request), or None when it has no CE data."""
    cache = g.setdefault("ce_activity", {}) if has_app_context() else {}
    if course.id not in cache:
        row = db.session.scalar(select(CeActivity).where(CeActivity.course_id == course.id))
        cache[course.id] = None if row is None else parse(course, row)
    return cache[course.id]


def parse(course: Course, row: CeActivity) -> Activity:
    """Turn the stored JSON back into validated objects."""
    return Activity(
        course=course,
        row=row,
        info=ActivityInfo.model_validate(row.info) if row.info else None,
        disclosures=Disclosures.model_validate(row.disclosures or {}),
        designations=[Designation.model_validate(d) for d in row.designations or []],
    )


def forget(course: Course) -> None:
    """Drop the request cache for a course after a write."""
    if has_app_context():
        g.setdefault("ce_activity", {}).pop(course.id, None)


def publish_blockers(activity: Activity | None, today: date) -> list[str]:
    """What stops publishing: unmitigated relevant relationships and stale disclosures."""
    if activity is None:
        return []
    problems = []
    for person in activity.disclosures.people:
        expires = disclosure_expires(person)
        if today >= expires:
            problems.append(
                f"Disclosure of {person.name} ({person.role}) dated "
                f"{person.disclosed_on.isoformat()} is older than 12 months: collect a new one."
            )
        for rel in person.relationships:
            if rel.mitigation is None:
                problems.append(
                    f"{person.name}: the relationship with {rel.company} ({rel.nature}) has no "
                    "mitigation step."
                )
    accreditation = activity.course.accreditation or {}
    if accreditation.get("accredited") and not (
        activity.credit_designations or accreditation.get("credits")
    ):
        problems.append("The course is accredited but designates no credit: add a designation.")
    for interest in activity.disclosures.commercial_interests:
        if interest.mitigation is None:
            problems.append(
                f"Commercial interest of {interest.organisation} has no mitigation step."
            )
    return problems


def expiring_disclosures(activity: Activity, today: date, days: int = 60) -> list[Person]:
    """People whose disclosure runs out within `days` (or already has)."""
    soon = today + timedelta(days=days)
    return [p for p in activity.disclosures.people if disclosure_expires(p) <= soon]
