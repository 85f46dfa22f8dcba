"""Run the Nu HTML Checker over rendered pages (shared by the *_html_validity tests).

This module holds no tests.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

CONTROL = (
    '<!doctype html><html lang="en"><head><title>c</title></head>'
    '<body><p id="x"></p><p id="x"></p></body></html>'
)


def nu_errors(command: list[str], pages: dict[str, str], folder: Path) -> list[str]:
    """Check each page (name → HTML); return "name:line: message" for every error.

    A control page with a known error (a duplicate id) is checked alongside, and must be
    reported, which proves the checker really ran on this batch.
    """
    files = {}
    for n, (path, html) in enumerate(pages.items()):
        target = folder / f"page{n:02d}.html"
        target.write_text(html, encoding="utf-8")
        files[str(target)] = path
    control = folder / "control.html"
    control.write_text(CONTROL, encoding="utf-8")
    files[str(control)] = "control"
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:"
        f"{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert any(e.startswith("control:") and "Duplicate ID" in e for e in errors), errors
    return [e for e in errors if not e.startswith("control:")]
