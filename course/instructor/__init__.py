"""Instructor blueprint (instructors and admins): question bank, imports, authoring, insight.

Each sub-package owns one concern and imports only itself, `preview` and the layers below;
their views attach routes to `bp` (instructor/blueprint.py), and are imported here,
explicitly, to register them.
"""

from __future__ import annotations

from course.instructor.authoring import views as authoring_views  # noqa: F401
from course.instructor.bank import (  # noqa: F401
    regrade_views,
    settings_views,
    version_views,
    views,
    yaml_views,
)
from course.instructor.blueprint import bp
from course.instructor.insight import views as insight_views  # noqa: F401
from course.instructor.interchange import views as interchange_views  # noqa: F401

__all__ = ["bp"]
