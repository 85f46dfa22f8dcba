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


@bp.cli.command("invite-follow-ups")
def invite_follow_ups() -> None:
    """Email every learner whose follow-up survey is due, once (run daily, e.g. from cron)."""
    from course import clock
    from course.ce.outcomes import due_follow_ups, invite_to_follow_up
    from course.mail import queue
    from course.models import Certificate, CertificateStatus, User

    now = clock.now()
    # DISTINCT over whole user rows fails on PostgreSQL (JSON columns have no equality), so
    # select the learners whose ids hold a valid certificate instead.
    holders = select(Certificate.user_id).where(Certificate.status == CertificateStatus.VALID)
    learners = db.session.scalars(select(User).where(User.id.in_(holders)).order_by(User.id)).all()
    messages = [
        message
        for user in learners
        for due in due_follow_ups(user.id, now.date())
        if (message := invite_to_follow_up(user, due.course, due.completed, now)) is not None
    ]
    db.session.commit()
    for message in messages:  # after the commit, as views do
        queue(message)
    click.echo(f"follow-up invitations sent: {len(messages)}")
