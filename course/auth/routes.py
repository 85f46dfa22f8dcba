"""The auth blueprint with every route module attached."""

from course.auth import mfa_views, recovery, welcome  # noqa: F401 - attach their routes
from course.auth.views import bp

__all__ = ["bp"]
