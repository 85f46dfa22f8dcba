"""`flask ce export <slug>`: write a course's CE blocks back out as course.yaml YAML."""

from __future__ import annotations

import click
from sqlalchemy import select

from course.ce.editing import BLOCKS, block_text
from course.ce.views import bp
from course.extensions import db
from course.models import Course


@bp.cli.command("export")
@click.argument("slug")
def export(slug: str) -> None:
    """Print the course's activity, disclosures, designations and accreditation as YAML."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(f"no course with slug {slug!r}")
    for block in BLOCKS:
        text = block_text(course, block)
        if text:
            click.echo(text, nl=False)
