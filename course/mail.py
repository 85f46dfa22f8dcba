"""Messages: compose them (plain text + HTML, user data escaped) and send them.

Views compose a message after their commit and hand it to the queue
(course.tasks.deliver_email), so a slow or failing mail server never holds up a request
and a message is retried until the server takes it. Nothing here touches the request.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import select

from course.admin.services import certificate_queue
from course.extensions import db
from course.models import Certificate, Role, User
from course.tasks import deliver_email
from course.urls import public_url

PLATFORM = "Practicum"


def compose(to: str, template: str, subject: str, **context: Any) -> dict[str, Any]:
    """Render templates/email/<template>.txt and .html into a message dict for the queue.

    Jinja escapes everything in the HTML part, so a learner's name cannot inject markup.
    """
    context = {"platform": PLATFORM, **context}
    return {
        "to": [to],
        "subject": f"{PLATFORM}: {subject}",
        "text": render_template(f"email/{template}.txt", **context),
        "html": render_template(f"email/{template}.html", **context),
    }


def send_now(message: dict[str, Any]) -> str:
    """Send one composed message through Flask-Mailman (SMTP, console or locmem backend)."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=current_app.config.get("MAIL_DEFAULT_SENDER"),
        to=message["to"],
    )
    email.attach_alternative(message["html"], "text/html")
    email.send(fail_silently=False)
    return message["to"][0]


def queue(message: dict[str, Any]) -> None:
    """Hand a composed message to the background queue (call after the commit)."""
    deliver_email(message)


def approval_digest_messages() -> list[dict[str, Any]]:
    """One digest per admin listing the certificates awaiting approval (none when empty)."""
    rows = certificate_queue()
    if not rows:
        return []
    admins = db.session.scalars(
        select(User).where(User.role == Role.ADMIN, User.active.is_(True))
    ).all()
    items = [{"name": row.user.full_name, "course": row.course.title} for row in rows]
    url = public_url("admin.certificates")
    return [
        compose(
            admin.email,
            "approval_digest",
            f"{len(rows)} certificate(s) awaiting approval",
            name=admin.full_name,
            items=items,
            url=url,
        )
        for admin in admins
    ]


def certificate_issued_message(certificate: Certificate) -> dict[str, Any]:
    """Tell the learner their certificate was issued, with its code and links."""
    snapshot = certificate.snapshot
    return compose(
        certificate.user.email,
        "certificate_issued",
        f"your certificate for {snapshot['course_title']}",
        name=snapshot["full_name"],
        course=snapshot["course_title"],
        code=certificate.code,
        mine_url=public_url("certificates.mine"),
        verify_url=public_url("certificates.verify", code=certificate.code),
    )


def certificate_revoked_message(certificate: Certificate, reason: str) -> dict[str, Any]:
    """Tell the learner their certificate was revoked, and why."""
    snapshot = certificate.snapshot
    return compose(
        certificate.user.email,
        "certificate_revoked",
        f"your certificate {certificate.code} was revoked",
        name=snapshot["full_name"],
        course=snapshot["course_title"],
        code=certificate.code,
        reason=reason,
        verify_url=public_url("certificates.verify", code=certificate.code),
    )
