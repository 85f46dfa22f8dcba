"""Session-level pieces of sign-in shared by the auth views and other features.

safe_next (no open redirects), the half-signed-in state of the MFA step, and step-up:
sensitive actions need a sign-in or re-authentication within STEP_UP_MINUTES.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from course import clock
from course.models import User

PENDING = "mfa_pending"


def safe_next(target: str | None) -> str | None:
    """Return `target` only when it is a local path on this site (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def begin_second_step(user: User, remember: bool, next_url: str | None) -> Response:
    """After a correct password: remember who is half signed in, then ask for the code."""
    session[PENDING] = {
        "u": user.id,
        "r": bool(remember),
        "t": int(clock.now().timestamp()),
        "n": next_url or "",
    }
    return redirect(url_for("auth.mfa_challenge"))


def step_up_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require a sign-in or re-authentication within STEP_UP_MINUTES for this action."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        minutes = int(current_app.config.get("STEP_UP_MINUTES", 10))
        age = clock.now().timestamp() - int(session.get("auth_at", 0))
        if current_user.is_authenticated and age > minutes * 60:
            flash(f"Confirm it is you to continue (needed every {minutes} minutes).", "info")
            back = safe_next(urlpath(request.referrer)) or url_for("learning.dashboard")
            return redirect(url_for("auth.reauth", next=back))
        return view(*args, **kwargs)

    return wrapped


def urlpath(url: str | None) -> str | None:
    """The path and query of a URL on this site (for going back after re-authentication)."""
    from urllib.parse import urlsplit

    if not url:
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
