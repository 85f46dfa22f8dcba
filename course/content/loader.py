"""Read content files (course.yaml, module Markdown, question-bank YAML) into validated objects.

Every problem is collected with its file and line; nothing raises on bad input.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from course.content.bundle import ContentBundle, ModuleSource, QuizSource
from course.content.checks import check_bundle
from course.content.schema import CourseFile, FinalFile, ModuleFrontMatter, QuizFile
from course.content.yamlpos import YamlProblem, line_of, load_yaml

FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.S | re.M)


def _validate(
    bundle: ContentBundle,
    path: Path,
    model: type[BaseModel],
    data: Any,
    node: yaml.Node | None,
    line_offset: int = 0,
) -> Any:
    """Validate `data` with `model`; record each error at its line; return the model or None."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc) or "(top level)"
            bundle.add(path, line_of(node, loc) + line_offset, f"{where}: {err['msg']}")
        return None


def _read(bundle: ContentBundle, path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        bundle.add(path, 1, f"cannot read file: {exc}")
        return None
    bundle.texts[str(path)] = text
    return text


def _load_yaml_file(
    bundle: ContentBundle, path: Path, model: type[BaseModel]
) -> tuple[Any, yaml.Node | None]:
    text = _read(bundle, path)
    if text is None:
        return None, None
    try:
        data, node = load_yaml(text)
    except YamlProblem as exc:
        bundle.add(path, exc.line, exc.message)
        return None, None
    return _validate(bundle, path, model, data, node), node


def load_module(bundle: ContentBundle, path: Path) -> ModuleSource | None:
    """Read one module Markdown file with YAML front matter."""
    text = _read(bundle, path)
    if text is None:
        return None
    match = FRONT_MATTER_RE.match(text.lstrip("\ufeff"))
    if not match:
        bundle.add(path, 1, "missing YAML front matter (the file must start with a '---' block)")
        return None
    try:
        data, node = load_yaml(match.group(1))
    except YamlProblem as exc:
        bundle.add(path, exc.line + 1, exc.message)
        return None
    meta = _validate(bundle, path, ModuleFrontMatter, data, node, line_offset=1)
    if meta is None:
        return None
    body_line = match.group(0).count("\n") + 1
    return ModuleSource(path, meta, text.lstrip("\ufeff")[match.end() :], body_line)


def load_content(content_dir: Path, quiz_dir: Path | None = None) -> ContentBundle:
    """Load and cross-check a course folder and, optionally, its question-bank folder."""

    bundle = ContentBundle(root=content_dir)
    course_path = content_dir / "course.yaml"
    if not course_path.exists():
        bundle.add(course_path, 1, "course.yaml is missing")
    else:
        bundle.course, _ = _load_yaml_file(bundle, course_path, CourseFile)
    for path in sorted(content_dir.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        module = load_module(bundle, path)
        if module:
            bundle.modules.append(module)
    if quiz_dir is not None and quiz_dir.exists():
        for path in sorted(quiz_dir.glob("*.yaml")):
            model = FinalFile if path.stem == "final" else QuizFile
            data, node = _load_yaml_file(bundle, path, model)
            if data is None:
                continue
            source = QuizSource(path, data, node)
            if isinstance(data, FinalFile):
                bundle.final = source
            else:
                bundle.quizzes.append(source)
    check_bundle(bundle)
    bundle.problems.sort()
    return bundle
