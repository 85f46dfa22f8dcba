"""Item analysis summary table (server-side sort, editor links), small-sample cautions, mastery.

Reuses the hand-worked dataset of tests/test_insight_analysis.py: five attempts at a fixed
four-question final. Facility q1 1.0, q2 0.2, q3 0.4, q4 0.4; corrected point-biserial
q1 undefined, q2 0.134, q3 0.667, q4 -0.102; flags q1 1, q2 2, q3 0, q4 1.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from course.instructor.insight import services as insight_services
from course.models import Question
from tests.conftest import url
from tests.test_insight_analysis import CHOICES, OBJECTIVES, exam, learners, take

__all__ = ["exam"]  # the fixture, imported for use here
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def answered(db, exam, make_user):
    for user, picks in zip(learners(make_user, 5), CHOICES, strict=True):
        take(db, user.id, exam, picks)
    return exam


def order(soup) -> list[str]:
    return [tr["data-version"] for tr in soup.select("#item-summary tbody tr")]


def test_summary_lists_every_item_with_n_flags_and_an_editor_link(
    db, answered, staff, get_page
) -> None:
    soup = get_page("instructor.item_analysis", quiz_id=answered.id)
    assert order(soup) == ["q1 v1", "q2 v1", "q3 v1", "q4 v1"]
    rows = {tr["data-version"]: tr for tr in soup.select("#item-summary tbody tr")}
    cells = {
        k: [tr.select_one(f"[data-stat={s}]").get_text(" ", strip=True) for s in ("facility", "n")]
        for k, tr in rows.items()
    }
    assert cells["q2 v1"] == ["0.20", "5 small sample"]
    assert rows["q1 v1"].select_one("[data-stat=discrimination]").get_text() == "—"
    assert rows["q2 v1"].select_one("[data-stat=flags]").get_text(" ", strip=True) == (
        "too hard low discrimination"
    )
    q3 = db.session.query(Question).filter_by(uid="q3").one()
    link = rows["q3 v1"].select("td a")[-1]
    assert link["href"] == (
        f"/instructor/questions/{q3.id}/edit?from_analysis={answered.id}&sort=question"
    )
    assert link.get_text(" ", strip=True) == "Edit q3"
    editor = get_page(link["href"])
    assert "Stem of q3" in editor.get_text()
    back = editor.select_one("#back-to-analysis")["href"]
    assert back == f"/instructor/quizzes/{answered.id}/analysis?sort=question"
    # the row's label jumps to the item's details on the same page, so the sort is kept
    assert rows["q3 v1"].find("a")["href"].startswith("#version-")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("question", ["q1 v1", "q2 v1", "q3 v1", "q4 v1"]),
        ("-question", ["q4 v1", "q3 v1", "q2 v1", "q1 v1"]),
        ("facility", ["q2 v1", "q3 v1", "q4 v1", "q1 v1"]),
        ("-facility", ["q1 v1", "q3 v1", "q4 v1", "q2 v1"]),
        ("discrimination", ["q4 v1", "q2 v1", "q3 v1", "q1 v1"]),  # undefined last
        ("-discrimination", ["q3 v1", "q2 v1", "q4 v1", "q1 v1"]),  # undefined last
        ("-flags", ["q2 v1", "q1 v1", "q4 v1", "q3 v1"]),
        ("n", ["q1 v1", "q2 v1", "q3 v1", "q4 v1"]),
    ],
)
def test_sort_orders_the_table_and_the_details(answered, staff, get_page, sort, expected) -> None:
    soup = get_page("instructor.item_analysis", quiz_id=answered.id, sort=sort)
    assert order(soup) == expected
    assert [s["data-version"] for s in soup.select("section.item-version")] == expected


def test_header_links_keep_and_flip_the_sort(answered, staff, get_page) -> None:
    soup = get_page("instructor.item_analysis", quiz_id=answered.id, sort="facility")
    base = url("instructor.item_analysis", quiz_id=answered.id, sort="")
    links = {a["data-sort"]: a["href"] for a in soup.select("#item-summary thead a[data-sort]")}
    assert links == {
        "question": base + "question",
        "facility": base + "-facility",
        "discrimination": base + "discrimination",
        "n": base + "n",
        "flags": base + "flags",
    }
    sorted_th = soup.select("#item-summary thead th[aria-sort]")
    assert [(th.get_text(" ", strip=True), th["aria-sort"]) for th in sorted_th] == [
        ("Facility ▲", "ascending")
    ]
    assert "sorted by facility, ascending" in soup.select_one("#item-summary caption").get_text()
    again = get_page(links["facility"])
    assert again.select_one("th[aria-sort]")["aria-sort"] == "descending"


@pytest.mark.parametrize("bad", ["password", "-", "facility;drop", "--n"])
def test_a_bad_sort_gets_a_worded_400_and_the_default_order(answered, staff, get_page, bad) -> None:
    soup = get_page("instructor.item_analysis", quiz_id=answered.id, sort=bad, expected=400)
    message = soup.select_one("#sort-problem").get_text(" ", strip=True)
    assert message.startswith("Sort: “")
    assert "question, facility, discrimination, n, flags" in message
    assert order(soup) == ["q1 v1", "q2 v1", "q3 v1", "q4 v1"]


def test_caution_below_the_threshold_and_not_above(answered, staff, get_page, monkeypatch):
    address = url("instructor.item_analysis", quiz_id=answered.id)
    monkeypatch.setattr(insight_services, "MIN_ATTEMPTS", 6)
    soup = get_page(address)
    cautions = [
        p.get_text(" ", strip=True) for p in soup.select("section.item-version .small-sample")
    ]
    assert cautions == ["Based on 5 responses: treat with caution."] * 4
    assert len(soup.select("#item-summary .small-sample")) == 4
    monkeypatch.setattr(insight_services, "MIN_ATTEMPTS", 5)
    soup = get_page(address)
    assert not soup.select(".small-sample")
    assert [
        tr.select_one("[data-stat=n]").get_text() for tr in soup.select("#item-summary tbody tr")
    ] == ["5"] * 4


def test_mastery_shows_n_and_the_caution_only_below_the_threshold(
    answered, staff, get_page, monkeypatch
) -> None:
    # Each objective has 5 learners x 2 questions = 10 responses.
    soup = get_page("instructor.mastery", slug="mini")
    notes = [d.get_text(strip=True) for d in soup.select("#objectives .small-sample")]
    assert notes == ["Based on 10 responses: treat with caution."] * 2
    monkeypatch.setattr(insight_services, "MIN_ATTEMPTS", 10)
    soup = get_page("instructor.mastery", slug="mini")
    assert not soup.select("#objectives .small-sample")


def test_mastery_chart_is_an_accessible_svg_matching_the_table(answered, staff, client) -> None:
    html = client.get(url("instructor.mastery", slug="mini")).get_data(as_text=True)
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" id="mastery-chart"')
    svg = ET.fromstring(html[start : html.index("</svg>", start) + 6])  # noqa: S314 - our markup
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Mastery by learning objective"
    groups = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "chart-bar"]
    labels = [" ".join(t.text for t in g.find(f"{SVG}text").iter(f"{SVG}tspan")) for g in groups]
    note = " (n=10, small sample)"
    assert labels == [f"M1: {OBJECTIVES[0]}{note}", f"M1: {OBJECTIVES[1]}{note}"]
    shown = [g.findall(f"{SVG}text")[1].text for g in groups]
    assert shown == ["60.0%", "40.0%"]  # short enough to fit beside the bar
    # objective 1 mean share: L1 1, L2 .5, L3 .5, L4 .5, L5 .5 = .6; objective 2: .5, 1, .5, 0, 0
    tracks = [g.find(f"{SVG}rect[@class='chart-track']").get("width") for g in groups]
    assert tracks == ["320", "320"]  # the pale full-length track marks 100%
    bars = [r for g in groups for r in g.findall(f"{SVG}rect") if r.get("class") is None]
    assert [float(r.get("width")) for r in bars] == [192.0, 128.0]  # 60% and 40% of 320 px
    desc = svg.find(f"{SVG}desc").text
    assert desc == (
        f"M1: {OBJECTIVES[0]}: 60.0% (n=10, small sample); "
        f"M1: {OBJECTIVES[1]}: 40.0% (n=10, small sample)"
    )
    assert "the table below gives the same figures" in html


def test_the_editor_leads_back_to_the_analysis_in_its_sort_order(
    db, answered, staff, get_page
) -> None:
    soup = get_page("instructor.item_analysis", quiz_id=answered.id, sort="-facility")
    link = [tr.select("td a")[-1]["href"] for tr in soup.select("#item-summary tbody tr")][0]
    editor = get_page(link)
    back = editor.select_one("#back-to-analysis")["href"]
    assert back == f"/instructor/quizzes/{answered.id}/analysis?sort=-facility"
    assert order(get_page(back)) == order(soup)


@pytest.mark.parametrize(
    "query",
    ["", "?from_analysis=999999", "?from_analysis=abc", "?from_analysis=-1"],
)
def test_no_back_link_without_a_quiz_of_this_course(db, answered, staff, get_page, query) -> None:
    q3 = db.session.query(Question).filter_by(uid="q3").one()
    editor = get_page(f"/instructor/questions/{q3.id}/edit{query}")
    assert editor.select_one("#back-to-analysis") is None


def test_a_hostile_sort_is_dropped_from_the_back_link(db, answered, staff, get_page) -> None:
    q3 = db.session.query(Question).filter_by(uid="q3").one()
    hostile = "javascript:alert(1)"
    editor = get_page(
        "instructor.question_edit", question_id=q3.id, from_analysis=answered.id, sort=hostile
    )
    assert editor.select_one("#back-to-analysis")["href"] == (
        f"/instructor/quizzes/{answered.id}/analysis"
    )
