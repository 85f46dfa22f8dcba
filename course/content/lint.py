"""`flask content lint`: errors (schema, citations, duplicates, markup) and item warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from course.content.bankfigures import (
    bank_figures,
    describe_cue_words,
    pool_warnings,
    vignette_warning,
)
from course.content.bundle import ContentBundle, Problem
from course.content.estimate import estimate, hours_warnings
from course.content.itemwriting import item_warnings
from course.content.loader import load_content


def question_warnings(bundle: ContentBundle) -> list[Problem]:
    """Run the item-writing checks over every question, and the pool checks over every pool."""
    found: list[Problem] = []
    sources = [*bundle.quizzes, *([bundle.final] if bundle.final else [])]
    for source in sources:
        path = bundle_path(bundle, source.path)
        for index, q in enumerate(source.data.questions):
            options = [o.model_dump() for o in q.options]
            warnings = item_warnings(q.stem, options, q.references, qtype=q.type)
            vignette = vignette_warning(q)
            for warning in [*warnings, *([vignette] if vignette else [])]:
                line = source.line("questions", index)
                found.append(Problem(path, line, f"{q.id}: {warning}"))
        for warning in pool_warnings(source.data.questions):
            found.append(Problem(path, source.line("questions"), warning))
    return found


def bundle_path(bundle: ContentBundle, path: Path) -> str:
    """Path relative to the content root's parent, as errors are reported."""
    try:
        return str(path.resolve().relative_to(bundle.root.resolve().parent))
    except ValueError:
        return str(path)


@dataclass
class LintReport:
    """What lint found: errors, warnings, and the figures it prints."""

    errors: list[Problem]
    warnings: list[Problem]
    figures: list[str] = field(default_factory=list)


def lint_report(modules_dir: Path, quiz_dir: Path | None) -> LintReport:
    """Lint a content folder and its bank; bank figures off target are warnings too."""
    bundle = load_content(modules_dir, quiz_dir)
    warnings = question_warnings(bundle)
    for name, line, message in hours_warnings(bundle):
        warnings.append(Problem(bundle_path(bundle, bundle.root / name), line, message))
    figures: list[str] = []
    if bundle.modules:
        figures.append(str(estimate(bundle)))
    questions = [q for s in bundle.quizzes for q in s.data.questions]
    if questions:
        targets = bank_figures(questions)
        figures.extend(f"bank {t}" for t in targets)
        figures.extend(f"bank {line}" for line in describe_cue_words(questions))
        where = bundle_path(bundle, bundle.quizzes[0].path.parent)
        for target in targets:
            if not target.met:
                warnings.append(Problem(where, 1, f"bank figure off target: {target}"))
    return LintReport(bundle.problems, warnings, figures)


def lint_paths(modules_dir: Path, quiz_dir: Path | None) -> tuple[list[Problem], list[Problem]]:
    """Return (errors, warnings) for a content folder and its question bank."""
    report = lint_report(modules_dir, quiz_dir)
    return report.errors, report.warnings
