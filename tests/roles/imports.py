"""Role-matrix rows for question import and GIFT export (instructors and admins only)."""

from __future__ import annotations

# An empty POST re-renders the form with its errors (400); export without ?course= is a 400.
ROWS = {
    "instructor.imports": ("GET", "login", 403, 200, 200),
    "instructor.import_preview": ("POST", "login", 403, 400, 400),
    "instructor.import_commit": ("POST", "login", 403, 400, 400),
    "instructor.export_gift": ("GET", "login", 403, 400, 400),
}
