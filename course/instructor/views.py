"""Instructor blueprint (instructors and admins): authoring, imports, insight.

Routes live in feature modules that attach to `bp`; each is imported below, explicitly, so a
missing module is an import error rather than a silently absent feature.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("instructor", __name__)

# Feature modules register their routes on `bp` when imported.
from course.instructor import authoring, bank, imports, insight  # noqa: E402, F401
