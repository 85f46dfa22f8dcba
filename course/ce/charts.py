"""Outcome charts: horizontal bars drawn on the server as inline SVG (no JavaScript, no CSS).

The same conventions as the insight charts: a <title> and <desc> named by aria attributes,
a <title> per bar for tooltips and screen readers, every piece of text XML-escaped. Kept here
because a feature package does not import another feature's internals.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from course.ce.outcomes import MADE_CHANGE, OutcomesReport

BAR = "#0b5563"
INK = "#212529"


def _text(x: float, y: float, content: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="13" text-anchor="{anchor}" fill="{INK}"'
        f' font-family="system-ui, sans-serif">{escape(content)}</text>'
    )


def bars_svg(chart_id: str, title: str, bars: Sequence[tuple[str, int]]) -> Markup:
    """One horizontal bar per (label, count), scaled to the largest."""
    label_w, bar_w, row, pad = 260, 300, 28, 8
    width, height = label_w + bar_w + 60, pad * 2 + row * max(len(bars), 1)
    top = max((n for _, n in bars), default=0) or 1
    body = []
    for i, (label, n) in enumerate(bars):
        y = pad + i * row
        w = round(bar_w * n / top, 1)
        body.append(
            f"<g><title>{escape(f'{label}: {n}')}</title>"
            + _text(label_w - 8, y + 18, label, "end")
            + f'<rect x="{label_w}" y="{y + 5}" width="{w:g}" height="{row - 10}" fill="{BAR}"/>'
            + _text(label_w + w + 6, y + 18, str(n))
            + "</g>"
        )
    desc = "; ".join(f"{label}: {n}" for label, n in bars) or "No data."
    return Markup(  # noqa: S704 - every piece of text above went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" id="{chart_id}" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-t"'
        f' aria-describedby="{chart_id}-d"><title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>{"".join(body)}</svg>'
    )


def outcome_charts(report: OutcomesReport) -> dict[str, Markup]:
    """The gain distribution, confidence scale and follow-up answers as SVG charts."""
    bins = [0] * 10
    for g in report.gains:
        # Differences run from -1 to +1: ten bins of 0.2, the top one closed.
        bins[min(9, int((g.difference + 1) / 0.2))] += 1
    gain = [(f"{-100 + 20 * i:+d} to {-80 + 20 * i:+d} points", n) for i, n in enumerate(bins)]
    follow = [("Completed the course", report.completed)] + [
        (label, report.changed.get(key, 0)) for key, label in MADE_CHANGE.items()
    ]
    return {
        "gain": bars_svg("chart-gain", "Knowledge gain per learner (final minus pre-test)", gain),
        "confidence": bars_svg(
            "chart-confidence",
            "Confidence in making the change (1–5)",
            [(f"Confidence {n}", report.confidence.get(n, 0)) for n in range(1, 6)],
        ),
        "follow_up": bars_svg("chart-follow-up", "Follow-up: did you make the change?", follow),
    }
