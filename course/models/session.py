"""Signed-in sessions: one row per device, so any of them can be revoked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.extensions import db
from course.models.types import UTCDateTime
from course.models.user import User


class UserSession(db.Model):
    """A device's sign-in; the cookie holds a random token whose sha256 is stored here.

    Deleting the row kills both the session cookie and the remember-me cookie of that device,
    wherever copies of them are.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.timestamp)
    remember: Mapped[bool] = mapped_column(default=False)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship(back_populates="sessions")
