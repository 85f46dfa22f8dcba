"""Cohort report: filters, pagination, bad input, CSV export, SVG charts and query budget."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from course.auth.passwords import hash_password
from course.instructor.insight import cohort as insight_services
from course.instructor.insight.views import csv_safe
from course.models import (
    Attempt,
    AttemptStatus,
    Course,
    Enrollment,
    Module,
    ModuleProgress,
    PublishStatus,
    Quiz,
    QuizKind,
    Role,
    User,
)
from tests.conftest import url

SVG = "{http://www.w3.org/2000/svg}"
QUIZ = {"title": "Quiz", "question_count": 5, "pass_score": 0.8}


def day(text: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(text).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def course(db) -> Course:
    """Two published modules with quizzes, a draft module, and a final exam."""
    course = Course(slug="mini", title="Mini course")
    modules = [
        Module(course=course, slug="m1", title="Delivery", position=1),
        Module(course=course, slug="m2", title="Depression", position=2),
        Module(course=course, slug="m3", title="Draft", position=3, status=PublishStatus.DRAFT),
    ]
    db.session.add_all([course, *modules])
    for m in modules[:2]:
        db.session.add(Quiz(course=course, module=m, slug=m.slug, title=m.title, kind="module"))
    db.session.add(Quiz(course=course, slug="final", title="Final", kind=QuizKind.FINAL))
    db.session.add(Course(slug="other", title="Other course"))
    db.session.commit()
    for quiz in db.session.scalars(select(Quiz)):
        quiz.settings = dict(QUIZ)
    db.session.commit()
    return course


class Seeder:
    """Bulk inserts: users, enrolments, progress and submitted attempts."""

    def __init__(self, db, course: Course) -> None:
        self.db = db
        self.course = course
        self.hash = hash_password("a long enough passphrase")
        self.modules = [m for m in course.modules if m.status == PublishStatus.PUBLISHED]
        quizzes = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)).all()
        self.quiz = {q.module_id: q.id for q in quizzes if q.module_id}
        self.final = next(q.id for q in quizzes if q.kind == QuizKind.FINAL)
        self.attempts = 0

    def learner(self, name: str, email: str, profession: str, enrolled: datetime, **plan) -> int:
        """One learner: plan has done/opened module positions, scores {position|'final': [..]}."""
        self.db.session.execute(
            insert(User),
            [
                {
                    "email": email,
                    "full_name": name,
                    "password_hash": self.hash,
                    "profession": profession,
                    "role": plan.get("role", Role.LEARNER),
                }
            ],
        )
        uid = self.db.session.scalar(select(User.id).where(User.email == email))
        rows = [
            {
                "user_id": uid,
                "course_id": self.course.id,
                "enrolled_at": enrolled,
                "completed_at": plan.get("completed"),
            }
        ]
        self.db.session.execute(insert(Enrollment), rows)
        self.progress([uid], plan.get("opened", ()), plan.get("done", ()))
        for key, scores in plan.get("scores", {}).items():
            quiz_id = self.final if key == "final" else self.quiz[self.modules[key - 1].id]
            self.submitted([(uid, quiz_id, s) for s in scores])
        self.db.session.commit()
        return uid

    def progress(self, uids: list[int], opened, done) -> None:
        rows = [
            {
                "user_id": uid,
                "module_id": self.modules[p - 1].id,
                "completed_at": day("2026-03-01") if p in done else None,
            }
            for uid in uids
            for p in sorted(set(opened) | set(done))
        ]
        if rows:
            self.db.session.execute(insert(ModuleProgress), rows)

    def submitted(self, triples: list[tuple[int, int, float]]) -> None:
        rows = []
        for number, (uid, quiz_id, score) in enumerate(triples, start=1):
            rows.append(
                {
                    "quiz_id": quiz_id,
                    "user_id": uid,
                    "number": number,
                    "seed": 1,
                    "status": AttemptStatus.SUBMITTED,
                    "score": score,
                    "passed": score >= 0.8,
                    "submitted_at": day("2026-03-02"),
                }
            )
        self.db.session.execute(insert(Attempt), rows)

    def many(self, count: int, start: int = 0, profession: str = "RN") -> None:
        """Add `count` learners in bulk: all passed module 1, every other one the final."""
        users = [
            {
                "email": f"bulk{i:05d}@example.org",
                "full_name": f"Bulk Learner {i:05d}",
                "password_hash": self.hash,
                "profession": profession,
                "role": Role.LEARNER,
            }
            for i in range(start, start + count)
        ]
        self.db.session.execute(insert(User), users)
        uids = self.db.session.scalars(
            select(User.id).where(User.email.like("bulk%")).order_by(User.id)
        ).all()[start:]
        self.db.session.execute(
            insert(Enrollment),
            [
                {"user_id": u, "course_id": self.course.id, "enrolled_at": day("2026-01-02")}
                for u in uids
            ],
        )
        self.progress(uids, (1,), (1,))
        attempts = [(u, self.quiz[self.modules[0].id], 0.8) for u in uids]
        attempts += [(u, self.final, 0.9) for u in uids[::2]]
        self.db.session.execute(
            insert(Attempt),
            [
                {
                    "quiz_id": q,
                    "user_id": u,
                    "number": 1,
                    "seed": 1,
                    "score": s,
                    "passed": True,
                    "status": AttemptStatus.SUBMITTED,
                }
                for u, q, s in attempts
            ],
        )
        self.db.session.commit()


@pytest.fixture
def seeder(db, course) -> Seeder:
    return Seeder(db, course)


@pytest.fixture
def people(seeder: Seeder) -> Seeder:
    """Four learners in known states, plus staff and another course's learner (never shown)."""
    seeder.learner(
        "Ann Able",
        "ann@example.org",
        "MD",
        day("2026-01-10"),
        done=(1, 2),
        scores={1: [0.4, 0.8], 2: [1.0], "final": [0.9]},
        completed=day("2026-02-01"),
    )
    seeder.learner(
        "Bob Baker", "bob@example.org", "RN", day("2026-01-20"), opened=(1,), scores={1: [0.2]}
    )
    seeder.learner("=SUM(A1:A2)", "+cy@example.org", "NP", day("2026-02-05"))
    seeder.learner(
        "Dee Diaz",
        "dee@example.org",
        "MD",
        day("2026-02-15"),
        done=(1, 2),
        scores={1: [0.8], 2: [0.8], "final": [0.6, 0.7]},
    )
    seeder.learner(
        "Ida Instructor", "ida@example.org", "MD", day("2026-01-01"), role=Role.INSTRUCTOR
    )
    return seeder


def names(soup) -> list[str]:
    return [th.contents[0].strip() for th in soup.select("#cohort-table tbody th")]


def test_table_shows_statuses_best_scores_and_completion(people, staff, get_page) -> None:
    soup = get_page("instructor.cohort", course="mini")
    assert names(soup) == ["=SUM(A1:A2)", "Ann Able", "Bob Baker", "Dee Diaz"]
    headers = [th.get_text(strip=True) for th in soup.select("#cohort-table thead th")]
    assert headers == ["Learner", "Profession", "Enrolled", "M1", "M2", "Final best", "Completed"]
    ann = soup.select("#cohort-table tbody tr")[1]
    cells = [td.get_text(" ", strip=True) for td in ann.find_all("td")]
    assert cells == ["MD", "2026-01-10", "complete 80%", "complete 100%", "90%", "2026-02-01"]
    bob = [td.get_text(" ", strip=True) for td in soup.select("#cohort-table tbody tr")[2]("td")]
    assert bob == ["RN", "2026-01-20", "in progress 20%", "not started", "–", ""]
    assert soup.select_one("#match-count").get_text(" ", strip=True) == "4 learners match."


def test_default_course_is_the_first_by_title(people, staff, get_page) -> None:
    soup = get_page("instructor.cohort")
    assert soup.find("h1").get_text() == "Cohort report: Mini course"
    assert len(names(soup)) == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("profession=MD", ["Ann Able", "Dee Diaz"]),
        ("state=complete", ["Ann Able"]),
        ("state=in_progress", ["Bob Baker", "Dee Diaz"]),
        ("state=not_started", ["=SUM(A1:A2)"]),
        ("enrolled_from=2026-01-15&enrolled_to=2026-02-05", ["=SUM(A1:A2)", "Bob Baker"]),
        ("enrolled_from=2026-02-06", ["Dee Diaz"]),
        ("enrolled_to=2026-01-10", ["Ann Able"]),
        ("q=BAK", ["Bob Baker"]),
        ("q=cy%40example", ["=SUM(A1:A2)"]),
        ("q=%25", []),
        ("q=_", []),
        ("profession=MD&state=in_progress", ["Dee Diaz"]),
    ],
)
def test_each_filter(people, staff, get_page, query: str, expected: list[str]) -> None:
    soup = get_page(f"/instructor/cohort?course=mini&{query}")
    assert names(soup) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("enrolled_from=2026-13-01", "Enrolled from: Enter the date as YYYY-MM-DD"),
        ("enrolled_to=yesterday", "Enrolled to: Enter the date as YYYY-MM-DD"),
        ("enrolled_to=9999-12-31", "Enrolled to: Enter a year between 1900 and 2100."),
        ("enrolled_from=2026-02-01&enrolled_to=2026-01-01", "must be on or after"),
        ("page=abc", "Page: Not a valid integer value."),
        ("page=0", "Page: Number must be at least 1."),
        ("profession=Wizard", "Profession: Not a valid choice."),
        ("state=finished", "Completion: Not a valid choice."),
        ("course=nope", "Course: Not a valid choice."),
        ("q=" + "x" * 201, "Name or email contains: Field cannot be longer than 200"),
    ],
)
def test_bad_filters_get_a_clear_message(people, staff, client, get_page, query, message) -> None:
    query = query if query.startswith("course=") else f"course=mini&{query}"
    soup = get_page(f"/instructor/cohort?{query}", expected=400)
    assert message in soup.select_one("#filter-errors").get_text(" ", strip=True)
    assert not soup.select("#cohort-table")
    response = client.get(f"/instructor/cohort.csv?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#34;", '"')


def test_pagination_keeps_filters(seeder, staff, get_page) -> None:
    seeder.many(120)
    seeder.many(3, start=120, profession="MD")
    base = url("instructor.cohort", course="mini", profession="RN", q="bulk")
    first = get_page(base)
    assert len(names(first)) == 50
    assert names(first)[0] == "Bulk Learner 00000"
    assert first.select_one("#cohort-table caption").get_text() == "Learners 1–50 of 120, by name"
    links = {a.get_text(): a["href"] for a in first.select(".pagination a")}
    assert set(links) == {"2", "3", "Next"}
    for href in links.values():
        assert {"profession=RN", "q=bulk", "course=mini"} <= set(href.split("?")[1].split("&"))
    third = get_page(links["3"])
    assert names(third) == [f"Bulk Learner {i:05d}" for i in range(100, 120)]
    beyond = get_page(base + "&page=99")  # past the end: the last page
    assert names(beyond) == names(third)


def test_csv_export_content_and_formula_escaping(people, staff, client) -> None:
    response = client.get(url("instructor.cohort_csv", course="mini"))
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert 'filename="cohort-mini.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "Name", "Email", "Profession", "Enrolled",
        "Module 1 status", "Module 1 best %", "Module 2 status", "Module 2 best %",
        "Final best %", "Course completed",
    ]  # fmt: skip
    assert rows[1] == [
        "'=SUM(A1:A2)", "'+cy@example.org", "NP", "2026-02-05",
        "not started", "", "not started", "", "", "",
    ]  # fmt: skip
    assert rows[2] == [
        "Ann Able", "ann@example.org", "MD", "2026-01-10",
        "complete", "80", "complete", "100", "90", "2026-02-01",
    ]  # fmt: skip
    assert [r[0] for r in rows[3:]] == ["Bob Baker", "Dee Diaz"]
    filtered = client.get(
        url("instructor.cohort_csv", course="mini", state="in_progress", profession="MD")
    )
    assert [r[0] for r in csv.reader(io.StringIO(filtered.get_data(as_text=True)))] == [
        "Name",
        "Dee Diaz",
    ]


def test_csv_cells_cannot_start_a_formula() -> None:
    assert [csv_safe(v) for v in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "plain", 80, None)] == [
        "'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "plain", "80", "",
    ]  # fmt: skip


def test_csv_is_streamed_in_batches(seeder, staff, client, monkeypatch) -> None:
    seeder.many(5)
    monkeypatch.setattr(insight_services, "CSV_BATCH", 2)
    response = client.get(url("instructor.cohort_csv", course="mini"))
    chunks = [c.decode() for c in response.response if c]
    # the header, then one chunk per batch of two learners: 2 + 2 + 1
    assert [c.count("\n") for c in chunks] == [1, 2, 2, 1]
    response.close()


def chart(html: str, chart_id: str) -> ET.Element:
    """Parse one inline SVG chart from the page as XML (it must be well-formed)."""
    match = re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', html, re.S)
    assert match, chart_id
    return ET.fromstring(match.group(0))  # noqa: S314 - our own markup


def bar_titles(svg: ET.Element) -> list[str]:
    return [
        g.find(f"{SVG}title").text for g in svg.iter(f"{SVG}g") if g.get("class") == "chart-bar"
    ]


def test_charts_are_wellformed_svg_with_expected_bars(people, staff, client) -> None:
    html = client.get(url("instructor.cohort", course="mini")).get_data(as_text=True)
    assert "<script" not in html.split("</head>")[1]
    assert " style=" not in html
    funnel = chart(html, "funnel-chart")
    assert funnel.find(f"{SVG}title").text == "Completion funnel"
    assert bar_titles(funnel) == [
        "Enrolled: 4 learners (100% of enrolled)",
        "Module 1: Delivery: 2 learners (50% of enrolled)",
        "Module 2: Depression: 2 learners (50% of enrolled)",
        "Final exam passed: 1 learner (25% of enrolled)",
    ]
    widths = [float(r.get("width")) for r in funnel.iter(f"{SVG}rect")]
    assert widths == [320.0, 160.0, 160.0, 80.0]
    histogram = chart(html, "final-chart")
    titles = bar_titles(histogram)
    assert len(titles) == 10
    # best final scores: Ann 0.9 -> 90-100%, Dee max(0.6, 0.7) = 0.7 -> 70-80%
    assert titles[9] == "90–100%: 1 learner"
    assert titles[7] == "70–80%: 1 learner"
    assert all(t.endswith(": 0 learners") for i, t in enumerate(titles) if i not in (7, 9))
    heights = [float(r.get("height")) for r in histogram.iter(f"{SVG}rect")]
    assert heights[7] == heights[9] > 0
    assert sum(heights) == 2 * heights[9]


def measure(client, count_queries, address: str) -> tuple[int, bytes]:
    with count_queries() as counter:
        response = client.get(address)
        body = response.get_data()
    assert response.status_code == 200
    return counter.count, body


def test_query_budget_does_not_grow_with_learners(seeder, staff, client, count_queries) -> None:
    seeder.many(10)
    page = url("instructor.cohort", course="mini")
    csv_url = url("instructor.cohort_csv", course="mini")
    html_10, _ = measure(client, count_queries, page)
    csv_10, body = measure(client, count_queries, csv_url)
    assert body.count(b"\n") == 11
    seeder.many(990, start=10)
    html_1000, body_html = measure(client, count_queries, page)
    csv_1000, body = measure(client, count_queries, csv_url)
    assert body_html.count(b'<th scope="row"') == 50
    assert body.count(b"\n") == 1001
    # HTML: user, courses, modules, quizzes, count, page rows, funnel (2), histogram = 9.
    assert html_10 == html_1000 == 9
    # CSV: user, courses, modules, quizzes, then ONE streamed SELECT read in yield_per batches
    # of CSV_BATCH (500) rows: ceil(n / 500) fetches on the same cursor, not extra queries,
    # plus the export's audit entry (the chain's last hash, the INSERT): exactly 7 for any n.
    assert csv_10 == csv_1000 == 7
    total = seeder.db.session.scalar(select(func.count(Enrollment.id)))
    assert total == 1000
    assert total > insight_services.CSV_BATCH  # so the stream really spans several batches


def test_enrolled_to_is_inclusive(seeder, staff, get_page) -> None:
    seeder.learner(
        "Late Night", "late@example.org", "MD", day("2026-01-31", 23) + timedelta(minutes=59)
    )
    soup = get_page("instructor.cohort", course="mini", enrolled_to="2026-01-31")
    assert names(soup) == ["Late Night"]
    assert names(get_page("instructor.cohort", course="mini", enrolled_from="2026-02-01")) == []
