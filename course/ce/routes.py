"""The CE blueprint with every route module attached."""

from course.ce import (  # noqa: F401 - attach the route modules and `flask ce`
    claim_views,
    cli,
    identity_views,
    outcome_views,
    report_views,
    transcript_views,
)
from course.ce.views import bp

__all__ = ["bp"]
