"""Role-matrix rows for account security: per-device sign-out, sign out everywhere."""

from __future__ import annotations

from typing import Any

from course.auth.sessions import start_session

# endpoint: (method, anonymous, learner, instructor, admin)
ROWS: dict[str, tuple[str, object, object, object, object]] = {
    # The session in the URL belongs to someone else: nobody may sign it out.
    "auth.revoke_device": ("POST", "login", 404, 404, 404),
    "auth.revoke_everywhere": ("POST", "login", 302, 302, 302),
    # Recovery: forms for anyone; a link with a bad token is a clear 400.
    "auth.forgot_password": ("GET", 200, 200, 200, 200),
    "auth.reset_password": ("GET", 400, 400, 400, 400),
    "auth.verify_email": ("GET", 400, 400, 400, 400),
    "auth.welcome": ("GET", 400, 400, 400, 400),
    "auth.resend_verification": ("POST", "login", 302, 302, 302),
    "auth.change_email": ("POST", "login", 400, 400, 400),
    # MFA: nobody is half signed in here, so the challenge sends everyone to sign in.
    "auth.mfa_challenge": ("GET", "login", "login", "login", "login"),
    "auth.mfa_setup": ("GET", "login", 200, 200, 200),
    "auth.mfa_start": ("POST", "login", 302, 302, 302),
    "auth.mfa_confirm": ("POST", "login", 400, 400, 400),
    "auth.reauth": ("GET", "login", 200, 200, 200),
}


def extend_world(world: dict[str, Any], db: Any, make_user: Any) -> None:
    """A device session belonging to the world's owner."""
    start_session(world["owner"], remember=False, user_agent="owner's phone")
    db.session.commit()
    from course.auth.sessions import current_row

    world["session_id"] = current_row(world["owner"]).id
    world["token"] = "not-a-valid-token"
