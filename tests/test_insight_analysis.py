"""Item analysis and mastery pages against a small dataset worked out by hand.

The dataset: a one-module course whose final exam is four fixed questions in a fixed order
(no shuffling), taken by five learners through the real quiz services (start, then submit).
Item scores, one row per attempt, in attempt order (q1..q4, T = total marks):

         q1 q2 q3 q4   T   attempt score = T/4
    L1    1  1  1  0   3   0.75
    L2    1  0  1  1   3   0.75
    L3    1  0  0  1   2   0.50
    L4    1  0  0  0   1   0.25
    L5    1  0  0  0   1   0.25
"""

from __future__ import annotations

import re

import pytest

from course import clock
from course.instructor.insight import services as insight_services
from course.learning.services import complete_module, enroll, record_view
from course.models import (
    Course,
    Module,
    Question,
    QuestionVersion,
    Quiz,
    QuizKind,
    Role,
)
from course.quiz.services import start_attempt
from course.quiz.submit import finalize_attempt

OBJECTIVES = ["Identifies indications for ketamine", "Identifies contraindications"]
QUESTIONS = {  # uid: (qtype, option keys with the key first, objective, tags)
    "q1": ("truefalse", ["true", "false"], 1, ["indication"]),
    "q2": ("single", ["a", "b", "c", "d"], 1, ["contraindication"]),
    "q3": ("single", ["a", "b", "c"], 2, ["indication", "caution"]),
    "q4": ("single", ["a", "b", "c"], 2, ["contraindication"]),
}
# Each learner's chosen option per question (q1..q4), giving the matrix above.
CHOICES = [
    ["true", "a", "a", "c"],  # L1
    ["true", "b", "a", "a"],  # L2
    ["true", "b", "b", "a"],  # L3
    ["true", "c", "b", "b"],  # L4
    ["true", "b", "c", "b"],  # L5
]
ALL_RIGHT = ["true", "a", "a", "a"]


def settings() -> dict[str, object]:
    """Final-exam settings: the four questions, fixed, in order, unlimited attempts."""
    return {
        "title": "Final exam",
        "question_count": 4,
        "pass_score": 0.5,
        "max_attempts": None,
        "cooldown_minutes": 0,
        "time_limit_minutes": None,
        "shuffle_questions": False,
        "shuffle_options": False,
        "partial_credit": False,
        "review_policy": "after_submit",
        "late_policy": "grade_at_deadline",
        "draw": [],
        "fixed": list(QUESTIONS),
    }


def add_version(db, question: Question, number: int, stem: str) -> QuestionVersion:
    """Add version `number` of a question and make it the current one."""
    qtype, keys, objective, tags = QUESTIONS[question.uid]
    version = QuestionVersion(
        question=question,
        number=number,
        qtype=qtype,
        stem=stem,
        options=[
            {"key": k, "text": f"{question.uid} option {k} <b>", "correct": i == 0}
            for i, k in enumerate(keys)
        ],
        objective=objective,
        tags=tags,
        content_hash=f"{question.uid}-{number}",
    )
    question.latest_number = number
    db.session.add(version)
    db.session.commit()
    return version


@pytest.fixture
def exam(db) -> Quiz:
    """The small course and its four-question final exam."""
    course = Course(slug="mini", title="Mini course", settings={"sequential": True})
    module = Module(course=course, slug="m1", title="Module one", position=1)
    module.objectives = list(OBJECTIVES)
    db.session.add_all([course, module])
    for uid in QUESTIONS:
        question = Question(course=course, module=module, uid=uid)
        db.session.add(question)
        add_version(db, question, 1, f"Stem of {uid}")
    quiz = Quiz(course=course, slug="final", title="Final exam", kind=QuizKind.FINAL)
    quiz.settings = settings()
    db.session.add(quiz)
    db.session.commit()
    return quiz


def take(db, user_id: int, quiz: Quiz, picks: list[str]) -> None:
    """Enrol, complete the module, then start and submit one final attempt."""
    enroll(user_id, quiz.course)
    record_view(user_id, quiz.course.modules[0])
    complete_module(user_id, quiz.course.modules[0].id)
    attempt = start_attempt(user_id, quiz, clock.now())
    finalize_attempt(attempt, {i: [k] for i, k in enumerate(picks, start=1)}, clock.now())
    db.session.commit()


def learners(make_user, count: int) -> list:
    return [make_user(full_name=f"Learner {i}") for i in range(1, count + 1)]


def figure(section, name: str) -> str:
    """The full-precision value behind a figure on the page ('' when not defined)."""
    return section.find(attrs={"data-stat": name})["data-value"]


def sections(soup) -> dict:
    return {s["data-version"]: s for s in soup.select("section.item-version")}


def test_item_analysis_figures_match_the_hand_worked_values(
    db, exam, make_user, staff, get_page, monkeypatch
) -> None:
    monkeypatch.setattr(insight_services, "MIN_ATTEMPTS", 5)
    for user, picks in zip(learners(make_user, 5), CHOICES, strict=True):
        take(db, user.id, exam, picks)
    straggler = make_user()  # an open attempt is not analysed
    enroll(straggler.id, exam.course)
    record_view(straggler.id, exam.course.modules[0])
    complete_module(straggler.id, exam.course.modules[0].id)
    start_attempt(straggler.id, exam, clock.now())
    db.session.commit()

    soup = get_page("instructor.item_analysis", quiz_id=exam.id)
    assert soup.select_one("[data-testid=attempt-count]").get_text() == "5"
    assert soup.select_one("[data-testid=min-attempts]").get_text() == "5"
    rows = sections(soup)
    assert list(rows) == ["q1 v1", "q2 v1", "q3 v1", "q4 v1"]
    # Facility = mean item score: q1 5/5, q2 1/5, q3 2/5, q4 2/5.
    assert [figure(rows[k], "facility") for k in rows] == [
        "1.000000",
        "0.200000",
        "0.400000",
        "0.400000",
    ]
    # Corrected point-biserial: Pearson r of the item with the rest score R = T - item.
    # q1: the item never varies -> undefined ("—").
    # q2: x=[1,0,0,0,0], R=[2,3,2,1,1], means .2 and 1.8; Sxy=.2, Sxx=.8, Syy=2.8
    #     r = .2 / sqrt(.8 * 2.8) = .2 / 1.496663 = 0.133631
    # q3: x=[1,1,0,0,0], R=[2,2,2,1,1], means .4 and 1.6; Sxy=.8, Sxx=1.2, Syy=1.2
    #     r = .8 / 1.2 = 0.666667
    # q4: x=[0,1,1,0,0], R=[3,2,1,1,1], means .4 and 1.6; Sxy=-.2, Sxx=1.2, Syy=3.2
    #     r = -.2 / sqrt(3.84) = -.2 / 1.959592 = -0.102062
    assert [figure(rows[k], "discrimination") for k in rows] == [
        "",
        "0.133631",
        "0.666667",
        "-0.102062",
    ]
    assert rows["q1 v1"].find(attrs={"data-stat": "discrimination"}).get_text() == "—"
    assert rows["q3 v1"].find(attrs={"data-stat": "discrimination"}).get_text() == "0.667"
    # Upper vs lower 27%: group = min(ceil(5 * .27), 5 // 2) = 2. Ranked by T (ties keep
    # attempt order): L1, L2, L3, L4, L5 -> upper {L1, L2}, lower {L4, L5}.
    # q1: 1 - 1 = 0; q2: .5 - 0 = .5; q3: 1 - 0 = 1; q4: (0+1)/2 - 0 = .5
    assert [figure(rows[k], "upper_lower") for k in rows] == [
        "0.000000",
        "0.500000",
        "1.000000",
        "0.500000",
    ]
    # Flags: q1 facility 1.0 > .95; q2 facility .2 < .3 and r .13 < .2; q4 r -.10 < .2.
    flags = {k: [f.get_text() for f in s.select(".item-flag")] for k, s in rows.items()}
    assert flags == {
        "q1 v1": ["too easy"],
        "q2 v1": ["too hard", "low discrimination"],
        "q3 v1": [],
        "q4 v1": ["low discrimination"],
    }
    # Distractors for q2: choices a, b, b, c, b -> a 1 (20%), b 3 (60%), c 1, d 0.
    table = rows["q2 v1"].select("table.distractors tbody tr")
    seen = [[cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])][:4] for tr in table]
    assert seen == [
        ["q2 option a <b>", "Yes", "1", "20.0%"],
        ["q2 option b <b>", "No", "3", "60.0%"],
        ["q2 option c <b>", "No", "1", "20.0%"],
        ["q2 option d <b>", "No", "0", "0.0%"],
    ]
    assert "chosen more than the key" in table[1].get_text()
    assert "never chosen" in table[3].get_text()
    # KR-20: p = [1, .2, .4, .4], sum pq = 0 + .16 + .24 + .24 = .64; totals [3,3,2,1,1],
    # mean 2, population variance (1+1+0+1+1)/5 = .8 -> 4/3 * (1 - .64/.8) = 0.266667
    kr20 = soup.select_one("#kr20 [data-stat=kr20]")
    assert kr20["data-value"] == "0.266667"
    assert kr20.get_text() == "0.267"


def test_small_samples_are_shown_with_a_caution(db, exam, make_user, staff, get_page) -> None:
    for user, picks in zip(learners(make_user, 5), CHOICES, strict=True):
        take(db, user.id, exam, picks)
    soup = get_page("instructor.item_analysis", quiz_id=exam.id)
    assert insight_services.MIN_ATTEMPTS == 20
    assert soup.select_one("[data-testid=min-attempts]").get_text() == "20"
    assert not soup.select(".not-enough")
    rows = sections(soup)
    assert [figure(rows[k], "facility") for k in rows][:2] == ["1.000000", "0.200000"]
    for section in rows.values():
        caution = section.select_one(".small-sample").get_text(" ", strip=True)
        assert caution == "Based on 5 responses: treat with caution."
    kr20 = soup.select_one("#kr20").get_text(" ", strip=True)
    assert "0.267" in kr20
    assert "Based on 5 responses: treat with caution." in kr20


def test_versions_are_separate_rows(db, exam, make_user, staff, get_page, monkeypatch) -> None:
    monkeypatch.setattr(insight_services, "MIN_ATTEMPTS", 3)
    people = learners(make_user, 5)
    for user, picks in zip(people[:3], CHOICES[:3], strict=True):
        take(db, user.id, exam, picks)
    q4 = db.session.query(Question).filter_by(uid="q4").one()
    add_version(db, q4, 2, "Stem of q4, reworded")
    for user, picks in zip(people[3:], [ALL_RIGHT, ALL_RIGHT], strict=True):
        take(db, user.id, exam, picks)
    rows = sections(get_page("instructor.item_analysis", quiz_id=exam.id))
    assert list(rows) == ["q1 v1", "q2 v1", "q3 v1", "q4 v1", "q4 v2"]
    # q4 v1 was answered by L1-L3 only: scores 0, 1, 1 -> facility 2/3.
    assert rows["q4 v1"].find(attrs={"data-stat": "attempts"}).get_text() == "3"
    assert figure(rows["q4 v1"], "facility") == "0.666667"
    assert "reworded" in rows["q4 v2"].get_text()
    assert "Based on 2 responses: treat with caution." in rows["q4 v2"].get_text(" ", strip=True)
    assert rows["q4 v1"].select_one(".small-sample") is None  # 3 responses, threshold 3
    # q1 v1 was in every attempt.
    assert rows["q1 v1"].find(attrs={"data-stat": "attempts"}).get_text() == "5"


def test_item_analysis_of_unknown_quiz_is_404(staff, get_page) -> None:
    get_page("instructor.item_analysis", quiz_id=999, expected=404)


def test_mastery_by_objective_and_tag(db, exam, make_user, staff, get_page) -> None:
    people = learners(make_user, 5)
    for user, picks in zip(people, CHOICES, strict=True):
        take(db, user.id, exam, picks)
    take(db, people[3].id, exam, ALL_RIGHT)  # L4 tries again and gets everything right
    teacher = make_user(role=Role.INSTRUCTOR)  # staff attempts are left out of mastery
    take(db, teacher.id, exam, ["false", "b", "b", "b"])

    soup = get_page("instructor.mastery", slug="mini")

    def table(table_id: str) -> dict[str, tuple[str, str, str]]:
        out = {}
        for tr in soup.select(f"#{table_id} tbody tr"):
            label = tr.find("th").get_text(strip=True)
            values = [tr.find(attrs={"data-stat": s}) for s in ("mastery", "learners", "responses")]
            out[label] = (values[0]["data-value"], values[1].get_text(), values[2].get_text())
        return out

    # Objective 1 = q1 + q2. Per learner, share fully correct:
    # L1 2/2, L2 1/2, L3 1/2, L4 (1+0 then 1+1) 3/4, L5 1/2 -> mean 3.25/5 = .65
    # (pooled it would be 8/12 = .667: each learner counts once). Responses 5*2 + 2 = 12.
    # Objective 2 = q3 + q4: L1 1/2, L2 2/2, L3 1/2, L4 (0+0 then 1+1) 2/4, L5 0/2 -> 2.5/5 = .5
    assert table("objectives") == {
        OBJECTIVES[0]: ("0.650000", "5", "12"),
        OBJECTIVES[1]: ("0.500000", "5", "12"),
    }
    # indication = q1 + q3: L1 1, L2 1, L3 1/2, L4 3/4, L5 1/2 -> 3.75/5 = .75
    # contraindication = q2 + q4: L1 1/2, L2 1/2, L3 1/2, L4 2/4, L5 0 -> 2/5 = .4
    # caution = q3: L1 1, L2 1, L3 0, L4 1/2, L5 0 -> 2.5/5 = .5, responses 5 + 1 = 6
    assert table("tags") == {
        "caution": ("0.500000", "5", "6"),
        "contraindication": ("0.400000", "5", "12"),
        "indication": ("0.750000", "5", "12"),
    }
    assert "65.0%" in soup.select_one("#objectives").get_text()
    assert re.search(r"Module one", soup.select_one("#objectives").get_text())


def test_mastery_of_unknown_course_is_404(staff, get_page) -> None:
    get_page("instructor.mastery", slug="nope", expected=404)


def test_analysis_and_mastery_queries_do_not_grow_with_attempts(
    db, exam, make_user, staff, client, count_queries
) -> None:
    people = learners(make_user, 8)

    def queries(address: str) -> int:
        with count_queries() as counter:
            assert client.get(address).status_code == 200
        return counter.count

    urls = (f"/instructor/quizzes/{exam.id}/analysis", "/instructor/courses/mini/mastery")
    for user, picks in zip(people[:2], CHOICES, strict=False):
        take(db, user.id, exam, picks)
    few = [queries(address) for address in urls]
    for user in people[2:]:
        take(db, user.id, exam, ALL_RIGHT)
    many = [queries(address) for address in urls]
    # analysis: user, quiz, the one attempt-items query, the quiz's course (breadcrumb);
    # mastery: user, course, counts, version metadata, modules
    assert few == many == [4, 5]
