"""Courses and their lesson modules, synced from content files or authored in the UI."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.extensions import db
from course.models.types import UTCDateTime, enum_column
from course.quiz.settings import CourseRules

if TYPE_CHECKING:
    from course.models.ce import CeActivity
    from course.models.certificate import Certificate
    from course.models.progress import Enrollment, ModuleProgress
    from course.models.quiz import Question, Quiz


class PublishStatus(enum.StrEnum):
    """Whether learners can see a course or module."""

    DRAFT = "draft"
    PUBLISHED = "published"


class CourseFacts:
    """What a course's stored fields mean; shared by the model and the read model's CourseView
    (course/learning/readmodel.py), so both answer the same way."""

    settings: Any
    contact_hours: float
    accreditation: Any
    references: Any

    @property
    def rules(self) -> CourseRules:
        """The course's settings, typed, with their defaults."""
        return CourseRules.from_raw(self.settings)

    @property
    def sequential(self) -> bool:
        """Modules unlock one after another unless the course switches this off."""
        return self.rules.sequential

    @property
    def max_hours(self) -> float:
        """The most hours a learner may attest for this course."""
        return float(self.rules.max_hours or self.contact_hours)

    @property
    def hours_label(self) -> str:
        """How the course's hours are named: contact hours only when it is accredited."""
        return (
            "contact hours"
            if (self.accreditation or {}).get("accredited")
            else ("hours of participation")
        )

    def reference(self, number: int) -> dict[str, Any] | None:
        """Return reference number `number` (1-based) or None."""
        for ref in self.references:
            if ref.get("number") == number:
                return ref
        return None


class Course(CourseFacts, db.Model):
    """A course: metadata, references and an ordered list of modules."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_hours: Mapped[float] = mapped_column(default=0.0)
    disclaimer: Mapped[str] = mapped_column(Text, default="")
    accreditation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    references: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_version: Mapped[str] = mapped_column(String(64), default="")
    # Bumped by every write to the course's structure or content (course/learning/readmodel.py):
    # the key of each process's cached read model, read with the learner's state.
    structure_version: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[PublishStatus] = mapped_column(
        enum_column(PublishStatus), default=PublishStatus.PUBLISHED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=clock.timestamp, onupdate=clock.timestamp
    )

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )
    quizzes: Mapped[list[Quiz]] = relationship(back_populates="course")
    # Read-only; progress queries fill it with just the current learner's enrolment.
    enrollments: Mapped[list[Enrollment]] = relationship(viewonly=True, back_populates="course")
    questions: Mapped[list[Question]] = relationship(back_populates="course", passive_deletes="all")
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="course", passive_deletes="all"
    )
    ce_activity: Mapped[CeActivity | None] = relationship(
        back_populates="course", passive_deletes="all"
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class Module(db.Model):
    """One lesson, written from one section of the source article."""

    __tablename__ = "module"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column()
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    minutes: Mapped[int] = mapped_column(default=10)
    references: Mapped[list[int]] = mapped_column(JSON, default=list)
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[PublishStatus] = mapped_column(
        enum_column(PublishStatus), default=PublishStatus.PUBLISHED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=clock.timestamp, onupdate=clock.timestamp
    )

    course: Mapped[Course] = relationship(back_populates="modules")
    quiz: Mapped[Quiz | None] = relationship(back_populates="module", passive_deletes="all")
    questions: Mapped[list[Question]] = relationship(back_populates="module", passive_deletes="all")
    progress: Mapped[list[ModuleProgress]] = relationship(
        back_populates="module", passive_deletes="all"
    )

    @property
    def is_published(self) -> bool:
        """Learners see only published modules."""
        return self.status == PublishStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"
