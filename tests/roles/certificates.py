"""Role-matrix rows for the certificates blueprint (learner steps, downloads, public verify)."""

from __future__ import annotations

from typing import Any

from tests.certkit import world_certificate

# endpoint: (method, anonymous, learner, instructor, admin)
ROWS: dict[str, tuple[str, object, object, object, object]] = {
    # Steps open only once the course is complete: everyone else is sent back to the course.
    "certificates.evaluation": ("GET", "login", 302, 302, 302),
    "certificates.attestation": ("GET", "login", 302, 302, 302),
    "certificates.mine": ("GET", "login", 200, 200, 200),
    # Someone else's certificate: 404 (no probing), except for admins.
    "certificates.download": ("GET", "login", 404, 404, 200),
    "certificates.credential": ("GET", "login", 404, 404, 200),
    # Public verification.
    "certificates.verify_form": ("GET", 200, 200, 200, 200),
    "certificates.verify": ("GET", 200, 200, 200, 200),
    "certificates.api_certificate": ("GET", 200, 200, 200, 200),
    "certificates.status_list": ("GET", 200, 200, 200, 200),
    # Served only when DID_WEB_DOMAIN is configured (not in tests).
    "certificates.did_json": ("GET", 404, 404, 404, 404),
}


def extend_world(world: dict[str, Any], db: Any, make_user: Any) -> None:
    """Add an issued certificate (code, certificate_id), its learner (user_id) and list_id."""
    world_certificate(world, db, make_user)
