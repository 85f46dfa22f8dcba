"""Our quizzes/ file format in and out of the bank, quiz settings checks, readable version text.

Export writes a module's current versions plus its quiz settings as a QuizFile. Import first
plans (what would be added, changed or left alone; errors carry the file line), then applies
the plan in one go. Services flush but never commit.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import and_, select

from course.audit_actions import AuditAction
from course.content.schema import QuestionEntry, QuizFile, QuizSettings
from course.content.yamlpos import YamlProblem, line_of, load_yaml
from course.extensions import db
from course.fingerprint import digest
from course.instructor.bank.services import audit, create_question, update_question
from course.models import Course, Module, Question, QuestionStatus, QuestionVersion, Quiz
from course.quiz.draw import DrawError, draw_questions
from course.quiz.services import question_pool
from course.quiz.settings import setting_changes
from course.quiz.versions import question_payload

Loc = tuple[str | int, ...]


class SettingsInvalid(Exception):
    """Quiz settings failed validation; `errors` pairs a field location with a message."""

    def __init__(self, errors: list[tuple[Loc, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


class ImportInvalid(Exception):
    """A file cannot be imported; `problems` pairs a 1-based line with a message."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"line {line}: {msg}" for line, msg in problems))
        self.problems = sorted(problems)


def _clean(message: str) -> str:
    return message.removeprefix("Value error, ")


def check_quiz_settings(quiz: Quiz, data: dict[str, Any]) -> QuizSettings:
    """Validate settings and check the published pool can fill them; raise SettingsInvalid."""
    try:
        settings = QuizSettings.model_validate(data)
    except ValidationError as exc:
        raise SettingsInvalid([(tuple(e["loc"]), _clean(e["msg"])) for e in exc.errors()]) from exc
    try:
        draw_questions(question_pool(quiz), settings, seed=0)
    except DrawError as exc:
        loc: Loc = ("draw",) if "tagged" in str(exc) else ("question_count",)
        raise SettingsInvalid([(loc, f"The published pool cannot fill this quiz: {exc}")]) from exc
    return settings


def save_quiz_settings(quiz: Quiz, settings: QuizSettings, actor_id: int) -> dict[str, Any]:
    """Store new settings (attempts keep their own snapshot); return what changed."""
    new = settings.model_dump(mode="json")
    changed = setting_changes(quiz.settings, settings)
    if changed:
        quiz.settings = new
        quiz.title = settings.title
        audit(actor_id, AuditAction.QUIZ_SETTINGS, "quiz", quiz.id, slug=quiz.slug, changed=changed)
    return changed


def _wrap(text: str, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, 88, initial_indent=indent, subsequent_indent=indent)
        lines.extend(wrapped or [""])
    return lines


def version_text(version: QuestionVersion) -> list[str]:
    """Render a version as plain lines (stem, options, keys, rationales, feedback) for the
    history page's word diff (bank.worddiff)."""
    refs = ", ".join(str(n) for n in version.references)
    lines = [
        f"Type: {version.qtype} · difficulty {version.difficulty} · objective "
        f"{version.objective or '-'} · vignette {'yes' if version.vignette else 'no'}",
        f"Tags: {', '.join(version.tags)} · references: {refs}",
        "Stem:",
        *_wrap(version.stem),
    ]
    for option in version.options:
        key = "CORRECT" if option.get("correct") else "wrong"
        weight = f", weight {option['weight']}" if option.get("weight") is not None else ""
        lines += [f"Option {option['key']} ({key}{weight}):", *_wrap(option["text"])]
        lines += ["  Rationale:", *_wrap(option["rationale"], "    ")]
    return [*lines, "Feedback:", *_wrap(version.feedback)]


class _Dumper(yaml.SafeDumper):
    """Safe YAML that writes multi-line strings as literal blocks, so stems stay readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def entry_data(question: Question, version: QuestionVersion) -> dict[str, Any]:
    """Return a question's version in the quizzes/ file shape (`id` is the question uid)."""
    data: dict[str, Any] = {"id": question.uid, "type": version.qtype}
    data |= {"status": question.status.value, "stem": version.stem}
    if version.objective is not None:
        data["objective"] = version.objective
    data |= {
        "tags": list(version.tags),
        "references": list(version.references),
        "difficulty": version.difficulty,
        "vignette": version.vignette,
        "feedback": version.feedback,
        "options": [_option_data(o) for o in version.options],
    }
    return data


def _option_data(option: dict[str, Any]) -> dict[str, Any]:
    data = {"id": option["key"], "text": option["text"], "correct": bool(option.get("correct"))}
    data["rationale"] = option["rationale"]
    if option.get("weight") is not None:
        data["weight"] = option["weight"]
    return data


def _current(where: Any) -> list[tuple[Question, QuestionVersion]]:
    current = and_(
        QuestionVersion.question_id == Question.id,
        QuestionVersion.number == Question.latest_number,
    )
    stmt = select(Question, QuestionVersion).join(QuestionVersion, current).where(where)
    return [(q, v) for q, v in db.session.execute(stmt.order_by(Question.uid))]


def export_module(module: Module, quiz: Quiz) -> str:
    """Return the module's questions (current versions) and quiz settings as quizzes/ YAML."""
    settings = QuizSettings.model_validate(quiz.settings).model_dump(mode="json")
    data = {
        "module": module.slug,
        "quiz": settings,
        "questions": [entry_data(q, v) for q, v in _current(Question.module_id == module.id)],
    }
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


@dataclass
class ImportPlan:
    """What importing a file would do; nothing has been written yet."""

    module: Module
    quiz: Quiz
    file: QuizFile
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    status: list[tuple[str, str, str]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    fingerprint: list[Any] = field(default_factory=list)

    @property
    def token(self) -> str:
        """Return a fingerprint of the plan, so the commit applies what the preview showed."""
        return digest([self.module.id, self.fingerprint, self.status, self.settings])[:24]


def _parse(text: str) -> tuple[QuizFile, yaml.Node | None]:
    try:
        data, node = load_yaml(text)
    except YamlProblem as exc:
        raise ImportInvalid([(exc.line, exc.message)]) from exc
    try:
        return QuizFile.model_validate(data), node
    except ValidationError as exc:
        problems = [
            (
                line_of(node, e["loc"]),
                f"{'.'.join(map(str, e['loc'])) or 'file'}: {_clean(e['msg'])}",
            )
            for e in exc.errors()
        ]
        raise ImportInvalid(problems) from exc


def _entry_problems(
    course: Course, module: Module, entries: list[QuestionEntry], owners: dict[str, int | None]
) -> list[tuple[Loc, str]]:
    numbers = {r.get("number") for r in course.references}
    seen: set[str] = set()
    found: list[tuple[Loc, str]] = []
    for i, entry in enumerate(entries):
        if entry.id in seen:
            found.append((("questions", i, "id"), f"{entry.id}: the id appears twice in the file"))
        seen.add(entry.id)
        unknown = sorted(set(entry.references) - numbers)
        if unknown:
            found.append(
                (("questions", i, "references"), f"{entry.id}: unknown references {unknown}")
            )
        if entry.objective is not None and entry.objective > len(module.objectives):
            found.append(
                (("questions", i, "objective"), f"{entry.id}: no objective {entry.objective}")
            )
        if entry.id in owners and owners[entry.id] != module.id:
            found.append((("questions", i, "id"), f"{entry.id}: belongs to another module"))
    return found


def plan_import(course: Course, text: str) -> ImportPlan:
    """Validate a quizzes/ file against the course and say what importing it would change."""
    data, node = _parse(text)
    module = next((m for m in course.modules if m.slug == data.module), None)
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id)) if module else None
    if module is None or quiz is None:
        raise ImportInvalid([(line_of(node, ("module",)), f"no module quiz {data.module!r} here")])
    uids = [e.id for e in data.questions]
    rows = _current(and_(Question.course_id == course.id, Question.uid.in_(uids)))
    current = {q.uid: (q, v) for q, v in rows}
    problems = _entry_problems(
        course, module, data.questions, {u: q.module_id for u, (q, _) in current.items()}
    )
    if problems:
        raise ImportInvalid([(line_of(node, loc), msg) for loc, msg in problems])
    plan = ImportPlan(module, quiz, data)
    for entry in data.questions:
        new_hash = digest(question_payload(entry))
        question, version = current.get(entry.id, (None, None))
        bucket = plan.added if version is None else plan.unchanged
        if version is not None and version.content_hash != new_hash:
            bucket = plan.changed
        bucket.append(entry.id)
        plan.fingerprint.append([entry.id, version.content_hash if version else None, new_hash])
        if question is not None and question.status.value != entry.status:
            plan.status.append((entry.id, question.status.value, entry.status))
    plan.settings = setting_changes(quiz.settings, data.quiz)
    return plan


def apply_import(course: Course, plan: ImportPlan, actor_id: int) -> None:
    """Write the plan: new questions, new versions, status and settings (caller commits)."""
    questions = {q.uid: q for q, _ in _current(Question.module_id == plan.module.id)}
    for entry in plan.file.questions:
        payload = question_payload(entry)
        question = questions.get(entry.id)
        if question is None:
            question = create_question(course, plan.module, entry.id, payload, actor_id)
        elif entry.id in plan.changed:
            update_question(question, plan.module, payload, actor_id)
        if question.status.value != entry.status:
            before, question.status = question.status.value, QuestionStatus(entry.status)
            audit(
                actor_id,
                AuditAction.QUESTION_EDIT,
                "question",
                question.id,
                uid=entry.id,
                before=before,
                after=entry.status,
            )
    if plan.settings:
        save_quiz_settings(plan.quiz, plan.file.quiz, actor_id)
    db.session.flush()
    try:
        draw_questions(question_pool(plan.quiz), plan.quiz.rules, seed=0)
    except DrawError as exc:
        raise ImportInvalid([(1, f"after this import the quiz could not be drawn: {exc}")]) from exc
    summary = {"added": plan.added, "changed": plan.changed, "status": plan.status}
    audit(actor_id, AuditAction.QUESTIONS_YAML_IMPORT, "module", plan.module.id, **summary)
