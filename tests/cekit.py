"""Helpers for CE transcript and reporting tests: certificates made straight from snapshots."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

from course.extensions import db
from course.models import Certificate, CertificateStatus, Course, User

_index = itertools.count(10_000)


def claim(credit_type: str, label: str, amount: float, cap: float = 2.0) -> dict[str, Any]:
    """One snapshot claim entry."""
    return {"credit_type": credit_type, "label": label, "amount": amount, "max": cap}


def certificate(
    user: User,
    course: Course,
    completed: date,
    claims: list[dict[str, Any]] | None = None,
    status: CertificateStatus = CertificateStatus.VALID,
    **extra: Any,
) -> Certificate:
    """Add (and flush) a certificate whose snapshot holds the given claims."""
    n = next(_index)
    snapshot = {
        "code": f"PRAC-T{n}",
        "full_name": user.full_name,
        "course_title": course.title,
        "course_slug": course.slug,
        "completion_date": completed.isoformat(),
        "issuer_name": "Practicum",
        "hours": 2.0,
        "credit_type": "participation",
        "credit_amount": 2.0,
        "ce": {"claims": claims or [claim("participation", "Hours of participation", 2.0)]},
        **extra,
    }
    row = Certificate(
        code=snapshot["code"],
        user_id=user.id,
        course_id=course.id,
        status=status,
        snapshot=snapshot,
        status_index=n,
        issued_at=datetime.combine(completed, datetime.min.time(), tzinfo=UTC),
    )
    db.session.add(row)
    db.session.flush()
    return row


def course(slug: str, title: str = "") -> Course:
    """Add (and flush) a bare course."""
    row = Course(slug=slug, title=title or slug.replace("-", " ").title())
    db.session.add(row)
    db.session.flush()
    return row


def cohort(course: Course, n: int, start: int = 0) -> list[User]:
    """Add n learners with complete identifiers, consent and a valid AMA + ANCC certificate."""
    users = [
        User(
            email=f"cohort{i}@example.org",
            full_name=f"Learner Number{i}",
            password_hash="x",
            profession="MD",
            licence_number=f"me-{i:05d}",
            licence_state="FL",
            npi="1234567893",
            board_id=f"ABIM{i}",
            birth_month=1 + i % 12,
            birth_day=1 + i % 28,
            share_consent_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for i in range(start, start + n)
    ]
    db.session.add_all(users)
    db.session.flush()
    for user in users:
        certificate(
            user,
            course,
            date(2026, 2, 1),
            [
                claim("ama_pra_1", "AMA PRA Category 1 Credit™", 1.5),
                claim("ancc", "ANCC contact hours", 1.5),
            ],
        )
    db.session.commit()
    return users
