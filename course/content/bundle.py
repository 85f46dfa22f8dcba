"""The content bundle: what loading a content folder produced, and the problems found.

Plain data classes, shared by the loader (which fills them), the checks and the linter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from course.content.schema import CourseFile, FinalFile, ModuleFrontMatter, QuizFile
from course.content.yamlpos import line_of


@dataclass(frozen=True, order=True)
class Problem:
    """One content error, located by file and 1-based line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class ModuleSource:
    """A module file: validated front matter, its Markdown body and where the body starts."""

    path: Path
    meta: ModuleFrontMatter
    body: str
    body_line: int


@dataclass
class QuizSource:
    """A validated question-bank file, with its YAML node tree for line look-ups."""

    path: Path
    data: QuizFile | FinalFile
    node: yaml.Node | None

    def line(self, *loc: str | int) -> int:
        """Return the line of a location inside this file."""
        return line_of(self.node, loc)


@dataclass
class ContentBundle:
    """Everything read from a content folder (and its quiz folder), plus the problems found."""

    root: Path
    course: CourseFile | None = None
    modules: list[ModuleSource] = field(default_factory=list)
    quizzes: list[QuizSource] = field(default_factory=list)
    final: QuizSource | None = None
    problems: list[Problem] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)

    def add(self, path: Path | str, line: int, message: str) -> None:
        """Record a problem."""
        self.problems.append(Problem(_rel(path, self.root), line, message))

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def _rel(path: Path | str, root: Path) -> str:
    path = Path(path)
    try:
        return str(path.resolve().relative_to(root.resolve().parent))
    except ValueError:
        return str(path)
