"""Cohort report: opens on the busiest course, date inputs match their help, funnel labels whole."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from course.instructor.insight.charts import FUNNEL_WIDTH, Bar, funnel_svg
from course.models import Course, Enrollment, PublishStatus, Role
from tests.conftest import url

SVG = "{http://www.w3.org/2000/svg}"
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
CHAR_PX = 7.2  # a generous average width of one 13 px character


def _learners(db, make_user, course: Course, count: int) -> None:
    for i in range(count):
        user = make_user(role=Role.LEARNER, email=f"l{course.id}-{i}@example.org")
        db.session.add(Enrollment(user_id=user.id, course_id=course.id, enrolled_at=NOW))


def test_report_defaults_to_the_course_with_most_learners(
    db, course_content, make_user, staff, get_page
) -> None:
    empty = Course(slug="aaa-draft", title="AAA empty draft", status=PublishStatus.DRAFT)
    small = Course(slug="bbb-small", title="BBB small course", status=PublishStatus.PUBLISHED)
    db.session.add_all([empty, small])
    db.session.commit()
    _learners(db, make_user, small, 1)
    _learners(db, make_user, course_content, 3)
    db.session.commit()
    page = get_page("instructor.cohort")
    chosen = page.select_one("#course option[selected]")
    assert chosen["value"] == course_content.slug
    assert page.select_one("h1").get_text(strip=True) == f"Cohort report: {course_content.title}"
    assert page.select_one("#match-count").get_text(" ", strip=True) == "3 learners match."
    # Naming a course still wins.
    page = get_page("instructor.cohort", course="aaa-draft")
    assert page.select_one("#course option[selected]")["value"] == "aaa-draft"


def test_date_inputs_are_date_pickers_and_the_help_says_so(db, course_content, staff, get_page):
    page = get_page("instructor.cohort")
    for name in ("enrolled_from", "enrolled_to"):
        box = page.select_one(f"input[name={name}]")
        assert box["type"] == "date"
        help_text = page.select_one(f"#{box['aria-describedby']}").get_text(strip=True)
        assert "calendar" in help_text
        assert "YYYY" not in help_text  # a date picker shows the browser's format, not ISO


def test_an_invalid_date_is_named_and_not_echoed_into_the_date_input(
    db, course_content, staff, get_page
) -> None:
    page = get_page("/instructor/cohort?enrolled_from=31/01/2026", expected=400)
    summary = page.select_one("#filter-errors").get_text(" ", strip=True)
    assert "Enrolled from: Enter the date as YYYY-MM-DD" in summary
    assert "“31/01/2026” is not a date" in summary
    box = page.select_one("input[name=enrolled_from]")
    assert box.get("value", "") == ""  # a type=date value must be a real date
    assert "is-invalid" in box["class"]


def _labels(svg: ET.Element) -> list[tuple[str, list[str]]]:
    out = []
    for g in svg.iter(f"{SVG}g"):
        if g.get("class") == "chart-bar":
            spans = [t.text or "" for t in g.find(f"{SVG}text").iter(f"{SVG}tspan")]
            out.append((g.find(f"{SVG}title").text, spans))
    return out


def test_rendered_funnel_shows_every_label_whole(
    db, course_content, make_user, staff, client
) -> None:
    _learners(db, make_user, course_content, 2)
    db.session.commit()
    html = client.get(url("instructor.cohort")).get_data(as_text=True)
    match = re.search(r'<svg[^>]*id="funnel-chart".*?</svg>', html, re.S)
    assert match
    svg = ET.fromstring(match.group(0))  # noqa: S314 - our own markup
    width = float(svg.get("viewBox").split()[2])
    labels = _labels(svg)
    modules = [m for m in course_content.modules if m.status == PublishStatus.PUBLISHED]
    expected = ["Enrolled", *(f"Module {m.position}: {m.title}" for m in modules)]
    assert [" ".join(spans) for _, spans in labels][: len(expected)] == expected
    assert max(len(e) for e in expected) > 40  # the real titles are long enough to matter
    for title, spans in labels:
        assert "…" not in "".join(spans)
        assert all(len(line) * CHAR_PX <= width for line in spans), (title, spans)


def test_funnel_wraps_a_very_long_label_and_grows_to_fit() -> None:
    long = "Module 12: " + "Ketamine therapy for treatment-resistant depression " * 3
    svg = ET.fromstring(str(funnel_svg("f", "Funnel", [Bar("Enrolled", 4), Bar(long, 1)])))  # noqa: S314
    (_, one), (_, lines) = _labels(svg)
    assert one == ["Enrolled"]
    assert len(lines) >= 3
    assert " ".join(lines) == long.strip()
    assert all(len(line) * CHAR_PX <= FUNNEL_WIDTH for line in lines)
    rects = [float(r.get("y")) for r in svg.iter(f"{SVG}rect")]
    height = float(svg.get("viewBox").split()[3])
    assert rects[1] > rects[0] + 16
    assert rects[1] + 18 <= height
