"""One write, one transaction: the block views wrap around a service call that may refuse.

    with commit_or_flash(AdminError) as saved:
        set_active(admin, user, active, reason)
    if not saved:
        return redirect(...)          # the refusal was rolled back and flashed

On leaving the block normally the session is committed. A refusal the caller names (a service
error whose message is written for the user) rolls everything back and is flashed, or left to
the caller with `flash_errors=False` (to put it on a form field: `saved.error`). A database
failure inside the block or at the commit (a constraint, a lost connection) also rolls back and
is reported in words, instead of a 500. Services never commit; views never repeat this block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, flash
from sqlalchemy.exc import IntegrityError, OperationalError

from course.extensions import db

NOT_SAVED = (
    "The change could not be saved because the database refused it; nothing was changed. "
    "Please try again."
)


@dataclass
class Outcome:
    """What happened to the block: committed, or rolled back with the reason."""

    ok: bool = False
    error: Exception | None = None

    def __bool__(self) -> bool:
        return self.ok


def rollback() -> None:
    """Discard the transaction, even when the connection is already gone."""
    try:
        db.session.rollback()
    except OperationalError:  # the connection died: the session is discarded all the same
        db.session.close()


@contextmanager
def commit_or_flash(
    *refusals: type[Exception],
    flash_errors: bool = True,
    category: str = "warning",
    conflict: str = NOT_SAVED,
) -> Iterator[Outcome]:
    """Commit the block's writes, or roll them all back and say why (see the module doc).

    `conflict` is the message for a constraint violation (say, two imports racing).
    """
    outcome = Outcome()
    try:
        yield outcome
        db.session.commit()
    except refusals as exc:
        rollback()
        outcome.error = exc
        if flash_errors:
            flash(str(exc), category)
    except (IntegrityError, OperationalError) as exc:
        rollback()
        outcome.error = exc
        current_app.logger.warning("Write rolled back: %s", exc.__class__.__name__)
        flash(conflict if isinstance(exc, IntegrityError) else NOT_SAVED, "danger")
    else:
        outcome.ok = True
