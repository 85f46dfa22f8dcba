"""Where a learner stands in a course: module states, gating, quiz results and the next step.

All figures come from four queries whatever the number of modules (see load_course_states).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import contains_eager, joinedload

from course.extensions import db
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
)


@dataclass
class QuizState:
    """A learner's results on one quiz."""

    quiz: Quiz
    attempts_used: int = 0
    best_score: float | None = None
    passed: bool = False
    open_attempt_id: int | None = None
    last_submitted_at: datetime | None = None

    @property
    def max_attempts(self) -> int | None:
        """Attempts allowed (None: unlimited)."""
        return self.quiz.rules.max_attempts

    @property
    def remaining(self) -> int | None:
        """Attempts left (None: unlimited)."""
        if self.max_attempts is None:
            return None
        return max(0, self.max_attempts - self.attempts_used)

    @property
    def pass_score(self) -> float:
        """The passing fraction, shown before the learner starts."""
        return self.quiz.rules.pass_score


@dataclass
class ModuleState:
    """One module from one learner's point of view."""

    module: Module
    progress: ModuleProgress | None
    quiz: QuizState | None
    locked: bool = False

    @property
    def complete(self) -> bool:
        """Lesson opened and (when there is a quiz) quiz passed."""
        return bool(self.progress and self.progress.completed_at)

    @property
    def status(self) -> str:
        """'complete', 'in progress' or 'not started'."""
        if self.complete:
            return "complete"
        return "in progress" if self.progress else "not started"


@dataclass
class CourseState:
    """A learner's whole position in a course."""

    course: Course
    enrollment: Enrollment | None
    modules: list[ModuleState]
    final: QuizState | None
    steps: list[tuple[str, str, dict[str, object]]] = field(default_factory=list)
    # The CE gate's rows, filled by learner.learner_states (the ORM loader leaves them unset).
    acknowledged: bool = False
    pretest_submitted: bool = False

    @property
    def completed_count(self) -> int:
        """How many modules are complete."""
        return sum(1 for m in self.modules if m.complete)

    @property
    def percent(self) -> int:
        """Percent of modules complete (the final exam counts as one more step when present)."""
        total = len(self.modules) + (1 if self.final else 0)
        done = self.completed_count + (1 if self.final and self.final.passed else 0)
        return round(100 * done / total) if total else 0

    @property
    def modules_complete(self) -> bool:
        """Every published module is complete."""
        return all(m.complete for m in self.modules)

    @property
    def final_unlocked(self) -> bool:
        """The final exam opens once every module is complete."""
        return self.modules_complete

    @property
    def course_complete(self) -> bool:
        """Every module complete and the final exam (if any) passed."""
        return self.modules_complete and (self.final is None or self.final.passed)

    @property
    def resume(self) -> Module | None:
        """The module visited most recently, to pick up where the learner left off."""
        visited = [m for m in self.modules if m.progress]
        if not visited:
            return None
        return max(visited, key=lambda m: m.progress.last_viewed_at).module

    def state_for(self, module_id: int) -> ModuleState | None:
        """Return the state of one module."""
        return next((m for m in self.modules if m.module.id == module_id), None)

    @property
    def next_step(self) -> tuple[str, str, dict[str, object]] | None:
        """(label, endpoint, values) for the single most useful next action."""
        for state in self.modules:
            if state.complete or state.locked:
                continue
            if state.progress and state.quiz and not state.quiz.passed:
                label = f"Take the quiz for module {state.module.position}: {state.module.title}"
                return label, "quiz.overview", {"quiz_id": state.quiz.quiz.id}
            verb = "Continue" if state.progress else "Start"
            label = f"{verb} module {state.module.position}: {state.module.title}"
            return (
                label,
                "learning.module",
                {"course_slug": self.course.slug, "module_slug": state.module.slug},
            )
        if self.final and not self.final.passed:
            return "Take the final exam", "quiz.overview", {"quiz_id": self.final.quiz.id}
        return None


def _quiz_rows(user_id: int, course_ids: list[int]) -> dict[int, QuizState]:
    """One query: every quiz of these courses with this learner's attempt aggregates."""
    submitted = Attempt.status == AttemptStatus.SUBMITTED
    stmt = (
        select(
            Quiz,
            func.count(case((submitted, Attempt.id))),
            func.max(case((submitted, Attempt.score))),
            func.max(case((and_(submitted, Attempt.passed), 1), else_=0)),
            func.max(case((Attempt.status == AttemptStatus.IN_PROGRESS, Attempt.id))),
            func.max(Attempt.submitted_at),
        )
        .outerjoin(Attempt, and_(Attempt.quiz_id == Quiz.id, Attempt.user_id == user_id))
        .where(Quiz.course_id.in_(course_ids))
        .group_by(Quiz.id)
    )
    states = {}
    for quiz, used, best, passed, open_id, last in db.session.execute(stmt):
        states[quiz.id] = QuizState(quiz, used, best, bool(passed), open_id, last)
    return states


def build_state(
    course: Course,
    enrollment: Enrollment | None,
    progress: dict[int, ModuleProgress],
    quizzes: dict[int, QuizState],
) -> CourseState:
    """Assemble a CourseState from already-loaded rows (no queries)."""
    by_module = {q.quiz.module_id: q for q in quizzes.values() if q.quiz.course_id == course.id}
    final = next(
        (
            q
            for q in quizzes.values()
            if q.quiz.course_id == course.id and q.quiz.kind == QuizKind.FINAL
        ),
        None,
    )
    modules: list[ModuleState] = []
    previous_complete = True
    for module in course.modules:
        if module.status != PublishStatus.PUBLISHED:
            continue
        state = ModuleState(module, progress.get(module.id), by_module.get(module.id))
        state.locked = course.sequential and not previous_complete
        previous_complete = state.complete
        modules.append(state)
    return CourseState(course, enrollment, modules, final)


def load_course_states(user_id: int, course_slug: str | None = None) -> list[CourseState]:
    """Load the learner's state in one course (by slug) or in every enrolled course.

    Three queries: courses with modules and enrolment, progress rows, quiz aggregates.
    """
    stmt = (
        select(Course)
        .outerjoin(
            Enrollment, and_(Enrollment.course_id == Course.id, Enrollment.user_id == user_id)
        )
        .options(
            contains_eager(Course.enrollments),
            joinedload(Course.modules).defer(Module.body_md),
        )
        .where(Course.status == PublishStatus.PUBLISHED)
        .order_by(Course.title)
        .execution_options(populate_existing=True)
    )
    if course_slug is not None:
        stmt = stmt.where(Course.slug == course_slug)
    else:
        stmt = stmt.where(Enrollment.id.is_not(None))
    courses = db.session.scalars(stmt).unique().all()
    if not courses:
        return []
    course_ids = [c.id for c in courses]
    rows = db.session.scalars(
        select(ModuleProgress)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.user_id == user_id, Module.course_id.in_(course_ids))
    ).all()
    progress = {row.module_id: row for row in rows}
    quizzes = _quiz_rows(user_id, course_ids)
    return [
        build_state(c, c.enrollments[0] if c.enrollments else None, progress, quizzes)
        for c in courses
    ]
