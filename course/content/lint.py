"""`flask content lint`: errors (schema, citations, duplicates, markup) and item warnings."""

from __future__ import annotations

from pathlib import Path

from course.content.itemwriting import item_warnings
from course.content.loader import ContentBundle, Problem, load_content


def question_warnings(bundle: ContentBundle) -> list[Problem]:
    """Run the item-writing checks over every question in the bundle."""
    found: list[Problem] = []
    sources = [*bundle.quizzes, *([bundle.final] if bundle.final else [])]
    for source in sources:
        for index, q in enumerate(source.data.questions):
            options = [o.model_dump() for o in q.options]
            for warning in item_warnings(q.stem, options, q.references, qtype=q.type):
                line = source.line("questions", index)
                found.append(Problem(bundle_path(bundle, source.path), line, f"{q.id}: {warning}"))
    return found


def bundle_path(bundle: ContentBundle, path: Path) -> str:
    """Path relative to the content root's parent, as errors are reported."""
    try:
        return str(path.resolve().relative_to(bundle.root.resolve().parent))
    except ValueError:
        return str(path)


def lint_paths(modules_dir: Path, quiz_dir: Path | None) -> tuple[list[Problem], list[Problem]]:
    """Return (errors, warnings) for a content folder and its question bank."""
    bundle = load_content(modules_dir, quiz_dir)
    return bundle.problems, question_warnings(bundle)
