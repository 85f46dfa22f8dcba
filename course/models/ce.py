"""Continuing education records: a course's activity data, acknowledgements and credit claims."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.extensions import db
from course.models.content import Course
from course.models.types import UTCDateTime


class CeActivity(db.Model):
    """A course's activity information, disclosures and designations (validated by ce.schema)."""

    __tablename__ = "ce_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), unique=True)
    info: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    disclosures: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    designations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Digest of the course.yaml blocks last synced: sync rewrites only when the file changed.
    file_digest: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=clock.timestamp, onupdate=clock.timestamp
    )
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    course: Mapped[Course] = relationship(back_populates="ce_activity")


class ActivityAcknowledgement(db.Model):
    """When a learner acknowledged the activity information and disclosures, once per course."""

    __tablename__ = "ce_acknowledgement"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    activity_digest: Mapped[str] = mapped_column(String(64), default="")


class CreditClaim(db.Model):
    """Credit a learner claims for one designation, with the profession it was claimed under."""

    __tablename__ = "ce_credit_claim"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "credit_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    credit_type: Mapped[str] = mapped_column(String(30))
    amount: Mapped[float] = mapped_column()
    profession: Mapped[str] = mapped_column(String(20))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)


class ClaimCredential(db.Model):
    """The signed Open Badges credential for one further credit claim on a certificate.

    A certificate's own credential carries its first claim; each further claim (a learner
    eligible for, say, ANCC and IPCE) gets one of these, with the same status-list bit.
    """

    __tablename__ = "ce_claim_credential"
    __table_args__ = (UniqueConstraint("certificate_id", "credit_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id"), index=True)
    credit_type: Mapped[str] = mapped_column(String(30))
    credential: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)


class ExternalCredit(db.Model):
    """Credit a learner earned elsewhere and reports themselves (never on a verify page)."""

    __tablename__ = "ce_external_credit"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[date] = mapped_column(Date)
    credit_type: Mapped[str] = mapped_column(String(30))
    amount: Mapped[float] = mapped_column()
    # The uploaded certificate: a random name under CE_UPLOAD_DIR and its sniffed type.
    file_name: Mapped[str | None] = mapped_column(String(64))
    file_type: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)


class PreTest(db.Model):
    """A learner's ungraded pre-test, drawn from the final exam's blueprint before module 1."""

    __tablename__ = "ce_pretest"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    # [{"version_id": 12, "order": ["b", "a", "c"]}, ...]: the draw, frozen at start.
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FollowUp(db.Model):
    """The follow-up survey some days after completion: invitation, then the learner's answer."""

    __tablename__ = "ce_follow_up"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    made_change: Mapped[str | None] = mapped_column(String(10))  # yes, partly, no
    barriers: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
