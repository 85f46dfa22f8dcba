"""Draft courses and modules from an article; edit, publish and unpublish modules and courses.

Services take explicit arguments and may flush but never commit: the view commits once.
Nothing here touches learner progress (rows are keyed on module ids, which never change).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from course.audit import record_audit
from course.audit_actions import AuditAction
from course.ce.services import ce_publish_blockers
from course.content.article import (
    MIN_MINUTES,
    WORDS_PER_MINUTE,
    ArticleDraft,
    Section,
    parse_article,
)
from course.content.render import body_citations, render_markdown
from course.extensions import db
from course.models import Course, Module, PublishStatus
from course.quiz.settings import CourseRules

DISCLAIMER = (
    "This course is for the education of health professionals. It is not a substitute for "
    "professional medical advice, diagnosis or treatment."
)
NOT_ACCREDITED = (
    "This course is not accredited for continuing education credit; it leads to a certificate "
    "of completion."
)


class AuthoringProblem(ValueError):
    """Refuse an authoring action with a message fit to show the instructor."""


@dataclass(frozen=True)
class SectionRow:
    """One draft module as the article preview lists it."""

    section: Section
    words: int
    minutes: int


def read_article(text: str, fmt: str) -> ArticleDraft:
    """Parse an article ("auto", "markdown" or "text"); raises ArticleError on bad input."""
    return parse_article(text, fmt=None if fmt == "auto" else fmt)


def section_rows(draft: ArticleDraft) -> list[SectionRow]:
    """Word counts and reading times of each section, for the preview."""
    rows = []
    for section in draft.sections:
        words = len(section.body.split())
        rows.append(SectionRow(section, words, _minutes(words)))
    return rows


def _minutes(words: int) -> int:
    return max(MIN_MINUTES, math.ceil(words / WORDS_PER_MINUTE))


def audit(
    actor_id: int | None, action: AuditAction, target: Course | Module, **details: Any
) -> None:
    """Append an audit entry about a course or module (through the one writer, course.audit)."""
    record_audit(actor_id, action, type(target).__name__.lower(), target.id, details=details)


def _draft_body(article_title: str, section: Section) -> str:
    stop = "" if article_title.endswith((".", "?", "!")) else "."
    note = (
        f"> Draft imported from {article_title}{stop} Rewrite in your own words before publishing."
    )
    return "\n\n".join(filter(None, [note, section.body])) + "\n"


def _add_modules(course: Course, draft: ArticleDraft) -> list[Module]:
    """Append one draft module per section after the course's last module."""
    last = db.session.scalar(select(func.max(Module.position)).where(Module.course_id == course.id))
    taken = set(db.session.scalars(select(Module.slug).where(Module.course_id == course.id)))
    modules = []
    for offset, row in enumerate(section_rows(draft), start=1):
        slug, suffix = row.section.slug, 2
        while slug in taken:
            slug, suffix = f"{row.section.slug}-{suffix}", suffix + 1
        taken.add(slug)
        body = _draft_body(draft.title, row.section)
        module = Module(
            course=course,
            slug=slug,
            title=row.section.title[:300],
            position=(last or 0) + offset,
            objectives=[],
            minutes=row.minutes,
            references=list(row.section.citations),
            body_md=body,
            body_html=render_markdown(body),
            status=PublishStatus.DRAFT,
        )
        db.session.add(module)
        modules.append(module)
    return modules


def create_course(draft: ArticleDraft, title: str, slug: str, actor_id: int | None) -> Course:
    """Create a draft course holding one draft module per article section."""
    if db.session.scalar(select(Course.id).where(Course.slug == slug)):
        raise AuthoringProblem(f"A course with the slug {slug!r} already exists.")
    minutes = sum(row.minutes for row in section_rows(draft))
    hours = max(0.25, round(minutes / 60 * 4) / 4)
    course = Course(
        slug=slug,
        title=title,
        summary=f"Drafted from the article “{draft.title}”.",
        audience=[],
        contact_hours=hours,
        disclaimer=DISCLAIMER,
        accreditation={"accredited": False, "statement": NOT_ACCREDITED, "credits": []},
        references=[asdict(r) for r in draft.references],
        settings=CourseRules(max_hours=hours, source={"title": draft.title}).as_json(),
        status=PublishStatus.DRAFT,
    )
    db.session.add(course)
    db.session.flush()
    modules = _add_modules(course, draft)
    db.session.flush()
    audit(
        actor_id,
        AuditAction.ARTICLE_IMPORT,
        course,
        modules=[m.slug for m in modules],
        new_course=True,
    )
    return course


def append_to_course(draft: ArticleDraft, course: Course, actor_id: int | None) -> list[str]:
    """Append draft modules to an existing course; return warnings for the instructor."""
    warnings = []
    if not course.references:
        course.references = [asdict(r) for r in draft.references]
    elif draft.references:
        warnings.append(
            f"“{course.title}” already has a reference list, so the article's references were "
            "not added: citation numbers in the new modules refer to the article's list. "
            "Renumber them in the module editor."
        )
    modules = _add_modules(course, draft)
    db.session.flush()
    audit(
        actor_id,
        AuditAction.ARTICLE_IMPORT,
        course,
        modules=[m.slug for m in modules],
        new_course=False,
    )
    return warnings


def citation_problems(body: str, course: Course) -> list[str]:
    """Return "line n: [k]" for each citation missing from the course's references."""
    known = {r.get("number") for r in course.references}
    return [f"line {o + 1}: [{n}]" for o, n in body_citations(body) if n not in known]


def save_module(module: Module, fields: dict[str, Any], actor_id: int | None) -> None:
    """Apply validated editor fields and re-render the body (progress rows are untouched)."""
    module.title = fields["title"]
    module.slug = fields["slug"]
    module.objectives = list(fields["objectives"])
    module.minutes = fields["minutes"]
    module.body_md = fields["body"]
    module.body_html = render_markdown(fields["body"])
    module.references = sorted({n for _, n in body_citations(fields["body"])})
    db.session.flush()
    audit(actor_id, AuditAction.MODULE_EDIT, module, slug=module.slug)


def publish_module(module: Module, actor_id: int | None) -> None:
    """Make a module visible to learners once it has objectives, a body and valid citations."""
    problems = []
    if not 2 <= len(module.objectives) <= 4:
        problems.append("it needs 2 to 4 learning objectives")
    if not module.body_md.strip():
        problems.append("its body is empty")
    bad = citation_problems(module.body_md, module.course)
    if bad:
        problems.append("it cites references the course does not have (" + ", ".join(bad) + ")")
    if problems:
        raise AuthoringProblem(f"“{module.title}” cannot be published: " + "; ".join(problems))
    module.status = PublishStatus.PUBLISHED
    audit(actor_id, AuditAction.MODULE_PUBLISH, module)


def unpublish_module(module: Module, actor_id: int | None) -> None:
    """Hide a module from learners again (their progress is kept)."""
    module.status = PublishStatus.DRAFT
    audit(actor_id, AuditAction.MODULE_UNPUBLISH, module)


def publish_course(course: Course, actor_id: int | None) -> None:
    """Publish a course, refusing while it has no published module."""
    if not any(m.is_published for m in course.modules):
        raise AuthoringProblem(
            f"“{course.title}” has no published module yet: publish at least one module first."
        )
    blockers = ce_publish_blockers(course)
    if blockers:
        raise AuthoringProblem(f"“{course.title}” cannot be published: " + " ".join(blockers))
    course.status = PublishStatus.PUBLISHED
    audit(actor_id, AuditAction.COURSE_PUBLISH, course)
