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
    """Invite every learner whose follow-up survey is due (run daily, e.g. from cron)."""
    from course import clock
    from course.ce.outcomes import due_follow_ups, invite_to_follow_up
    from course.models import Certificate, CertificateStatus, FollowUp, User

    now = clock.now()
    today = now.date()
    learners = db.session.scalars(
        select(User)
        .join(Certificate, Certificate.user_id == User.id)
        .where(Certificate.status == CertificateStatus.VALID)
        .distinct()
    ).all()
    invitations = select(FollowUp.user_id, FollowUp.course_id).where(
        FollowUp.invited_at.is_not(None)
    )
    already = {(u, c) for u, c in db.session.execute(invitations)}
    invited = 0
    for user in learners:
        for due in due_follow_ups(user.id, today):
            if (user.id, due.course.id) not in already:
                invite_to_follow_up(user, due.course, now)
                invited += 1
    db.session.commit()
    click.echo(f"follow-up invitations recorded: {invited}")
