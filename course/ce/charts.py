"""Outcome charts, server-drawn SVG through the platform's chart helpers (no JavaScript)."""

from __future__ import annotations

from markupsafe import Markup

from course.ce.outcomes import MADE_CHANGE, OutcomesReport
from course.instructor.charts import Bar, funnel_svg


def outcome_charts(report: OutcomesReport) -> dict[str, Markup]:
    """The gain distribution, confidence scale and follow-up answers as SVG charts."""
    bins = [0] * 10
    for g in report.gains:
        # Differences run from -1 to +1: ten bins of 0.2, the top one closed.
        bins[min(9, int((g.difference + 1) / 0.2))] += 1
    charts = {
        "gain": funnel_svg(
            "chart-gain",
            "Knowledge gain per learner (final first attempt minus pre-test)",
            [Bar(f"{-100 + 20 * i:+d} to {-80 + 20 * i:+d} points", n) for i, n in enumerate(bins)],
        ),
        "confidence": funnel_svg(
            "chart-confidence",
            "Confidence in making the change (1–5)",
            [Bar(f"Confidence {n}", report.confidence.get(n, 0)) for n in range(1, 6)],
        ),
        "follow_up": funnel_svg(
            "chart-follow-up",
            "Follow-up: did you make the change?",
            [Bar("Completed the course", report.completed)]
            + [Bar(label, report.changed.get(key, 0)) for key, label in MADE_CHANGE.items()],
        ),
    }
    return charts
