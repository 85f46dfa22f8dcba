"""The CE blueprint with every route module attached."""

from course.ce import claim_views  # noqa: F401 - attaches the claim route
from course.ce.views import bp

__all__ = ["bp"]
