"""Role-matrix rows for account security: per-device sign-out, sign out everywhere."""

from __future__ import annotations

from typing import Any

from course.auth.sessions import start_session

# endpoint: (method, anonymous, learner, instructor, admin)
ROWS: dict[str, tuple[str, object, object, object, object]] = {
    # The session in the URL belongs to someone else: nobody may sign it out.
    "auth.revoke_device": ("POST", "login", 404, 404, 404),
    "auth.revoke_everywhere": ("POST", "login", 302, 302, 302),
}


def extend_world(world: dict[str, Any], db: Any, make_user: Any) -> None:
    """A device session belonging to the world's owner."""
    start_session(world["owner"], remember=False, user_agent="owner's phone")
    db.session.commit()
    from course.auth.sessions import current_row

    world["session_id"] = current_row(world["owner"]).id
