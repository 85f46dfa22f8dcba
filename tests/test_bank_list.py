"""Question bank list: access, filters, usage, statistics (n/a below 20), paging, query count."""

from __future__ import annotations

import pytest

from course import psychometrics as stats
from course.instructor.bank.services import MIN_ATTEMPTS, current_stats
from course.models import QuestionStatus
from tests.bankkit import add_question, build_bank, make_attempt
from tests.conftest import url


def uids(soup) -> list[str]:
    """The question ids listed on a bank page, in order."""
    return [row["data-uid"] for row in soup.select("tr.bank-row")]


def test_list_shows_every_question_with_usage(db, staff, get_page, make_user) -> None:
    bank = build_bank(4)
    learner = make_user()
    q0 = bank.questions["q-0"]
    make_attempt(learner, bank.quizzes[0], [(q0.current, ["a"])])
    soup = get_page("instructor.questions", course="bank-course")
    assert uids(soup) == ["q-0", "q-2", "q-1", "q-3"]  # module order, then id
    row = soup.select_one('tr[data-uid="q-0"]')
    assert row.select_one(".usage").get_text(strip=True) == "1"
    assert row.select_one(".facility").get_text(strip=True) == "n/a"
    assert soup.select_one('tr[data-uid="q-1"] .usage').get_text(strip=True) == "0"


def test_filters_by_module_tag_type_status_and_flag(db, staff, get_page) -> None:
    bank = build_bank(4)
    alpha, beta = bank.modules
    add_question(bank.course, alpha, "caut-1", tags=["caution"])
    add_question(
        bank.course,
        beta,
        "multi-1",
        qtype="multiple",
        status=QuestionStatus.DRAFT,
        options=[
            {"id": "a", "text": "First true statement", "correct": True, "rationale": "Yes."},
            {"id": "b", "text": "Second true statement", "correct": True, "rationale": "Yes."},
            {"id": "c", "text": "A false statement here", "correct": False, "rationale": "No."},
        ],
    )
    db.session.commit()
    base = url("instructor.questions", course="bank-course")
    assert uids(get_page(f"{base}&module=alpha")) == ["caut-1", "q-0", "q-2"]
    assert uids(get_page(f"{base}&tag=caution")) == ["caut-1"]
    assert uids(get_page(f"{base}&type=multiple")) == ["multi-1"]
    assert uids(get_page(f"{base}&status=draft")) == ["multi-1"]
    assert uids(get_page(f"{base}&module=beta&status=published")) == ["q-1", "q-3"]
    assert uids(get_page(f"{base}&flag=any")) == []
    assert len(uids(get_page(f"{base}&flag=n/a"))) == 6
    # Unknown filter values are ignored rather than failing.
    assert len(uids(get_page(f"{base}&tag=nonsense&status=bogus"))) == 6


def test_statistics_appear_at_twenty_attempts_with_flags(
    db,
    staff,
    get_page,
    make_user,
) -> None:
    bank = build_bank(4)
    learner = make_user()
    easy, mixed = bank.questions["q-0"].current, bank.questions["q-2"].current
    quiz = bank.quizzes[0]
    for n in range(MIN_ATTEMPTS - 1):
        make_attempt(learner, quiz, [(easy, ["a"]), (mixed, ["a" if n % 2 else "b"])])
    page = url("instructor.questions", course="bank-course", module="alpha")
    soup = get_page(page)
    assert soup.select_one('tr[data-uid="q-0"] .facility').get_text(strip=True) == "n/a"
    make_attempt(learner, quiz, [(easy, ["a"]), (mixed, ["a"])])
    soup = get_page(page)
    assert soup.select_one('tr[data-uid="q-0"] .facility').get_text(strip=True) == "1.00"
    assert soup.select_one('tr[data-uid="q-2"] .facility').get_text(strip=True) == "0.50"
    assert stats.TOO_EASY in soup.select_one('tr[data-uid="q-0"]').get_text()
    assert uids(get_page(f"{page}&flag={stats.TOO_EASY}")) == ["q-0"]
    # An in-progress attempt is not counted.
    make_attempt(learner, quiz, [(easy, ["b"]), (mixed, ["b"])], submitted=False)
    assert current_stats(bank.course.id)[easy.id].attempts == MIN_ATTEMPTS


def test_aggregate_discrimination_matches_the_stats_module(db, make_user) -> None:
    bank = build_bank(6)
    learner = make_user()
    versions = [bank.questions[u].current for u in ("q-0", "q-2", "q-4")]
    pattern = [(1, 1, 0), (1, 0, 0), (0, 1, 1), (1, 1, 1), (0, 0, 0)] * 4
    for row in pattern:
        make_attempt(
            learner,
            bank.quizzes[0],
            [(v, ["a" if r else "b"]) for v, r in zip(versions, row, strict=True)],
        )
    got = current_stats(bank.course.id)
    totals = [float(sum(row)) for row in pattern]
    for j, version in enumerate(versions):
        scores = [float(row[j]) for row in pattern]
        expected = stats.discrimination_point_biserial(scores, totals)
        assert got[version.id].discrimination == pytest.approx(expected)
        assert got[version.id].facility == pytest.approx(stats.facility(scores))
        assert got[version.id].flags == stats.flags(stats.facility(scores), expected)


def test_pagination_keeps_filters(db, staff, get_page) -> None:
    build_bank(120)
    soup = get_page("instructor.questions", course="bank-course", module="alpha")
    assert len(uids(soup)) == 50
    assert "60 questions" in soup.select_one("#bank-count").get_text()
    link = soup.select_one('.pagination a[href*="page=2"]')["href"]
    assert "module=alpha" in link
    second = get_page(link)
    assert len(uids(second)) == 10
    assert set(uids(second)).isdisjoint(uids(soup))


def test_query_count_does_not_grow_with_questions(
    db,
    staff,
    client,
    make_user,
    count_queries,
) -> None:
    bank = build_bank(10)
    learner = make_user()
    make_attempt(learner, bank.quizzes[0], [(bank.questions["q-0"].current, ["a"])])

    def measure() -> int:
        with count_queries() as counter:
            response = client.get(url("instructor.questions", course="bank-course"))
        assert response.status_code == 200
        return counter.count

    small = measure()
    for i in range(10, 60):
        add_question(bank.course, bank.modules[i % 2], f"q-{i}")
    db.session.commit()
    assert measure() == small
