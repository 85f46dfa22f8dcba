"""YAML with positions: map a pydantic error location back to a file line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml


class YamlProblem(ValueError):
    """A YAML syntax error with its 1-based line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class TextDateLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so the schema judges them and names the field.

    PyYAML's own timestamp constructor raises a bare ValueError on 2026-13-45, with no line.
    """


TextDateLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


# No course file nests anywhere near this deep; deeper input is refused before it is built.
MAX_DEPTH = 64


def _depth_problem(node: yaml.Node | None) -> YamlProblem | None:
    """Walk the node tree without recursion; refuse nesting deeper than MAX_DEPTH."""
    stack = [(node, 1)] if node is not None else []
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            line = current.start_mark.line + 1
            return YamlProblem(line, f"YAML is nested more than {MAX_DEPTH} levels deep.")
        if isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend((v, depth + 1) for _, v in current.value)
    return None


def load_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML safely and return (data, node tree); raise YamlProblem with a line on errors."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        problem = _depth_problem(node)
        if problem is not None:
            raise problem
        data = yaml.load(text, Loader=TextDateLoader)  # noqa: S506 - a SafeLoader
    except RecursionError as exc:
        raise YamlProblem(1, f"YAML is nested more than {MAX_DEPTH} levels deep.") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"YAML syntax error: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"YAML error: {exc}") from exc
    return data, node


def line_of(node: yaml.Node | None, loc: Sequence[str | int]) -> int:
    """Return the 1-based line of the deepest node reachable along `loc` (1 if none)."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None
