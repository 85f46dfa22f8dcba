"""Per-learner progress: enrolment in a course and the state of each module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.extensions import db
from course.models.content import Course, Module
from course.models.types import UTCDateTime
from course.models.user import User


class Enrollment(db.Model):
    """A learner's place in a course: when they enrolled and when they completed it."""

    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="enrollments")
    course: Mapped[Course] = relationship(back_populates="enrollments")


class ModuleProgress(db.Model):
    """When a learner first and last opened a module, and when they completed it."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="module_progress")
    module: Mapped[Module] = relationship(back_populates="progress")

    @property
    def status(self) -> str:
        """Return 'complete' or 'in progress'."""
        return "complete" if self.completed_at else "in progress"
