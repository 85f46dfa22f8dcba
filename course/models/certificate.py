"""Certificates as records: evaluation, time attestation, a frozen never-deleted certificate."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.extensions import db
from course.models.content import Course
from course.models.types import UTCDateTime, enum_column
from course.models.user import User


class CertificateStatus(enum.StrEnum):
    """A certificate is valid until revoked or superseded by a reissue; rows are never deleted."""

    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class CourseEvaluation(db.Model):
    """A learner's end-of-course evaluation (required before a certificate)."""

    __tablename__ = "course_evaluation"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    objectives_met: Mapped[int] = mapped_column()  # Likert 1-5
    relevance: Mapped[int] = mapped_column()  # Likert 1-5
    free_of_bias: Mapped[bool] = mapped_column()
    bias_comment: Mapped[str] = mapped_column(Text, default="")
    intended_change: Mapped[str] = mapped_column(Text, default="")
    change_confidence: Mapped[int | None] = mapped_column()  # 1-5, optional (CE outcomes)
    comments: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)


class TimeAttestation(db.Model):
    """Hours the learner attests to having spent, in quarter-hour steps up to the course maximum."""

    __tablename__ = "time_attestation"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    hours: Mapped[float] = mapped_column()
    attested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)


class Certificate(db.Model):
    """An issued certificate: a frozen snapshot plus status history."""

    __tablename__ = "certificate"
    __table_args__ = (
        # At most one valid certificate per learner and course, even under concurrent issuing.
        Index(
            "uq_certificate_one_valid",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=text("status = 'valid'"),
            postgresql_where=text("status = 'valid'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    status: Mapped[CertificateStatus] = mapped_column(
        enum_column(CertificateStatus), default=CertificateStatus.VALID
    )
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    credential: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status_index: Mapped[int] = mapped_column(unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], back_populates="certificates")
    course: Mapped[Course] = relationship(back_populates="certificates")
    issued_by: Mapped[User | None] = relationship(
        foreign_keys=[issued_by_id], back_populates="issued_certificates"
    )
    superseded_by: Mapped[Certificate | None] = relationship(
        foreign_keys=[superseded_by_id], remote_side=[id], back_populates="replaced"
    )
    # The older certificates this one replaced (their superseded_by).
    replaced: Mapped[list[Certificate]] = relationship(
        foreign_keys=[superseded_by_id], back_populates="superseded_by", passive_deletes="all"
    )
