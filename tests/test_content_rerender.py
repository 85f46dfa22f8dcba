"""`flask content sync` re-renders modules whose stored HTML predates a renderer change.

The case in point: citation links gained aria-label="reference 12"; databases synced before
that kept bare "12" links until a module's text next changed.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from course.content.render import render_markdown
from course.models import Course, Module, PublishStatus

ARIA = re.compile(r' aria-label="reference \d+"')


def _sync(app) -> str:
    result = app.test_cli_runner().invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    return result.output


def _age(module: Module) -> None:
    """Make a module's HTML look as the old renderer left it (no accessible names)."""
    module.body_html = ARIA.sub("", module.body_html)


def test_sync_rerenders_modules_rendered_before_the_aria_labels(app, db) -> None:
    _sync(app)
    modules = list(db.session.scalars(select(Module).order_by(Module.position)))
    cited = [m for m in modules if ARIA.search(m.body_html)]
    assert len(cited) >= 2
    for module in cited:
        _age(module)
    course = db.session.scalar(select(Course))
    drafted = Module(  # made in the web editor: in no content file
        course=course,
        slug="editor-draft",
        title="Editor draft",
        position=99,
        status=PublishStatus.DRAFT,
        body_md="Drafted in the editor [3].",
        body_html='<p>Drafted in the editor <sup class="cite">[<a href="#ref-3">3</a>]</sup></p>',
    )
    db.session.add(drafted)
    db.session.commit()
    assert not any(ARIA.search(m.body_html) for m in cited)

    output = _sync(app)
    assert "0 added, 0 changed" in output
    assert f"{len(cited) + 1} re-rendered" in output
    for module in [*cited, drafted]:
        assert f"re-rendered module {course.slug}/{module.slug}" in output
    db.session.expire_all()
    for module in db.session.scalars(select(Module)):
        assert module.body_html == render_markdown(module.body_md)
    assert 'aria-label="reference 3"' in db.session.get(Module, drafted.id).body_html

    again = _sync(app)
    assert "0 re-rendered" in again
    assert "re-rendered module" not in again


def test_a_fresh_sync_rerenders_nothing(app, db) -> None:
    output = _sync(app)
    assert "0 re-rendered" in output
