"""Transcript pages and downloads, and self-reported credits (part of the CE blueprint)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response as BaseResponse
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from course.auth.session_user import signed_in_user
from course.ce import uploads
from course.ce.external import CreditProblem, NewCredit, add_external_credit
from course.ce.registry import CREDIT_TYPES
from course.ce.services import today
from course.ce.transcript import OTHER, Transcript, transcript_for
from course.ce.transcript_files import transcript_csv, transcript_pdf
from course.ce.views import bp
from course.extensions import db
from course.models import ExternalCredit, User
from course.permissions import admin_required, ensure_owner
from course.unit_of_work import commit_or_flash, rollback
from course.urls import public_url

FORMATS = ("pdf", "csv")


@bp.url_value_preprocessor
def _allow_uploads(endpoint: str | None, values: dict | None) -> None:
    """Let the upload form's body past the app's 2 MB limit, so the 5 MB check names the field.

    URL value preprocessors run before every before_request hook, and some of those (the NUL
    refusal, CSRF) read the form body.
    """
    if endpoint == "ce.add_credit":
        request.max_content_length = uploads.max_bytes() * 2


def _printable(form: FlaskForm, field: StringField) -> None:
    if any(ord(ch) < 32 for ch in field.data or ""):
        raise ValidationError("Remove control characters (such as NUL) from this field.")


def _strip(value: str | None) -> str:
    return (value or "").strip()


class RangeForm(FlaskForm):
    """The transcript's date range (a GET filter, so no CSRF)."""

    class Meta:
        csrf = False

    start = DateField("From", [Optional()])
    end = DateField("To", [Optional()])

    def validate_end(self, field: DateField) -> None:
        """The range must not run backwards."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The end date is before the start date.")


class ExternalCreditForm(FlaskForm):
    """A credit earned elsewhere, with an optional certificate file."""

    title = StringField("Activity title", [DataRequired(), Length(max=200), _printable], [_strip])
    provider = StringField("Provider", [DataRequired(), Length(max=200), _printable], [_strip])
    completed_on = DateField("Completion date", [DataRequired("Enter the completion date.")])
    credit_type = SelectField(
        "Credit type",
        choices=[SelectChoice(t.key, t.label) for t in CREDIT_TYPES.values()]
        + [SelectChoice(OTHER, "Other credit")],
    )
    amount = StringField("Credit amount", [DataRequired(), Length(max=20)], [_strip])
    certificate = FileField("Certificate file (optional: PDF, PNG or JPEG, up to 5 MB)")


def _range() -> tuple[RangeForm, bool]:
    form = RangeForm(request.args)
    return form, form.validate() if request.args else True


def _learner(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _page(user: User, own: bool) -> tuple[str, int]:
    form, ok = _range()
    start, end = (form.start.data, form.end.data) if ok else (None, None)
    t = transcript_for(user, today(), start, end)
    values = {k: v for k, v in request.args.items() if k in ("start", "end") and ok}
    if not own:
        values["user_id"] = user.id
    endpoint = "ce.transcript_download" if own else "ce.learner_transcript_download"
    links = {fmt: url_for(endpoint, fmt=fmt, **values) for fmt in FORMATS}
    page = render_template("ce/transcript.html", t=t, form=form, own=own, links=links)
    return page, 200 if ok else 400


def _download(user: User, fmt: str) -> BaseResponse:
    form, ok = _range()
    if fmt not in FORMATS or not ok:
        abort(404 if fmt not in FORMATS else 400)
    t: Transcript = transcript_for(user, today(), form.start.data, form.end.data)
    if fmt == "pdf":
        response = Response(transcript_pdf(t), mimetype="application/pdf")
    else:
        lines = transcript_csv(t, lambda code: public_url("certificates.verify", code=code))
        response = Response(lines, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="transcript-{user.id}.{fmt}"'
    return response


@bp.route("/transcript")
@login_required
def transcript() -> tuple[str, int]:
    """Show one's transcript with totals per credit type for a date range (signed-in users)."""
    return _page(signed_in_user(), own=True)


@bp.route("/transcript.<fmt>")
@login_required
def transcript_download(fmt: str) -> BaseResponse:
    """Download one's transcript as PDF or CSV (signed-in users)."""
    return _download(signed_in_user(), fmt)


@bp.route("/ce/learners/<int:user_id>/transcript")
@admin_required
def learner_transcript(user_id: int) -> tuple[str, int]:
    """Show any learner's transcript (admins)."""
    return _page(_learner(user_id), own=False)


@bp.route("/ce/learners/<int:user_id>/transcript.<fmt>")
@admin_required
def learner_transcript_download(user_id: int, fmt: str) -> BaseResponse:
    """Download any learner's transcript as PDF or CSV (admins)."""
    return _download(_learner(user_id), fmt)


def _upload(form: ExternalCreditForm) -> bytes | None:
    storage = form.certificate.data
    if not storage or not getattr(storage, "filename", None):
        return None
    return storage.stream.read(uploads.max_bytes() + 1)


def _store(form: ExternalCreditForm) -> bool:
    """Record the credit, write its file, commit once; on failure leave no row and no file."""
    new = NewCredit(
        form.title.data,
        form.provider.data,
        form.completed_on.data,
        form.credit_type.data,
        form.amount.data,
    )
    stored = None
    try:
        with commit_or_flash(CreditProblem, flash_errors=False) as saved:
            credit, data = add_external_credit(signed_in_user(), new, _upload(form), today())
            stored = credit.file_name if data is not None else None
            if stored:
                uploads.write(stored, data)
    except Exception:  # an unexpected failure (the disk, say): no row, and no file either
        rollback()
        uploads.remove(stored)
        raise
    if not saved:
        uploads.remove(stored)
    if isinstance(saved.error, CreditProblem):
        for name, message in saved.error.errors.items():
            getattr(form, name).errors.append(message)
    return bool(saved)


@bp.route("/transcript/credits/new", methods=["GET", "POST"])
@login_required
def add_credit() -> str | BaseResponse | tuple[str, int]:
    """Add a self-reported credit earned elsewhere, with an optional file (signed-in users)."""
    form = ExternalCreditForm()
    if form.validate_on_submit() and _store(form):
        flash("Your self-reported credit was added to your transcript.", "success")
        return redirect(url_for("ce.transcript"))
    page = render_template("ce/external_credit.html", form=form)
    return page, 400 if form.is_submitted() else 200


@bp.route("/transcript/credits/<int:credit_id>/certificate")
@login_required
def credit_file(credit_id: int) -> BaseResponse:
    """Send a self-reported credit's certificate file as an attachment (its owner, or admins)."""
    credit = db.session.get(ExternalCredit, credit_id)
    if credit is None or credit.file_name is None:
        abort(404)
    ensure_owner(credit.user_id)
    path = uploads.path_of(credit.file_name)
    if not path.is_file():
        abort(404)
    ext = uploads.EXTENSIONS.get(credit.file_type or "", "bin")
    response = Response(path.read_bytes(), mimetype=credit.file_type)
    name = f"self-reported-{credit.id}.{ext}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
