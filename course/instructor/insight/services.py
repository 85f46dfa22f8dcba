"""Insight for staff: item analysis, mastery per objective, and the cohort report.

Plain functions over explicit arguments (never `request`); all statistics come from
course.instructor.stats. Every loader runs a fixed number of queries, whatever the number of
learners or attempts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select

from course.extensions import db
from course.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Course,
    Module,
    Question,
    QuestionVersion,
    Quiz,
    QuizKind,
    Role,
    User,
)
from course.psychometrics import (
    ItemResponse,
    ItemSpec,
    ItemStats,
    item_report,
    kr20,
)

# Figures resting on fewer responses than this are shown with a small-sample caution (they are
# never withheld: with 5-of-10 draws, 28 attempts give each item only about 14 responses).
MIN_ATTEMPTS = 20
# An item counts as answered "fully correctly" when it earned its whole mark.
FULL_MARK = 1 - 1e-9


def small_sample_caution(n: int) -> str | None:
    """The worded caution for a figure based on fewer than MIN_ATTEMPTS responses, else None."""
    if n >= MIN_ATTEMPTS:
        return None
    return f"Based on {n} response{'s' if n != 1 else ''}: treat with caution."


@dataclass(frozen=True)
class VersionReport:
    """Item statistics for one question version, with its options' texts by key."""

    version: QuestionVersion
    uid: str
    stats: ItemStats

    @property
    def texts(self) -> dict[str, str]:
        """Option key -> option text, for the distractor table."""
        return {o["key"]: str(o.get("text", "")) for o in self.version.options}

    @property
    def label(self) -> str:
        """Question id and version number, e.g. 'anx-01 v2'."""
        return f"{self.uid} v{self.version.number}"

    @property
    def caution(self) -> str | None:
        """The small-sample caution for this version's figures, if it needs one."""
        return small_sample_caution(self.stats.attempts)


@dataclass(frozen=True)
class ItemAnalysis:
    """Item analysis of one quiz: a report per question version, plus KR-20 for the final."""

    quiz: Quiz
    attempts: int
    min_attempts: int
    versions: list[VersionReport]
    kr20: float | None
    kr20_attempts: int

    @property
    def is_final(self) -> bool:
        """KR-20 is reported for the final exam only."""
        return self.quiz.kind == QuizKind.FINAL

    @property
    def kr20_caution(self) -> str | None:
        """The small-sample caution for KR-20, if it needs one."""
        return small_sample_caution(self.kr20_attempts)


def _items_stmt(quiz_id: int) -> Select:
    """One query: every item of the quiz's submitted attempts, with its version and question id."""
    return (
        select(
            AttemptItem.attempt_id,
            AttemptItem.response,
            AttemptItem.score,
            Attempt.score,
            QuestionVersion,
            Question.uid,
        )
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Attempt.quiz_id == quiz_id, Attempt.status == AttemptStatus.SUBMITTED)
        .order_by(Attempt.id, AttemptItem.position)
    )


def _reliability(
    scored: dict[int, list[tuple[str, float]]], minimum: int
) -> tuple[float | None, int]:
    """KR-20 over attempts whose items are all 0/1, each attempt's items ordered by question id.

    When every attempt holds the same questions, the columns are those questions. With random
    draws the columns are slots filled with randomly parallel items, as Moodle treats random
    slots. Attempts of an unusual length (settings changed mid-course) are left out.
    """
    rows = [[s for _, s in sorted(items)] for items in scored.values()]
    rows = [row for row in rows if all(s in (0, 1) for s in row)]
    if not rows:
        return None, 0
    usual = Counter(len(row) for row in rows).most_common(1)[0][0]
    rows = [row for row in rows if len(row) == usual]
    if len(rows) < max(1, minimum):
        return None, len(rows)
    return kr20(rows), len(rows)


def item_analysis(quiz: Quiz) -> ItemAnalysis:
    """Compute facility, discrimination and distractors per question version (one query).

    Each submitted attempt is one respondent. Its total, for discrimination, is the attempt's
    score in marks (score x number of items), on the same scale as the 0-1 item scores, so the
    corrected point-biserial subtracts exactly the item's own mark.
    """
    minimum = MIN_ATTEMPTS
    versions: dict[int, QuestionVersion] = {}
    uids: dict[int, str] = {}
    keys: dict[int, set[str]] = {}
    responses: list[ItemResponse] = []
    scores: dict[int, float] = {}
    scored: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for attempt_id, response, score, attempt_score, version, uid in db.session.execute(
        _items_stmt(quiz.id)
    ):
        if version.id not in versions:
            versions[version.id], uids[version.id] = version, uid
            keys[version.id] = {o["key"] for o in version.options}
        choices = tuple(k for k in (response or []) if k in keys[version.id])
        responses.append(ItemResponse(attempt_id, version.id, score or 0.0, choices))
        scores[attempt_id] = attempt_score or 0.0
        scored[attempt_id].append((uid, score or 0.0))
    totals: dict[Hashable, float] = {a: s * len(scored[a]) for a, s in scores.items()}
    order = sorted(versions, key=lambda vid: (uids[vid], versions[vid].number))
    specs = [
        ItemSpec(
            vid,
            tuple(o["key"] for o in versions[vid].options),
            tuple(sorted(versions[vid].correct_keys)),
        )
        for vid in order
    ]
    report = item_report(responses, specs, totals=totals, min_attempts=1)
    reports = [VersionReport(versions[s.item_id], uids[s.item_id], s) for s in report.items]
    reliability, kr_rows = (None, 0)
    if quiz.kind == QuizKind.FINAL:
        reliability, kr_rows = _reliability(scored, 2)
    return ItemAnalysis(quiz, len(scores), minimum, reports, reliability, kr_rows)


@dataclass(frozen=True)
class MasteryRow:
    """Mean per-learner share of fully correct answers for one objective or tag."""

    label: str
    module: Module | None
    mastery: float | None
    learners: int
    responses: int

    @property
    def caution(self) -> str | None:
        """The small-sample caution, when there are responses but fewer than MIN_ATTEMPTS."""
        return small_sample_caution(self.responses) if self.responses else None


Tally = dict[int, list[int]]  # learner id -> [fully correct, answered]


def _row(label: str, module: Module | None, tally: Tally) -> MasteryRow:
    """Average each learner's own share, so prolific learners do not outweigh the rest."""
    shares = [right / answered for right, answered in tally.values() if answered]
    mastery = sum(shares) / len(shares) if shares else None
    answered = sum(n for _, n in tally.values())
    return MasteryRow(label, module, mastery, len(shares), answered)


def _tallies(course: Course) -> tuple[dict[tuple[int, int], Tally], dict[str, Tally]]:
    """Two queries: learners' right/answered counts per version, and the versions' metadata."""
    right = func.sum(case((AttemptItem.score >= FULL_MARK, 1), else_=0))
    counts = db.session.execute(
        select(Attempt.user_id, AttemptItem.question_version_id, right, func.count())
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(User, User.id == Attempt.user_id)
        .where(
            Quiz.course_id == course.id,
            Attempt.status == AttemptStatus.SUBMITTED,
            User.role == Role.LEARNER,
        )
        .group_by(Attempt.user_id, AttemptItem.question_version_id)
    ).all()
    meta = {
        vid: (module_id, objective, tags or [])
        for vid, module_id, objective, tags in db.session.execute(
            select(
                QuestionVersion.id,
                Question.module_id,
                QuestionVersion.objective,
                QuestionVersion.tags,
            )
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(Question.course_id == course.id)
        )
    }
    objectives: dict[tuple[int, int], Tally] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    tags: dict[str, Tally] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for user_id, vid, good, answered in counts:
        module_id, objective, version_tags = meta[vid]
        targets: Iterable[Tally] = [tags[str(t)] for t in version_tags]
        if module_id is not None and objective is not None:
            targets = [*targets, objectives[(module_id, objective)]]
        for tally in targets:
            tally[user_id][0] += int(good or 0)
            tally[user_id][1] += int(answered)
    return objectives, tags


def mastery(course: Course) -> tuple[list[MasteryRow], list[MasteryRow]]:
    """Mastery per module objective (module.objectives, 1-based) and per tag, learners only.

    Three queries: the counts, the versions' metadata and the course's modules.
    """
    objectives, tags = _tallies(course)
    rows = [
        _row(text, module, objectives.pop((module.id, number), {}))
        for module in course.modules
        for number, text in enumerate(module.objectives, start=1)
    ]
    by_id = {m.id: m for m in course.modules}
    for (module_id, number), tally in sorted(objectives.items()):
        rows.append(_row(f"Objective {number} (no longer listed)", by_id.get(module_id), tally))
    return rows, [_row(tag, None, tags[tag]) for tag in sorted(tags)]
