"""The learner's reporting identifiers and board-sharing consent (part of the CE blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from course import clock
from course.auth.session_user import signed_in_user
from course.ce.identifiers import day_problem, npi_valid
from course.ce.views import bp
from course.extensions import db
from course.models import Role, User


def _strip(value: str | None) -> str | None:
    return (value or "").strip() or None


class IdentifiersForm(FlaskForm):
    """Optional identifiers ACCME PARS and CE Broker reports need, and the consent to share."""

    licence_number = StringField(
        "Licence number (as on your licence)", [Optional(), Length(max=64)], filters=[_strip]
    )
    licence_state = StringField(
        "Licence state (two-letter US code, e.g. FL)", [Optional(), Length(max=64)], [_strip]
    )
    npi = StringField("NPI (10 digits)", [Optional(), Length(max=10)], filters=[_strip])
    board_id = StringField("Certifying-board ID", [Optional(), Length(max=64)], filters=[_strip])
    birth_month = IntegerField("Birth month (1–12)", [Optional(), NumberRange(1, 12)])
    birth_day = IntegerField("Birth day (1–31)", [Optional(), NumberRange(1, 31)])
    consent = BooleanField("Share my completion data with my licensing and certification boards")

    def validate_npi(self, field: StringField) -> None:
        """An NPI is ten digits whose last is the Luhn check digit (80840 prefix)."""
        if field.data and not npi_valid(field.data):
            raise ValidationError("Enter a valid 10-digit NPI: this one fails its check digit.")

    def validate(self, extra_validators=None) -> bool:
        """Month and day go together and must make a real date."""
        ok = super().validate(extra_validators)
        if self.birth_month.errors or self.birth_day.errors:
            return False
        problem = day_problem(self.birth_month.data, self.birth_day.data)
        if problem:
            self.birth_day.errors = [*self.birth_day.errors, problem]
            return False
        return ok


def _save(form: IdentifiersForm, user: User, own: bool) -> None:
    """Copy the form onto the user; only the learner may give or withdraw consent."""
    for name in ("licence_number", "licence_state", "npi", "board_id"):
        setattr(user, name, getattr(form, name).data or None)
    user.birth_month = form.birth_month.data
    user.birth_day = form.birth_day.data
    if own:
        if form.consent.data and user.share_consent_at is None:
            user.share_consent_at = clock.now()
        elif not form.consent.data:
            user.share_consent_at = None


def _edit(user: User, own: bool) -> str | Response | tuple[str, int]:
    form = IdentifiersForm(obj=user)
    if not form.is_submitted():
        form.consent.data = user.share_consent_at is not None
    if form.validate_on_submit():
        _save(form, user, own)
        db.session.commit()
        flash("Reporting identifiers saved.", "success")
        endpoint = "ce.identifiers" if own else "ce.learner_identifiers"
        return redirect(url_for(endpoint, **({} if own else {"user_id": user.id})))
    page = render_template("ce/identifiers.html", form=form, person=user, own=own)
    return page, 400 if form.is_submitted() else 200


@bp.route("/ce/identifiers", methods=["GET", "POST"])
@login_required
def identifiers() -> str | Response | tuple[str, int]:
    """Edit one's own reporting identifiers and consent (signed-in users)."""
    return _edit(signed_in_user(), own=True)


@bp.route("/ce/learners/<int:user_id>/identifiers", methods=["GET", "POST"])
@login_required
def learner_identifiers(user_id: int) -> str | Response | tuple[str, int]:
    """Fix a learner's identifiers flagged by pre-validation; consent stays theirs (admins)."""
    if current_user.role != Role.ADMIN:
        abort(403)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return _edit(user, own=user.id == current_user.id)
