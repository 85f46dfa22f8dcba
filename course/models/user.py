"""User accounts and roles."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.extensions import db
from course.models.types import UTCDateTime, enum_column

if TYPE_CHECKING:
    from course.models.audit import AuditEntry
    from course.models.certificate import Certificate
    from course.models.progress import Enrollment, ModuleProgress
    from course.models.quiz import Attempt
    from course.models.session import UserSession


class Role(enum.StrEnum):
    """What a person may do: learners study, instructors author, admins run the platform."""

    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


# Professions offered at registration; the credit type on certificates keys off these.
PROFESSIONS: tuple[tuple[str, str], ...] = (
    ("MD", "MD – Doctor of Medicine"),
    ("DO", "DO – Doctor of Osteopathic Medicine"),
    ("NP", "NP – Nurse Practitioner"),
    ("PA", "PA – Physician Assistant"),
    ("RN", "RN – Registered Nurse"),
    ("CRNA", "CRNA – Certified Registered Nurse Anesthetist"),
    ("PhD/PsyD", "PhD/PsyD – Psychologist"),
    ("LCSW", "LCSW – Licensed Clinical Social Worker"),
    ("LPC", "LPC – Licensed Professional Counselor"),
    ("LMFT", "LMFT – Licensed Marriage and Family Therapist"),
    ("Other", "Other"),
)
PROFESSION_CODES = tuple(code for code, _ in PROFESSIONS)


class User(UserMixin, db.Model):
    """A person with a login: learner, instructor or admin."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    profession: Mapped[str] = mapped_column(String(20), default="Other")
    licence_number: Mapped[str | None] = mapped_column(String(64))
    licence_state: Mapped[str | None] = mapped_column(String(64))
    # Reporting identifiers (ACCME PARS), all optional; see course/ce/identifiers.py.
    npi: Mapped[str | None] = mapped_column(String(10))
    board_id: Mapped[str | None] = mapped_column(String(64))
    birth_month: Mapped[int | None] = mapped_column()
    birth_day: Mapped[int | None] = mapped_column()
    # When the learner agreed to share completion data with boards (None: no consent).
    share_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    role: Mapped[Role] = mapped_column(
        enum_column(Role),
        default=Role.LEARNER,
    )
    active: Mapped[bool] = mapped_column(default=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))  # IANA name; None shows UTC
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # account closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    # When the address was confirmed through an emailed link (certificates need it).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # TOTP (course.auth.mfa): the secret, set at enrolment and in force once confirmed, and
    # the argon2 hashes of the one-time recovery codes still unused.
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mfa_recovery_hashes: Mapped[list[str]] = mapped_column(JSON, default=list)

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    # Records that name the user; they outlive any change to the account (never cascaded).
    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="user", passive_deletes="all"
    )
    module_progress: Mapped[list[ModuleProgress]] = relationship(
        back_populates="user", passive_deletes="all"
    )
    attempts: Mapped[list[Attempt]] = relationship(back_populates="user", passive_deletes="all")
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="user", foreign_keys="Certificate.user_id", passive_deletes="all"
    )
    issued_certificates: Mapped[list[Certificate]] = relationship(
        back_populates="issued_by", foreign_keys="Certificate.issued_by_id", passive_deletes="all"
    )
    audit_entries: Mapped[list[AuditEntry]] = relationship(
        back_populates="actor", passive_deletes="all"
    )

    # The signed-in device's session token, set by course.auth.sessions (never stored here).
    session_token = None  # plain attribute: str | None

    def get_id(self) -> str:
        """Flask-Login's id: the per-device session token, so revoking the row signs it out."""
        if not self.session_token:
            raise RuntimeError("sign users in through course.auth.sessions.sign_in")
        return self.session_token

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Deactivated accounts cannot sign in."""
        return self.active

    @property
    def mfa_enabled(self) -> bool:
        """True once a TOTP authenticator was confirmed."""
        return self.mfa_enabled_at is not None and bool(self.mfa_secret)

    @property
    def email_verified(self) -> bool:
        """True once the current address was confirmed."""
        return self.email_verified_at is not None

    def has_role(self, *roles: Role) -> bool:
        """Return True when the user holds one of the given roles."""
        return self.role in roles

    @property
    def is_admin(self) -> bool:
        """Admins run the platform: certificates, users, the audit log."""
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        """Instructors and admins see cohort data."""
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
