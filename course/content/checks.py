"""Cross-file content checks: citations, duplicates, unsafe markup, quiz pools and quotas."""

from __future__ import annotations

from collections import Counter

from course.content.bundle import ContentBundle, QuizSource
from course.content.render import body_citations, find_unsafe_markup, unsafe_markup


def check_bundle(bundle: ContentBundle) -> None:
    """Record every cross-file problem in the bundle."""
    _check_modules(bundle)
    _check_course_text(bundle)
    _check_quizzes(bundle)


def _check_modules(bundle: ContentBundle) -> None:
    ref_numbers = {r.number for r in bundle.course.references} if bundle.course else None
    slugs = Counter(m.meta.slug for m in bundle.modules)
    orders = Counter(m.meta.order for m in bundle.modules)
    for module in bundle.modules:
        meta, path = module.meta, module.path
        if slugs[meta.slug] > 1:
            bundle.add(path, 2, f"duplicate module slug {meta.slug!r}")
        if orders[meta.order] > 1:
            bundle.add(path, 2, f"duplicate module order {meta.order}")
        cited: set[int] = set()
        for offset, number in body_citations(module.body):
            cited.add(number)
            line = module.body_line + offset
            if ref_numbers is not None and number not in ref_numbers:
                bundle.add(path, line, f"citation [{number}] is not in the course reference list")
            elif number not in meta.references:
                bundle.add(
                    path, line, f"citation [{number}] is not listed in front matter references"
                )
        for number in sorted(set(meta.references) - cited):
            bundle.add(path, 2, f"reference {number} is listed in front matter but never cited")
        for offset, message in unsafe_markup(module.body):
            bundle.add(path, module.body_line + offset, message)
        if not module.body.strip():
            bundle.add(path, module.body_line, "the lesson body is empty")


def _check_course_text(bundle: ContentBundle) -> None:
    if not bundle.course:
        return
    path = bundle.root / "course.yaml"
    for name in ("summary", "disclaimer"):
        for finding in find_unsafe_markup(getattr(bundle.course, name)):
            bundle.add(path, 1, f"{name}: {finding.message}")


def _check_quizzes(bundle: ContentBundle) -> None:
    modules = {m.meta.slug: m for m in bundle.modules}
    ref_numbers = {r.number for r in bundle.course.references} if bundle.course else set()
    ids: Counter[str] = Counter()
    sources = [*bundle.quizzes, *([bundle.final] if bundle.final else [])]
    for source in sources:
        ids.update(q.id for q in source.data.questions)
    seen_modules: Counter[str] = Counter()
    for source in bundle.quizzes:
        slug = source.data.module
        seen_modules[slug] += 1
        module = modules.get(slug)
        if module is None:
            bundle.add(source.path, source.line("module"), f"no module with slug {slug!r}")
        elif seen_modules[slug] > 1:
            bundle.add(source.path, source.line("module"), f"a second quiz file for {slug!r}")
        _check_questions(
            bundle, source, module.meta.objectives if module else None, ref_numbers, ids
        )
        pool = [q for q in source.data.questions if q.status == "published"]
        if len(pool) < source.data.quiz.question_count:
            bundle.add(
                source.path,
                source.line("quiz", "question_count"),
                f"question_count {source.data.quiz.question_count} exceeds the "
                f"{len(pool)} published questions in the pool",
            )
    if bundle.final:
        _check_questions(bundle, bundle.final, None, ref_numbers, ids)
        _check_final(bundle, bundle.final)


def _check_questions(
    bundle: ContentBundle,
    source: QuizSource,
    objectives: list[str] | None,
    ref_numbers: set[int],
    ids: Counter[str],
) -> None:
    for index, question in enumerate(source.data.questions):
        if ids[question.id] > 1:
            bundle.add(
                source.path,
                source.line("questions", index, "id"),
                f"duplicate question id {question.id!r}",
            )
        for number in question.references:
            if ref_numbers and number not in ref_numbers:
                bundle.add(
                    source.path,
                    source.line("questions", index, "references"),
                    f"{question.id}: reference {number} is not in the course reference list",
                )
        if objectives is not None and question.objective is not None:
            if question.objective > len(objectives):
                bundle.add(
                    source.path,
                    source.line("questions", index, "objective"),
                    f"{question.id}: objective {question.objective} does not exist "
                    f"(the module has {len(objectives)})",
                )
        for text_loc, text in _question_texts(question):
            for finding in find_unsafe_markup(text):
                bundle.add(
                    source.path,
                    source.line("questions", index, *text_loc),
                    f"{question.id}: {finding.message}",
                )


def _question_texts(question):
    yield ("stem",), question.stem
    yield ("feedback",), question.feedback
    for i, option in enumerate(question.options):
        yield ("options", i, "text"), option.text
        yield ("options", i, "rationale"), option.rationale


def _check_final(bundle: ContentBundle, source: QuizSource) -> None:
    settings = source.data.final
    pool = [q for s in bundle.quizzes for q in s.data.questions if q.status == "published"]
    pool += [q for q in source.data.questions if q.status == "published"]
    if len(pool) < settings.question_count:
        bundle.add(
            source.path,
            source.line("final", "question_count"),
            f"question_count {settings.question_count} exceeds the {len(pool)} "
            "published questions in the bank",
        )
    for index, rule in enumerate(settings.draw):
        matching = sum(1 for q in pool if set(q.tags) & set(rule.tags))
        if matching < rule.min:
            bundle.add(
                source.path,
                source.line("final", "draw", index),
                f"draw rule needs {rule.min} questions tagged {rule.tags}, the bank has {matching}",
            )
