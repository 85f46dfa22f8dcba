"""Role-matrix rows for question import and GIFT export (instructors and admins only)."""

from __future__ import annotations

# An empty POST re-renders the form with its errors (400), and so does Back without its token;
# export without ?course= is a 400.
ROWS = {
    "instructor.imports": ("GET", "login", 403, 200, 200),
    "instructor.import_preview": ("POST", "login", 403, 400, 400),
    "instructor.import_commit": ("POST", "login", 403, 400, 400),
    "instructor.import_back": ("POST", "login", 403, 400, 400),
    "instructor.import_result": ("GET", "login", 403, 404, 404),
    "instructor.export_gift": ("GET", "login", 403, 400, 400),
}


def extend_world(world: dict, db, make_user) -> None:
    """No import has happened in the matrix's world: its result page is a 404 for staff."""
    world["audit_id"] = 999_999
