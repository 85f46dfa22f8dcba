"""The CE blueprint with every route module attached."""

from course.ce import claim_views, cli  # noqa: F401 - attach the claim route and `flask ce`
from course.ce.views import bp

__all__ = ["bp"]
