"""The learner read model: each process caches a course's structure as plain immutable objects.

A course, its published modules (with their rendered lesson HTML), its quizzes and its CE gate
settings change only on content sync, an instructor edit or publishing. Every such write bumps
`course.structure_version` (bump_structure_version, called from the session's before_flush hook
for any change to a Course, Module, Quiz or CeActivity row, so no service can forget it). The
learner's own query reads the version together with their state (course/learning/learner.py),
so a process whose cache is stale sees the new version on its very next request: no
cross-process invalidation is needed. The cache holds at most MAX_ENTRIES course versions and
drops a course's older versions as soon as a newer one is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import chain
from types import MappingProxyType
from typing import Any

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, selectinload

from course.extensions import db
from course.lru import LruCache
from course.models import CeActivity, Course, Module, PublishStatus, Quiz, QuizKind
from course.models.content import CourseFacts
from course.quiz.settings import CourseRules, QuizRules

MAX_ENTRIES = 32


def _frozen(value: Any) -> Any:
    """Deep read-only copy of JSON data: dicts become mapping proxies, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class QuizView:
    """A quiz as learners' pages need it."""

    id: int
    course_id: int
    module_id: int | None
    slug: str
    title: str
    kind: QuizKind
    settings: Mapping[str, Any]
    quiz_rules: QuizRules  # the settings, typed once per version

    @property
    def rules(self) -> QuizRules:
        """The quiz's settings, typed, with their defaults (as Quiz.rules)."""
        return self.quiz_rules


@dataclass(frozen=True, slots=True)
class ModuleView:
    """A published module: what its page shows whoever reads it."""

    id: int
    course_id: int
    slug: str
    title: str
    position: int
    minutes: int
    objectives: tuple[str, ...]
    references: tuple[int, ...]
    body_html: str
    status: PublishStatus = PublishStatus.PUBLISHED
    # The static parts of the module page, rendered once per version (see _render_static).
    lesson_html: str = ""
    references_html: str = ""

    @property
    def is_published(self) -> bool:
        """Only published modules are in the read model."""
        return True


@dataclass(frozen=True, slots=True)
class CourseView(CourseFacts):
    """A published course's structure at one structure version."""

    id: int
    version: int
    slug: str
    title: str
    summary: str
    contact_hours: float
    accreditation: Mapping[str, Any]
    references: tuple[Mapping[str, Any], ...]
    settings: Mapping[str, Any]
    content_version: str
    status: PublishStatus
    modules: tuple[ModuleView, ...]
    quizzes: tuple[QuizView, ...]
    gated: bool  # learners acknowledge the CE activity page before any content
    pretest_questions: int  # 0: no pre-test
    course_rules: CourseRules  # the settings, typed once per version

    @property
    def rules(self) -> CourseRules:
        """The course's settings, typed, with their defaults (as Course.rules)."""
        return self.course_rules


class ReadModelCache:
    """One app's cache: (course id, version) -> CourseView, least recently used first."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.lru = LruCache(max_entries)
        self.builds = 0  # how many times a course was read from the database

    @property
    def entries(self) -> dict:
        """The cached (course id, version) pairs and their views, oldest use first."""
        return self.lru.entries

    def get(self, course_id: int, version: int) -> CourseView:
        """The course's structure at `version`, cached or built from the rows."""
        found = self.lru.get((course_id, version))
        if found is not None:
            return found
        view = _build(course_id)
        self.builds += 1
        self.lru.put(
            (course_id, view.version),
            view,
            stale=lambda key: key[0] == course_id and key[1] < view.version,
        )
        return view


def read_model() -> ReadModelCache:
    """The current app's read-model cache (one per app, hence one per worker process)."""
    return current_app.extensions.setdefault("practicum.read_model", ReadModelCache())


def course_view(course_id: int, version: int) -> CourseView:
    """The course's structure at `version` (the version read with the learner's state)."""
    return read_model().get(course_id, version)


def _build(course_id: int) -> CourseView:
    """Read a course's structure (one query per table, no learner data) into a CourseView."""
    course = db.session.scalars(
        select(Course)
        .options(selectinload(Course.modules), selectinload(Course.quizzes))
        .where(Course.id == course_id)
    ).one()
    activity_row = db.session.scalar(select(CeActivity).where(CeActivity.course_id == course_id))
    gated, pretest = _ce_gate(course, activity_row)
    modules = tuple(
        ModuleView(
            id=m.id,
            course_id=m.course_id,
            slug=m.slug,
            title=m.title,
            position=m.position,
            minutes=m.minutes,
            objectives=tuple(m.objectives or ()),
            references=tuple(m.references or ()),
            body_html=m.body_html,
        )
        for m in sorted(course.modules, key=lambda m: m.position)
        if m.status == PublishStatus.PUBLISHED
    )
    quizzes = tuple(
        QuizView(
            q.id,
            q.course_id,
            q.module_id,
            q.slug,
            q.title,
            q.kind,
            _frozen(q.settings or {}),
            q.rules,
        )
        for q in sorted(course.quizzes, key=lambda q: q.id)
    )
    view = CourseView(
        id=course.id,
        version=course.structure_version,
        slug=course.slug,
        title=course.title,
        summary=course.summary,
        contact_hours=course.contact_hours,
        accreditation=_frozen(course.accreditation or {}),
        references=_frozen(course.references or []),
        settings=_frozen(course.settings or {}),
        content_version=course.content_version,
        status=course.status,
        modules=modules,
        quizzes=quizzes,
        gated=gated,
        pretest_questions=pretest,
        course_rules=course.rules,
    )
    return replace(view, modules=tuple(_render_static(m, view) for m in view.modules))


def _render_static(module: ModuleView, course: CourseView) -> ModuleView:
    """Render what a module page shows every reader alike, so requests render only the rest."""
    env = current_app.jinja_env
    return replace(
        module,
        lesson_html=env.get_template("learning/_module_lesson.html").render(module=module),
        references_html=env.get_template("learning/_module_references.html").render(
            module=module, course=course
        ),
    )


def _ce_gate(course: Course, row: CeActivity | None) -> tuple[bool, int]:
    """(acknowledgement required, pre-test questions) from the course's CE activity."""
    if row is None:
        return False, 0
    from course.ce.activity import parse

    activity = parse(course, row)
    questions = activity.info.outcomes.pre_test_questions if activity.info else 0
    return activity.gated, int(questions or 0)


def bump_structure_version(course_ids: Iterable[int], session: Session | None = None) -> None:
    """Move these courses to a new structure version (part of the caller's transaction).

    The one place the version moves; the before_flush hook below calls it for ORM writes.
    """
    ids = sorted(set(course_ids))
    if ids:
        (session or db.session).execute(
            update(Course)
            .where(Course.id.in_(ids))
            .values(structure_version=Course.structure_version + 1)
            .execution_options(synchronize_session=False)
        )


STRUCTURAL = (Course, Module, Quiz, CeActivity)


def _changed_courses(session: Session) -> set[int]:
    """Ids of existing courses whose structure this flush changes."""
    ids: set[int] = set()
    with session.no_autoflush:
        for obj in chain(session.new, session.dirty, session.deleted):
            if not isinstance(obj, STRUCTURAL):
                continue
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            if isinstance(obj, Course):
                course_id = obj.id
            else:
                course_id = obj.course_id
                if course_id is None and getattr(obj, "course", None) is not None:
                    course_id = obj.course.id
            if course_id is not None:
                ids.add(course_id)
    return ids


@event.listens_for(Session, "before_flush")
def _bump_on_flush(session: Session, flush_context: object, instances: object) -> None:
    """Bump the structure version of every course a flush changes (one UPDATE per flush)."""
    bump_structure_version(_changed_courses(session), session)
