"""The admin blueprint with every route module attached."""

from course.admin import audit_views, user_views  # noqa: F401 - attach their routes
from course.admin.views import bp

__all__ = ["bp"]
