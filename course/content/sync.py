"""Upsert validated content into the database, keyed on slugs; questions get new versions on change.

Sync never touches learner progress or attempts. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from course.ce.sync import sync_activity
from course.content.bundle import ContentBundle, ModuleSource
from course.content.render import render_markdown
from course.content.schema import QuestionEntry, QuizSettings
from course.extensions import db
from course.fingerprint import digest
from course.models import (
    Course,
    Module,
    PublishStatus,
    Question,
    QuestionStatus,
    Quiz,
    QuizKind,
)
from course.quiz.versions import add_version, question_payload

FINAL_SLUG = "final"


@dataclass
class SyncReport:
    """What a sync added, changed and left alone."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    rerendered: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line of counts."""
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged, {len(self.unpublished)} unpublished, "
            f"{len(self.rerendered)} re-rendered"
        )


def sync_bundle(bundle: ContentBundle) -> SyncReport:
    """Write a problem-free bundle into the database (flushes, never commits)."""
    if not bundle.ok or bundle.course is None:
        raise ValueError("refusing to sync content with problems; run `flask content lint`")
    report = SyncReport()
    course = _sync_course(bundle, report)
    sync_activity(course, bundle.course, report)
    modules = {m.meta.slug: _sync_module(course, m, report) for m in bundle.modules}
    _unpublish_missing(course, set(modules), report)
    for source in bundle.quizzes:
        module = modules[source.data.module]
        _sync_quiz(course, module.slug, source.data.quiz, QuizKind.MODULE, module, report)
        for entry in source.data.questions:
            _sync_question(course, module, entry, report)
    if bundle.final:
        _sync_quiz(course, FINAL_SLUG, bundle.final.data.final, QuizKind.FINAL, None, report)
        for entry in bundle.final.data.questions:
            _sync_question(course, None, entry, report)
    course.content_version = digest(sorted(bundle.texts.items()))[:12]
    report.rerendered = rerender_stale_modules()
    db.session.flush()
    return report


def rerender_stale_modules() -> list[str]:
    """Re-render every module whose stored HTML differs from what the renderer makes today.

    A renderer change (e.g. citation links gaining aria-label="reference 12") would otherwise
    reach a module only when its text next changes. Modules drafted in the web editor count
    too. Returns "course/module" labels of those rewritten; the caller commits.
    """
    stale = []
    for module in db.session.scalars(select(Module).order_by(Module.course_id, Module.position)):
        html = render_markdown(module.body_md or "")
        if module.body_html != html:
            module.body_html = html
            stale.append(f"module {module.course.slug}/{module.slug}")
    return stale


def _track(report: SyncReport, label: str, before: str | None, after: str) -> bool:
    """Record the outcome for one item; return True when it must be written."""
    if before is None:
        report.added.append(label)
        return True
    if before != after:
        report.changed.append(label)
        return True
    report.unchanged.append(label)
    return False


def _sync_course(bundle: ContentBundle, report: SyncReport) -> Course:
    data = bundle.course
    assert data is not None  # noqa: S101 - checked by the caller
    course = db.session.scalar(select(Course).where(Course.slug == data.slug))
    fields = {
        "title": data.title,
        "summary": data.summary,
        "audience": data.audience,
        "contact_hours": data.contact_hours,
        "disclaimer": data.disclaimer,
        "accreditation": data.accreditation.model_dump(),
        "references": [r.model_dump() for r in data.references],
        "settings": {
            "sequential": data.sequential,
            "max_hours": data.max_hours or data.contact_hours,
            "certificate_policy": data.certificate_policy,
            "source": {k: str(v) if v is not None else None for k, v in data.source.items()},
        },
    }
    before = None if course is None else digest({k: getattr(course, k) for k in fields})
    if course is None:
        course = Course(slug=data.slug, status=PublishStatus.PUBLISHED)
        db.session.add(course)
    if _track(report, f"course {data.slug}", before, digest(fields)):
        for key, value in fields.items():
            setattr(course, key, value)
    db.session.flush()
    return course


def _sync_module(course: Course, source: ModuleSource, report: SyncReport) -> Module:
    meta = source.meta
    module = db.session.scalar(
        select(Module).where(Module.course_id == course.id, Module.slug == meta.slug)
    )
    content_hash = digest({"meta": meta.model_dump(), "body": source.body})
    if module is None:
        module = Module(course=course, slug=meta.slug, position=meta.order)
        db.session.add(module)
    if _track(report, f"module {meta.slug}", module.content_hash or None, content_hash):
        module.title = meta.title
        module.position = meta.order
        module.objectives = meta.objectives
        module.minutes = meta.minutes
        module.references = sorted(meta.references)
        module.body_md = source.body
        module.body_html = render_markdown(source.body)
        module.status = PublishStatus(meta.status)
        module.content_hash = content_hash
    return module


def _unpublish_missing(course: Course, present: set[str], report: SyncReport) -> None:
    """Modules whose files were removed become drafts; rows and progress are kept."""
    for module in course.modules:
        if module.slug not in present and module.status == PublishStatus.PUBLISHED:
            module.status = PublishStatus.DRAFT
            report.unpublished.append(f"module {module.slug}")


def _sync_quiz(
    course: Course,
    slug: str,
    settings: QuizSettings,
    kind: QuizKind,
    module: Module | None,
    report: SyncReport,
) -> Quiz:
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == slug))
    data = settings.model_dump(mode="json")
    before = None if quiz is None else digest({"title": quiz.title, "settings": quiz.settings})
    if quiz is None:
        quiz = Quiz(course=course, slug=slug, kind=kind, module=module)
        db.session.add(quiz)
    if _track(report, f"quiz {slug}", before, digest({"title": data["title"], "settings": data})):
        quiz.title = settings.title
        quiz.settings = data
        quiz.module = module
    return quiz


def _sync_question(
    course: Course, module: Module | None, entry: QuestionEntry, report: SyncReport
) -> None:
    question = db.session.scalar(
        select(Question).where(Question.course_id == course.id, Question.uid == entry.id)
    )
    payload = question_payload(entry)
    content_hash = digest(payload)
    if question is None:
        question = Question(course=course, uid=entry.id, module=module, latest_number=0)
        db.session.add(question)
        current_hash = None
    else:
        current_hash = question.current.content_hash if question.versions else None
    label = f"question {entry.id}"
    status = QuestionStatus(entry.status)
    if _track(report, label, current_hash, content_hash):
        add_version(question, payload, content_hash)
    question.status = status
    question.module = module
