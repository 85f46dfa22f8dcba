"""Instructor blueprint (instructors and admins): authoring, imports, insight.

Routes live in feature modules that attach to `bp`; importing them here registers them.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("instructor", __name__)

# Feature modules register their routes on `bp` when imported.
from course.instructor import routes  # noqa: E402, F401
