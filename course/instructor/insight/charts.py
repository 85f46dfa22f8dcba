"""Charts drawn on the server as inline SVG markup: no JavaScript, no CDN, no style attributes.

Each chart carries a <title> and a <desc> (named by aria-labelledby / aria-describedby) and
each bar its own <title>, so screen readers and hover tooltips get the figures. Every piece of
text is XML-escaped; colours and fonts are SVG presentation attributes, not CSS `style`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

SVG_NS = "http://www.w3.org/2000/svg"
BAR = "#0b5563"
INK = "#212529"
AXIS = "#adb5bd"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and optional extra words for its tooltip."""

    label: str
    value: int
    detail: str = ""


def _esc(value: object) -> str:
    """Escape text or an attribute value for XML (& < > " ')."""
    return str(escape(str(value)))


def _short(text: str, limit: int = 32) -> str:
    """Shorten a label to fit beside its bar; the bar's <title> keeps the full text."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _frame(chart_id: str, title: str, desc: str, size: tuple[int, int], body: list[str]) -> Markup:
    """Wrap chart elements in an accessible <svg> root."""
    cid = _esc(chart_id)
    width, height = size
    head = (
        f'<svg xmlns="{SVG_NS}" id="{cid}" class="insight-chart" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-labelledby="{cid}-title"'
        f' aria-describedby="{cid}-desc">'
        f'<title id="{cid}-title">{_esc(title)}</title><desc id="{cid}-desc">{_esc(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every value above is escaped


def _text(x: float, y: float, content: str, size: int = 13, anchor: str = "start") -> str:
    """A <text> element with presentation attributes."""
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" text-anchor="{anchor}" fill="{INK}">'
        f"{_esc(content)}</text>"
    )


def funnel_svg(chart_id: str, title: str, bars: Sequence[Bar]) -> Markup:
    """Horizontal bars, one per stage, scaled to the first (widest) stage."""
    label_width, bar_width, row, pad = 240, 320, 30, 8
    size = (label_width + bar_width + 70, pad * 2 + row * max(len(bars), 1))
    top = max((b.value for b in bars), default=0) or 1
    first = bars[0].value if bars else 0
    body = []
    for i, bar in enumerate(bars):
        y = pad + i * row
        width = round(bar_width * bar.value / top, 1)
        share = f" ({round(100 * bar.value / first)}% of {bars[0].label.lower()})" if first else ""
        tooltip = f"{bar.label}: {bar.value} learner{'s' if bar.value != 1 else ''}{share}"
        body.append(
            f'<g class="chart-bar"><title>{_esc(tooltip + bar.detail)}</title>'
            + _text(label_width - 8, y + 19, _short(bar.label), anchor="end")
            + f'<rect x="{label_width}" y="{y + 5}" width="{width:g}" height="{row - 10}"'
            f' fill="{BAR}" rx="2"/>'
            + _text(label_width + width + 6, y + 19, str(bar.value))
            + "</g>"
        )
    desc = "; ".join(f"{b.label}: {b.value}" for b in bars) or "No data."
    return _frame(chart_id, title, desc, size, body)


def histogram_svg(chart_id: str, title: str, counts: Sequence[int], axis: str) -> Markup:
    """Vertical bars for equal-width percentage bins (0-10%, ..., 90-100%)."""
    left, slot, top, plot = 36, 56, 24, 170
    size = (left + slot * max(len(counts), 1) + 12, top + plot + 46)
    step = 100 // max(len(counts), 1)
    tallest = max(counts, default=0) or 1
    base = top + plot
    body = [f'<line x1="{left}" y1="{base}" x2="{size[0] - 8}" y2="{base}" stroke="{AXIS}"/>']
    for i, count in enumerate(counts):
        low, high = i * step, (i + 1) * step
        height = round(plot * count / tallest, 1)
        x = left + i * slot + 4
        people = f"{count} learner{'s' if count != 1 else ''}"
        body.append(
            f'<g class="chart-bar"><title>{_esc(f"{low}–{high}%: {people}")}</title>'
            f'<rect x="{x}" y="{base - height:g}" width="{slot - 8}" height="{height:g}"'
            f' fill="{BAR}" rx="2"/>'
            + _text(x + (slot - 8) / 2, base - height - 4, str(count), 12, "middle")
            + _text(x + (slot - 8) / 2, base + 16, f"{low}–{high}", 11, "middle")
            + "</g>"
        )
    body.append(_text(size[0] / 2, base + 38, axis, 12, "middle"))
    desc = "; ".join(f"{i * step}–{(i + 1) * step}%: {c}" for i, c in enumerate(counts))
    return _frame(chart_id, title, desc or "No data.", size, body)
