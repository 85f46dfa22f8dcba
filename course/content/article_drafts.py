"""Hold an imported article's draft model and write it out as lesson module files.

Each file opens with "> Draft imported from <title>. Rewrite ..." (no extra full stop when the
title already ends in . ? or !). Writing happens in a temp folder beside out_dir that is renamed
into place; an OSError is re-raised after the temp folder is removed and any old out_dir restored.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from course.content.article_refs import Reference

WORDS_PER_MINUTE = 200
MIN_MINUTES = 5


class ArticleError(ValueError):
    """Reject an article or an output folder, naming the line (0 when no line applies)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class Section:
    """One draft lesson module cut from the article."""

    title: str
    slug: str
    order: int
    body: str
    line: int
    citations: list[int] = field(default_factory=list)


@dataclass
class ArticleDraft:
    """A parsed article: sections, references, and what was dropped or looked doubtful."""

    title: str
    sections: list[Section]
    references: list[Reference]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


def _module_text(article_title: str, section: Section) -> str:
    minutes = max(MIN_MINUTES, math.ceil(len(section.body.split()) / WORDS_PER_MINUTE))
    meta = {
        "slug": section.slug,
        "title": section.title,
        "order": section.order,
        "minutes": minutes,
        "objectives": [],
        "references": section.citations,
        "status": "draft",
    }
    head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=None)
    stop = "" if article_title.endswith((".", "?", "!")) else "."
    note = (
        f"> Draft imported from {article_title}{stop} Rewrite in your own words before publishing."
    )
    return f"---\n{head}---\n\n" + "\n\n".join(filter(None, [note, section.body])) + "\n"


def _swap_in(tmp: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        tmp.rename(out_dir)
        return
    holder = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
    out_dir.rename(holder / "previous")
    try:
        tmp.rename(out_dir)
    except OSError:
        (holder / "previous").rename(out_dir)
        shutil.rmtree(holder, ignore_errors=True)
        raise
    shutil.rmtree(holder, ignore_errors=True)


def write_drafts(
    draft: ArticleDraft,
    out_dir: Path,
    *,
    overwrite: bool = False,
    render: Callable[[str, Section], str] = _module_text,
) -> list[Path]:
    """Write each section as NN-slug.md plus references.yaml into out_dir, all or nothing."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ArticleError(0, f"{out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not overwrite:
        raise ArticleError(0, f"{out_dir} is not empty; pass overwrite=True to replace it")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new.", dir=out_dir.parent))
    tmp.chmod(0o755)
    try:
        names = []
        for section in draft.sections:
            names.append(f"{section.order:02d}-{section.slug}.md")
            (tmp / names[-1]).write_text(render(draft.title, section), encoding="utf-8")
        refs = {"references": [asdict(r) for r in draft.references]}
        dump = yaml.safe_dump(refs, sort_keys=False, allow_unicode=True, width=1000)
        (tmp / "references.yaml").write_text(dump, encoding="utf-8")
        names.append("references.yaml")
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out_dir / name for name in names]
