"""Bank list: search of ids and stems, the module shown once as a group heading, filters kept
by the pager."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.bankkit import add_question, build_bank

BASE = "/instructor/questions?course=bank-course"


def uids(soup) -> list[str]:
    """The question ids listed, in order."""
    return [row["data-uid"] for row in soup.select("tr.bank-row")]


def test_search_matches_words_of_the_stem_in_any_case(db, staff, get_page) -> None:
    bank = build_bank(4)
    alpha, beta = bank.modules
    add_question(bank.course, alpha, "dose-1", stem="What is the usual Ketamine DOSE for adults?")
    add_question(bank.course, beta, "dose-2", stem="Which dose of sertraline is licensed here?")
    db.session.commit()
    assert uids(get_page(f"{BASE}&q=dose")) == ["dose-1", "dose-2"]
    assert uids(get_page(f"{BASE}&q=ketamine+dose")) == ["dose-1"]  # every word must match
    assert uids(get_page(f"{BASE}&q=KETAMINE")) == ["dose-1"]
    assert uids(get_page(f"{BASE}&q=dose&module=beta")) == ["dose-2"]  # with the other filters
    soup = get_page(f"{BASE}&q=nothing-like-this")
    assert uids(soup) == []
    assert "No questions match “nothing-like-this”" in soup.get_text()
    assert soup.select_one("#f-q")["value"] == "nothing-like-this"


def test_search_matches_ids_and_treats_wildcards_literally(db, staff, get_page) -> None:
    bank = build_bank(4)
    add_question(
        bank.course, bank.modules[0], "contra-7", stem="Which finding rules out 50% of cases?"
    )
    db.session.commit()
    assert uids(get_page(f"{BASE}&q=contra")) == ["contra-7"]
    assert uids(get_page(f"{BASE}&q=q-3")) == ["q-3"]
    assert uids(get_page(f"{BASE}&q=50%25")) == ["contra-7"]
    assert uids(get_page(f"{BASE}&q=%25")) == ["contra-7"]  # '%' is a character, not "anything"
    assert uids(get_page(f"{BASE}&q=_")) == []  # nor is '_'
    assert len(uids(get_page(f"{BASE}&q=" + "x" * 500))) == 0  # long input is cut, not a 500


def test_module_title_is_a_group_heading_not_repeated_per_row(db, staff, get_page) -> None:
    bank = build_bank(4)
    add_question(bank.course, None, "final-1")
    db.session.commit()
    soup = get_page(BASE)
    groups = soup.select("tbody.bank-group")
    headings = [g.select_one("th[scope=rowgroup]").get_text(" ", strip=True) for g in groups]
    assert [h.split(" ·")[0] for h in headings] == [
        "1. Module alpha",
        "2. Module beta",
        "Final exam (no module)",
    ]
    assert [[r["data-uid"] for r in g.select("tr.bank-row")] for g in groups] == [
        ["q-0", "q-2"],
        ["q-1", "q-3"],
        ["final-1"],
    ]
    rows_text = " ".join(r.get_text(" ") for r in soup.select("tr.bank-row"))
    assert "Module alpha" not in rows_text
    assert "Module" not in [th.get_text() for th in soup.select("thead th")]


def test_pager_links_keep_search_and_filters(db, staff, get_page) -> None:
    build_bank(130)
    soup = get_page(f"{BASE}&q=case&status=published&module=alpha")
    assert len(uids(soup)) == 50
    links = [a["href"] for a in soup.select(".pagination a")]
    assert len(links) == 2
    query = parse_qs(urlparse(links[1]).query)
    assert query["q"] == ["case"]
    assert query["status"] == ["published"]
    assert query["module"] == ["alpha"]
    assert query["page"] == ["2"]
    second = get_page(links[1])
    assert len(uids(second)) == 15
    assert second.select_one("#f-q")["value"] == "case"
