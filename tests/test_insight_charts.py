"""SVG charts built in Python: well-formed XML, escaped text, accessible titles, no styles."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from course.instructor.insight.charts import Bar, funnel_svg, histogram_svg

SVG = "{http://www.w3.org/2000/svg}"


def bars(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-bar"]


def test_funnel_escapes_hostile_labels_and_stays_wellformed() -> None:
    hostile = "Module 1: <script>alert(\"x\")</script> & 'quotes'"
    markup = funnel_svg('f"1', "Funnel <b>", [Bar("Enrolled", 8), Bar(hostile, 2)])
    assert "<script>" not in markup
    assert "<b>" not in markup
    root = ET.fromstring(str(markup))  # noqa: S314 - our own markup
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == 'f"1-title'
    assert root.find(f"{SVG}title").text == "Funnel <b>"
    assert root.find(f"{SVG}desc").text == f"Enrolled: 8; {hostile}: 2"
    second = bars(root)[1]
    assert second.find(f"{SVG}title").text == f"{hostile}: 2 learners (25% of enrolled)"
    label = second.find(f"{SVG}text")
    assert " ".join(t.text for t in label.iter(f"{SVG}tspan")) == hostile  # wrapped, never cut
    assert [r.get("width") for r in root.iter(f"{SVG}rect")] == ["320", "80"]
    assert all(el.get("style") is None for el in root.iter())


def test_histogram_has_ten_bins_scaled_to_the_tallest() -> None:
    counts = [0, 0, 1, 0, 0, 2, 0, 0, 4, 1]
    root = ET.fromstring(str(histogram_svg("h", "Scores", counts, "Best score (%)")))  # noqa: S314 - our own markup
    groups = bars(root)
    assert [g.find(f"{SVG}title").text for g in groups][8] == "80–90%: 4 learners"
    assert groups[9].find(f"{SVG}title").text == "90–100%: 1 learner"
    heights = [float(g.find(f"{SVG}rect").get("height")) for g in groups]
    assert heights == [0, 0, 42.5, 0, 0, 85, 0, 0, 170, 42.5]
    labels = [g.findall(f"{SVG}text")[1].text for g in groups]
    assert (labels[0], labels[-1]) == ("0–10", "90–100")


def test_empty_charts_are_still_valid() -> None:
    for markup in (funnel_svg("e", "Empty", []), histogram_svg("z", "Zero", [0] * 10, "x")):
        root = ET.fromstring(str(markup))  # noqa: S314 - our own markup
        assert root.find(f"{SVG}desc").text
        assert all(float(r.get("height")) >= 0 for r in root.iter(f"{SVG}rect"))
