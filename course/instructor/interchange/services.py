"""Plan and commit GIFT / Aiken imports into the question bank, as drafts.

How one parsed question becomes a stored payload (keys, weights, text) is in interchange.mapping.

Services take explicit arguments and may flush but never commit: the view commits once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course.audit import record_audit
from course.audit_actions import AuditAction
from course.content.aiken import parse_aiken
from course.content.gift import parse_gift
from course.content.interchange import ImportedQuestion, ImportResult
from course.content.itemwriting import item_warnings
from course.content.schema import TAGS
from course.extensions import db
from course.fingerprint import digest
from course.instructor.interchange.mapping import imported_payload
from course.instructor.interchange.mapping import plain_text as plain_text  # re-exported
from course.models import Course, Module, Question, QuestionStatus
from course.quiz.types import REGISTRY
from course.quiz.versions import add_version
from course.slugs import slugify

PARSERS = {"gift": parse_gift, "aiken": parse_aiken}
IMPORT_ACTION = AuditAction.QUESTIONS_IMPORT  # the bank list's ?batch= filter reads these entries
MAX_CHARS = 400_000


class ImportProblem(ValueError):
    """Refuse an import step with a message fit to show the instructor."""


@dataclass(frozen=True)
class ImportSettings:
    """What the instructor chose: format, target course and how $CATEGORY maps."""

    fmt: str
    course_id: int
    category_mode: str = "module"  # "module" or "tags"
    default_module_id: int | None = None


@dataclass
class PlannedQuestion:
    """One parsed question and what committing it will do ("new", "changed", "unchanged")."""

    line: int
    uid: str
    title: str
    payload: dict[str, Any]
    module: Module | None
    state: str
    existing: Question | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """Everything the preview shows and the commit writes."""

    course: Course
    items: list[PlannedQuestion]
    skipped: list[tuple[int, str, str]]
    errors: list[tuple[int, str]]

    @property
    def ok(self) -> bool:
        """Report whether the plan may be committed."""
        return not self.errors

    def count(self, state: str) -> int:
        """Count the questions in one state."""
        return sum(1 for item in self.items if item.state == state)

    @property
    def fingerprint(self) -> str:
        """Digest what a commit would write, to notice changes between preview and commit."""
        return digest(
            [
                [i.uid, i.state, digest(i.payload), i.module.id if i.module else None]
                for i in self.items
            ]
        )


def _uids(questions: list[ImportedQuestion], prefix: str) -> list[tuple[str, str, str | None]]:
    """Assign (uid, how it was found, note): slugged [id:], else title slug, else position."""
    idents = [slugify(q.id or "") for q in questions]
    counts = Counter(i for i in idents if i)
    used = {i for i, n in counts.items() if n == 1}
    out: list[tuple[str, str, str | None]] = []
    for number, (question, ident) in enumerate(zip(questions, idents, strict=True), start=1):
        if ident in used and counts[ident] == 1:
            note = None if ident == question.id else f"[id:{question.id}] is stored as {ident}"
            out.append((ident, "id", note))
            continue
        note = f"[id:{question.id}] was not used: empty or repeated" if question.id else None
        base, how = slugify(question.title), "title"
        if not base:
            base, how = f"{prefix}-{number}", "position"
        uid, suffix = base, 2
        while uid in used:
            uid, suffix = f"{base}-{suffix}", suffix + 1
        used.add(uid)
        out.append((uid, how, note))
    return out


def _segments(category: str | None) -> list[str]:
    """Split a Moodle category path ("//" is a literal slash), dropping $course$ and top."""
    if not category:
        return []
    parts = [p.replace("\x00", "/").strip() for p in category.replace("//", "\x00").split("/")]
    return [p for p in parts if p and not p.startswith("$") and p.lower() != "top"]


def _module_for(
    category: str | None, modules: list[Module], default: Module | None
) -> Module | None:
    """Map a category whose last segment names a module (slug or title) to it, else default."""
    segments = _segments(category)
    if segments:
        last = segments[-1].casefold()
        for module in modules:
            if last in (module.slug.casefold(), module.title.casefold()):
                return module
    return default


def parse_source(text: str, fmt: str) -> ImportResult:
    """Parse text in one of the supported formats."""
    if fmt not in PARSERS:
        raise ImportProblem(f"Unknown format {fmt!r}: choose GIFT or Aiken.")
    if len(text) > MAX_CHARS:
        raise ImportProblem(f"The text is longer than {MAX_CHARS:,} characters: split it up.")
    return PARSERS[fmt](text)


def _target(settings: ImportSettings) -> tuple[Course, Module | None]:
    course = db.session.get(Course, settings.course_id)
    if course is None:
        raise ImportProblem("Choose a course to import into.")
    default = None
    if settings.default_module_id:
        default = next((m for m in course.modules if m.id == settings.default_module_id), None)
        if default is None:
            raise ImportProblem("The default module is not part of the chosen course.")
    return course, default


def plan_import(text: str, settings: ImportSettings) -> ImportPlan:
    """Parse the text and work out, question by question, what an import would write."""
    course, default = _target(settings)
    result = parse_source(text, settings.fmt)
    uids = _uids(result.questions, settings.fmt)
    existing = {
        q.uid: q
        for q in db.session.scalars(
            select(Question)
            .where(Question.course_id == course.id, Question.uid.in_([u for u, _, _ in uids]))
            .options(selectinload(Question.versions), selectinload(Question.module))
        )
    }
    skipped = [(s.line, s.qtype, s.title) for s in result.skipped]
    plan = ImportPlan(course, [], skipped, [(e.line, e.message) for e in result.errors])
    for question, (uid, how, note) in zip(result.questions, uids, strict=True):
        module = default
        if settings.category_mode == "module":
            module = _module_for(question.category, list(course.modules), default)
        extra_tags = _segments(question.category)[-1:] if settings.category_mode == "tags" else []
        item = _plan_one(question, uid, existing.get(uid), module, extra_tags)
        if note:
            item.warnings.insert(0, note)
        if item.existing is not None and how != "id":
            item.warnings.insert(0, f"matched existing question {uid} by its {how}")
        problems = REGISTRY[item.payload["qtype"]].problems(item.payload["options"])
        plan.errors += [(question.line, f"question {uid}: {p}") for p in problems]
        plan.items.append(item)
    plan.errors.sort()
    return plan


def _plan_one(
    question: ImportedQuestion,
    uid: str,
    existing: Question | None,
    module: Module | None,
    tags: list[str],
) -> PlannedQuestion:
    """Plan one question: new (in `module`), or a changed/unchanged version of `existing`."""
    previous = existing.current if existing is not None and existing.versions else None
    payload, notes = imported_payload(question, previous, tags)
    state = "new"
    if existing is not None:
        state = "unchanged" if previous and previous.content_hash == digest(payload) else "changed"
        module = existing.module
        if state == "changed" and existing.status != QuestionStatus.DRAFT:
            number = existing.latest_number + 1
            notes.append(f"{existing.status.value} now: version {number} returns it to draft")
    warnings = notes + item_warnings(
        payload["stem"], payload["options"], payload["references"], qtype=payload["qtype"]
    )
    return PlannedQuestion(
        question.line, uid, question.title, payload, module, state, existing, warnings
    )


@dataclass(frozen=True)
class ImportOutcome:
    """What a commit wrote, and the audit entry that records it (its id names the batch)."""

    created: list[str]
    new_versions: list[str]
    unchanged: list[str]
    audit_id: int


def taggable(item: PlannedQuestion) -> list[str]:
    """The tags the preview offers for one question: the bank's, then the question's own."""
    return list(dict.fromkeys([*TAGS, *item.payload["tags"]]))


def apply_tags(plan: ImportPlan, chosen: dict[str, list[str]]) -> None:
    """Replace the tags of new and changed questions with those ticked in the preview.

    Only the bank's tags, or tags the question itself brought, can be chosen; anything else
    is refused, naming the question, since nobody could have ticked it."""
    for item in plan.items:
        if item.state == "unchanged":
            continue
        tags = chosen.get(item.uid, [])
        unknown = [t for t in tags if t not in taggable(item)]
        if unknown:
            raise ImportProblem(
                f"Tags of {item.uid}: {unknown[0]!r} is not a tag of the bank "
                f"({', '.join(TAGS)}): preview again."
            )
        item.payload["tags"] = list(dict.fromkeys(tags))


def commit_plan(plan: ImportPlan, actor_id: int | None, fmt: str) -> ImportOutcome:
    """Write new questions and new versions as drafts, plus an audit entry (flushes only)."""
    if not plan.ok:
        raise ImportProblem("The text has errors: fix them and preview again.")
    outcome: dict[str, list[str]] = {"created": [], "new_versions": [], "unchanged": []}
    for item in plan.items:
        if item.state == "unchanged":
            outcome["unchanged"].append(item.uid)
            continue
        question = item.existing
        if question is None:
            question = Question(
                course=plan.course, uid=item.uid, module=item.module, latest_number=0
            )
            db.session.add(question)
            outcome["created"].append(item.uid)
        else:
            outcome["new_versions"].append(item.uid)
        question.status = QuestionStatus.DRAFT
        add_version(question, item.payload, digest(item.payload), created_by_id=actor_id)
    skipped = [[s[0], s[1]] for s in plan.skipped]
    details = {**outcome, "format": fmt, "skipped": skipped}
    entry = record_audit(actor_id, IMPORT_ACTION, "course", plan.course.id, details=details)
    return ImportOutcome(**outcome, audit_id=entry.id)
