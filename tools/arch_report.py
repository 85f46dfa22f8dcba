"""Architecture evidence for course/, from the source alone (no app, no database).

    .venv/bin/python tools/arch_report.py

Prints: the package tree with line counts; imports of another package's blueprint views;
import cycles among module-level imports (imports under `if TYPE_CHECKING:` and inside
functions are left out: they do not run at import time); where `qtype ==` is compared; and
the modules over 300 lines. Exits 1 when any of the last four finds something.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "course"
LIMIT = 300


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported: module level, and under plain `if`/`try`."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            stack.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            stack.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                stack.extend(handler.body)
    return found


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom | ast.Import, known: set[str]):
    """The course modules an import statement loads (a package, and a submodule if named)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in known]
    base = node.module or ""
    if node.level:
        package = importer.split(".") if is_package else importer.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base]) if base else ".".join(package)
    targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
    return [t for t in targets if t in known]


def import_graph(mods: dict[str, Path]) -> dict[str, set[str]]:
    known = set(mods)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _top_level_imports(tree):
            for target in _resolve(name, path.name == "__init__.py", node, known):
                if target != name:
                    graph[name].add(target)
        # Importing a.b.c runs a/__init__ and a/b/__init__ first.
        for target in list(graph[name]):
            parts = target.split(".")
            for i in range(1, len(parts)):
                parent = ".".join(parts[:i])
                if parent in known and parent != name and not name.startswith(parent + "."):
                    graph[name].add(parent)
    return graph


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others."""
    reach = {v: _reach(graph, v) for v in graph}
    groups = {
        tuple(sorted({v} | {w for w in reach[v] if v in reach[w]})) for v in graph if v in reach[v]
    }
    return [list(group) for group in sorted(groups)]


def views_crossings(mods: dict[str, Path]) -> list[str]:
    """Modules importing a `views` module of another top-level package under course/."""
    out = []
    pattern = re.compile(
        r"^\s*from (course\.[\w.]+)\.views import|^\s*from (course\.[\w.]+) import views\b"
    )
    for name, path in mods.items():
        if name == "course":  # the app factory registers every blueprint
            continue
        owner = name.split(".")[1] if name.count(".") else name
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = pattern.match(line)
            if match:
                target = (match.group(1) or match.group(2)).split(".")[1]
                if target != owner:
                    out.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    return out


def qtype_comparisons() -> list[str]:
    out = []
    for path in [*sorted(PACKAGE.rglob("*.py")), *sorted((ROOT / "templates").rglob("*.html"))]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bqtype\s*(==|!=)", line):
                out.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    return out


def tree(folder: Path = PACKAGE, depth: int = 0) -> list[str]:
    """The package as an indented tree: folders, then each module with its line count."""
    lines = [f"{'  ' * depth}{folder.name}/"]
    for path in sorted(folder.iterdir()):
        if path.is_dir() and (path / "__init__.py").exists():
            lines += tree(path, depth + 1)
        elif path.suffix == ".py":
            count = len(path.read_text(encoding="utf-8").splitlines())
            lines.append(f"{'  ' * (depth + 1)}{path.name} ({count})")
    return lines


def main() -> int:
    mods = modules()
    print(f"== course/ package tree ({len(mods)} modules, line counts) ==")
    print("\n".join(tree()))
    crossings = views_crossings(mods)
    print("\n== imports of another package's blueprint views ==")
    print("\n".join(crossings) or "none")
    found = cycles(import_graph(mods))
    print("\n== import cycles (module-level imports, TYPE_CHECKING excluded) ==")
    print("\n".join(" <-> ".join(c) for c in found) or "none")
    qtypes = qtype_comparisons()
    print("\n== `qtype ==` comparisons (allowed only in course/quiz/types/) ==")
    print("\n".join(qtypes) or "none")
    outside = [q for q in qtypes if not q.startswith("course/quiz/types/")]
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    ]
    print(f"\n== modules over {LIMIT} lines ==")
    print("\n".join(long) or "none")
    return 1 if crossings or found or outside or long else 0


if __name__ == "__main__":
    sys.exit(main())
