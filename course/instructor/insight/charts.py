"""Charts drawn on the server as inline SVG markup: no JavaScript, no CDN, no style attributes.

Each chart carries a <title> and a <desc> (named by aria-labelledby / aria-describedby) and
each bar its own <title>, so screen readers and hover tooltips get the figures. Every piece of
text is XML-escaped; colours and fonts are SVG presentation attributes, not CSS `style`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

SVG_NS = "http://www.w3.org/2000/svg"
BAR = "#0b5563"
INK = "#212529"
AXIS = "#adb5bd"
TRACK = "#e9ecef"
# 13 px text averages under 7.2 px a character, so 56 characters fit the 420 px funnel.
FUNNEL_WIDTH = 420
LABEL_CHARS = 56
LINE = 16


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and optional extra words for its tooltip."""

    label: str
    value: float
    detail: str = ""


@dataclass(frozen=True)
class PercentBar:
    """One bar of a 0-100% chart: None means no figure; note follows the value (", n=7")."""

    label: str
    percent: float | None
    note: str = ""
    detail: str = ""


def _esc(value: object) -> str:
    """Escape text or an attribute value for XML (& < > " ')."""
    return str(escape(str(value)))


def wrap_label(text: str, limit: int = LABEL_CHARS) -> list[str]:
    """Break a label into lines of at most `limit` characters, never dropping any of it."""
    return textwrap.wrap(text, limit, break_on_hyphens=False) or [""]


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


def _lines(x: float, y: float, lines: list[str], size: int = 13) -> str:
    """A multi-line <text>: one <tspan> per line, LINE px apart."""
    spans = "".join(
        f'<tspan x="{x:g}" dy="{0 if i == 0 else LINE}">{_esc(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:g}" y="{y:g}" font-size="{size}" fill="{INK}">{spans}</text>'


@dataclass(frozen=True)
class _Row:
    label: str
    value: float
    shown: str
    tooltip: str


def _hbars(rows: Sequence[_Row], top: float, track: bool = False) -> tuple[list[str], int]:
    """Rows of horizontal bars, each under its whole wrapped label; returns them and the height.

    With ``track``, a pale full-length bar behind each one shows the scale's end (100%).
    """
    bar_width, bar_height, pad, gap = 320, 18, 8, 12
    body, y = [], pad
    for row in rows:
        width = round(bar_width * row.value / (top or 1), 1)
        lines = wrap_label(row.label)
        bar_y = y + LINE * len(lines) + 2
        behind = (
            f'<rect class="chart-track" x="0" y="{bar_y}" width="{bar_width}"'
            f' height="{bar_height}" fill="{TRACK}" rx="2"/>'
            if track
            else ""
        )
        value_x = (bar_width if track else width) + 6
        body.append(
            f'<g class="chart-bar"><title>{_esc(row.tooltip)}</title>'
            + _lines(0, y + 12, lines)
            + behind
            + f'<rect x="0" y="{bar_y}" width="{width:g}" height="{bar_height}"'
            f' fill="{BAR}" rx="2"/>' + _text(value_x, bar_y + 14, row.shown) + "</g>"
        )
        y = bar_y + bar_height + gap
    return body, max(y - gap + pad, pad * 2 + 30)


def funnel_svg(chart_id: str, title: str, bars: Sequence[Bar]) -> Markup:
    """Horizontal bars, one per stage, each under its whole (wrapped) label, scaled to the top."""
    first = bars[0].value if bars else 0
    rows = []
    for bar in bars:
        share = f" ({round(100 * bar.value / first)}% of {bars[0].label.lower()})" if first else ""
        people = f"{bar.value:g} learner{'s' if bar.value != 1 else ''}"
        rows.append(
            _Row(
                bar.label, bar.value, f"{bar.value:g}", f"{bar.label}: {people}{share}{bar.detail}"
            )
        )
    body, height = _hbars(rows, max((b.value for b in bars), default=0))
    desc = "; ".join(f"{b.label}: {b.value:g}" for b in bars) or "No data."
    return _frame(chart_id, title, desc, (FUNNEL_WIDTH, height), body)


def percent_svg(chart_id: str, title: str, bars: Sequence[PercentBar]) -> Markup:
    """Horizontal bars on a 0-100% scale; a bar without a figure reads "no responses".

    The note (", n=7") joins the wrapped label, so the figure beside the bar stays short enough
    to fit inside the chart.
    """
    rows, words = [], []
    for bar in bars:
        shown = "no responses" if bar.percent is None else f"{bar.percent:.1f}%"
        words.append(f"{bar.label}: {shown}{bar.note}")
        rows.append(_Row(bar.label + bar.note, bar.percent or 0, shown, words[-1] + bar.detail))
    body, height = _hbars(rows, 100, track=True)
    return _frame(chart_id, title, "; ".join(words) or "No data.", (FUNNEL_WIDTH, height), body)


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
