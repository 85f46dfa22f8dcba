"""Question bank (versioned), quizzes, and learners' frozen attempts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.extensions import db
from course.models.content import Course, Module
from course.models.types import UTCDateTime, enum_column
from course.models.user import User
from course.quiz.settings import QuizRules


class QuestionStatus(enum.StrEnum):
    """Only published questions are drawn into quizzes."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class QuizKind(enum.StrEnum):
    """A module quiz gates its module; the final exam gates the course."""

    MODULE = "module"
    FINAL = "final"


class AttemptStatus(enum.StrEnum):
    """An attempt is open until it is submitted (or graded at its deadline)."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Question(db.Model):
    """A stable question identity; its content lives in immutable versions."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("course_id", "uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"), index=True)
    uid: Mapped[str] = mapped_column(String(100))
    status: Mapped[QuestionStatus] = mapped_column(
        enum_column(QuestionStatus), default=QuestionStatus.PUBLISHED
    )
    latest_number: Mapped[int] = mapped_column(default=0)
    # The version learners get while a newer draft version waits to be published (an editor
    # change to a published question); None: the newest version is the live one.
    live_number: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)

    course: Mapped[Course] = relationship(back_populates="questions")
    module: Mapped[Module | None] = relationship(back_populates="questions")
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number"
    )

    @property
    def current(self) -> QuestionVersion:
        """Return the newest version (the one the editor edits)."""
        return self.versions[-1]

    @property
    def live(self) -> QuestionVersion:
        """Return the version learners are served (older than `current` while a draft waits)."""
        number = self.live_number or self.latest_number
        return next((v for v in self.versions if v.number == number), self.versions[-1])

    @property
    def pending_draft(self) -> bool:
        """Tell whether a newer draft version waits to be published over the live one."""
        return self.live_number is not None and self.live_number < self.latest_number


class QuestionVersion(db.Model):
    """An immutable snapshot of a question: what a learner saw and how it was keyed."""

    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    number: Mapped[int] = mapped_column()
    qtype: Mapped[str] = mapped_column(String(20))
    stem: Mapped[str] = mapped_column(Text)
    # [{"key": "a", "text": ..., "correct": bool, "weight": float|None, "rationale": ...}]
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    feedback: Mapped[str] = mapped_column(Text, default="")
    objective: Mapped[int | None] = mapped_column()
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    references: Mapped[list[int]] = mapped_column(JSON, default=list)
    difficulty: Mapped[str] = mapped_column(String(20), default="medium")
    vignette: Mapped[bool] = mapped_column(default=False)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    question: Mapped[Question] = relationship(back_populates="versions")
    attempt_items: Mapped[list[AttemptItem]] = relationship(
        back_populates="version", passive_deletes="all"
    )

    def option(self, key: str) -> dict[str, Any] | None:
        """Return the option with this key, or None."""
        return next((o for o in self.options if o["key"] == key), None)

    @property
    def correct_keys(self) -> set[str]:
        """Keys of the options marked correct."""
        return {o["key"] for o in self.options if o.get("correct")}


class Quiz(db.Model):
    """A module quiz or the final exam, with its settings (validated by content.schema)."""

    __tablename__ = "quiz"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"), unique=True)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[QuizKind] = mapped_column(enum_column(QuizKind))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    course: Mapped[Course] = relationship(back_populates="quizzes")
    module: Mapped[Module | None] = relationship(back_populates="quiz")
    attempts: Mapped[list[Attempt]] = relationship(back_populates="quiz", passive_deletes="all")

    @property
    def rules(self) -> QuizRules:
        """The quiz's current settings, typed, with their defaults."""
        return QuizRules.from_raw(self.settings)


class Attempt(db.Model):
    """One learner's try at a quiz, frozen at start: question versions, order and seed."""

    __tablename__ = "attempt"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        # At most one open attempt per learner and quiz, even when two starts race.
        Index(
            "uq_attempt_one_open",
            "quiz_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    number: Mapped[int] = mapped_column()
    seed: Mapped[int] = mapped_column(db.BigInteger)
    status: Mapped[AttemptStatus] = mapped_column(
        enum_column(AttemptStatus), default=AttemptStatus.IN_PROGRESS
    )
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[float | None] = mapped_column()
    passed: Mapped[bool | None] = mapped_column()
    late: Mapped[bool] = mapped_column(default=False)

    quiz: Mapped[Quiz] = relationship(back_populates="attempts")
    user: Mapped[User] = relationship(back_populates="attempts")
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan"
    )

    @property
    def rules(self) -> QuizRules:
        """The settings frozen when the attempt started, typed, with their defaults."""
        return QuizRules.from_raw(self.settings)

    @property
    def is_open(self) -> bool:
        """True while the learner may still answer."""
        return self.status == AttemptStatus.IN_PROGRESS


class AttemptItem(db.Model):
    """One question in an attempt: the version shown, the option order, the answer and its score."""

    __tablename__ = "attempt_item"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    position: Mapped[int] = mapped_column()
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    option_order: Mapped[list[str]] = mapped_column(JSON)
    response: Mapped[list[str] | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column()

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[QuestionVersion] = relationship(back_populates="attempt_items")
