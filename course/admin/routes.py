"""The admin blueprint with every route module attached."""

from course.admin import user_views  # noqa: F401 - attach the user routes
from course.admin.views import bp

__all__ = ["bp"]
