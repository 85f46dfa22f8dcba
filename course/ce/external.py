"""Self-reported credits: validate and record what a learner earned elsewhere.

Services flush but never commit; the view writes the file only after the row is flushed and
removes it if the commit fails, so neither a row nor a file is ever half-saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from course.ce.uploads import UploadProblem, new_name, sniff
from course.extensions import db
from course.models import ExternalCredit, User

MAX_AMOUNT = Decimal(1000)


class CreditProblem(ValueError):
    """The self-reported credit cannot be saved; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class NewCredit:
    """What the learner typed (already stripped by the form)."""

    title: str
    provider: str
    completed_on: date
    credit_type: str
    amount: str


def amount_problem(text: str) -> str | None:
    """What is wrong with a self-reported amount (a number > 0, at most 1000, 2 decimals)."""
    try:
        amount = Decimal(text) if len(text) <= 20 else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        return "Enter the credit as a number, for example 1.5."
    if amount <= 0:
        return "Credit must be more than 0."
    if amount > MAX_AMOUNT:
        return f"Credit must be at most {MAX_AMOUNT}."
    if amount != amount.quantize(Decimal("0.01")):
        return "Credit may have at most two decimals."
    return None


def add_external_credit(
    user: User, new: NewCredit, data: bytes | None, today: date
) -> tuple[ExternalCredit, bytes | None]:
    """Record a self-reported credit; returns it and the file bytes to store (learner)."""
    errors = {}
    problem = amount_problem(new.amount)
    if problem:
        errors["amount"] = problem
    if new.completed_on > today:
        errors["completed_on"] = "The completion date cannot be in the future."
    mime = None
    if data is not None:
        try:
            mime = sniff(data)
        except UploadProblem as exc:
            errors["certificate"] = str(exc)
    if errors:
        raise CreditProblem(errors)
    credit = ExternalCredit(
        user_id=user.id,
        title=new.title,
        provider=new.provider,
        completed_on=new.completed_on,
        credit_type=new.credit_type,
        amount=float(Decimal(new.amount)),
        file_name=new_name(mime) if mime else None,
        file_type=mime,
    )
    db.session.add(credit)
    db.session.flush()
    return credit, data if mime else None
