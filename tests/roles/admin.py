"""Role-matrix rows for the admin blueprint: certificate queue and actions, audit log, users."""

from __future__ import annotations

from typing import Any

from tests.certkit import world_certificate

# endpoint: (method, anonymous, learner, instructor, admin)
ROWS: dict[str, tuple[str, object, object, object, object]] = {
    "admin.certificates": ("GET", "login", 403, 403, 200),
    # An empty selection goes back to the queue with a message; nothing is issued.
    "admin.preview": ("POST", "login", 403, 403, 302),
    "admin.issue": ("POST", "login", 403, 403, 302),
    "admin.certificate": ("GET", "login", 403, 403, 200),
    # No reason given: the form comes back with the error; nothing changes.
    "admin.revoke": ("POST", "login", 403, 403, 400),
    "admin.reissue": ("POST", "login", 403, 403, 400),
    "admin.audit": ("GET", "login", 403, 403, 200),
    "admin.users": ("GET", "login", 403, 403, 200),
    "admin.role": ("POST", "login", 403, 403, 400),
    "admin.reset_password": ("POST", "login", 403, 403, 302),
    "admin.mfa_reset": ("POST", "login", 403, 403, 302),
}


def extend_world(world: dict[str, Any], db: Any, make_user: Any) -> None:
    """Add an issued certificate and a learner whose role could be changed."""
    world_certificate(world, db, make_user)
