"""User accounts and roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from course import clock
from course.extensions import db
from course.models.types import UTCDateTime


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
        db.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Role.LEARNER,
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Deactivated accounts cannot sign in."""
        return self.active

    def has_role(self, *roles: Role) -> bool:
        """Return True when the user holds one of the given roles."""
        return self.role in roles

    @property
    def is_staff(self) -> bool:
        """Instructors and admins see cohort data."""
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
