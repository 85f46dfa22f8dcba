"""Role-matrix rows for continuing education (course/ce/)."""

from __future__ import annotations

from datetime import date
from typing import Any

from course.ce import uploads
from course.models import ExternalCredit

STAFF_GET = ("GET", "login", 403, 200, 200)
ADMIN_GET = ("GET", "login", 403, 403, 200)

# endpoint: (method, anonymous, learner, instructor, admin)
ROWS: dict[str, tuple[str, object, object, object, object]] = {
    # The activity information is public: people read it before deciding to enrol.
    "ce.activity": ("GET", 200, 200, 200, 200),
    # An empty POST (box not ticked) re-renders the page with the error; nothing is recorded.
    "ce.acknowledge_activity": ("POST", "login", 400, 400, 400),
    "ce.privacy": ("GET", 200, 200, 200, 200),
    # The real course offers participation only, so the claim is the plain time attestation
    # (which itself sends anyone who has not completed the course back to the course page).
    "ce.claim": ("GET", "login", 302, 302, 302),
    "ce.edit": STAFF_GET,
    "ce.staff_home": STAFF_GET,
    # The world's certificate (participation only) has no further claim credentials.
    "ce.claim_credential": ("GET", "login", 404, 404, 404),
    # Reporting identifiers: one's own (an empty POST saves nothing and redirects), and the
    # admin's fixing page for a flagged learner.
    "ce.identifiers": ("GET", "login", 200, 200, 200),
    "ce.learner_identifiers": ("GET", "login", 403, 403, 200),
    # The transcript is everyone's own; admins open anyone's from the user list.
    "ce.transcript": ("GET", "login", 200, 200, 200),
    "ce.transcript_download": ("GET", "login", 200, 200, 200),
    "ce.learner_transcript": ADMIN_GET,
    "ce.learner_transcript_download": ADMIN_GET,
    "ce.add_credit": ("GET", "login", 200, 200, 200),
    # The world's self-reported certificate file belongs to its owner: others get 404.
    "ce.credit_file": ("GET", "login", 404, 404, 200),
    # The real course has no pre-test (404); its follow-up is not open to the matrix's users.
    "ce.pretest": ("GET", "login", 404, 404, 404),
    "ce.pretest_start": ("POST", "login", 404, 404, 404),
    "ce.pretest_submit": ("POST", "login", 404, 404, 404),
    "ce.follow_up": ("GET", "login", 404, 404, 404),
    "ce.outcomes": STAFF_GET,
    # Board reporting is the admins' alone.
    "ce.reports": ADMIN_GET,
    "ce.prevalidate": ADMIN_GET,
    "ce.export": ADMIN_GET,
    "ce.activity_summary": ADMIN_GET,
    "ce.activity_summary_csv": ADMIN_GET,
}


def extend_world(world: dict[str, Any], db: Any, make_user: Any) -> None:
    """The CE block the editor URL opens."""
    world["block"] = "disclosures"
    world["credit_type"] = "ipce"
    world["user_id"] = world["owner"].id
    world["fmt"] = "csv"
    world["kind"] = "pars"
    credit = ExternalCredit(
        user_id=world["owner"].id,
        title="Elsewhere",
        provider="Other CME",
        completed_on=date(2025, 1, 2),
        credit_type="other",
        amount=1.0,
        file_name=uploads.new_name("image/png"),
        file_type="image/png",
    )
    db.session.add(credit)
    db.session.commit()
    uploads.write(credit.file_name, b"\x89PNG\r\n\x1a\n")
    world["credit_id"] = credit.id
