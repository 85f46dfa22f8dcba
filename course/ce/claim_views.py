"""The learner's credit claim page (part of the CE blueprint)."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course.auth.session_user import signed_in_user
from course.ce.activity import Activity, load_activity
from course.ce.claims import ClaimProblem, claim_problems, claims_of, field_name, record_claims
from course.ce.credentials import claim_credentials
from course.ce.forms import ClaimForm, claim_form
from course.ce.registry import CREDIT_TYPES
from course.ce.views import bp, published_course_or_404
from course.certificates.codes import normalise
from course.certificates.eligibility import CertificateError, Eligibility, load_eligibility
from course.certificates.issuer import current_issuer
from course.certificates.public_record import find_by_code
from course.certificates.services import auto_issue_if_ready
from course.models import Course
from course.permissions import ensure_owner
from course.unit_of_work import commit_or_flash


def _closed(course: Course, elig: Eligibility) -> Response | None:
    """Send the learner back when the claim is not open (issued, or course not complete)."""
    if elig.certificate is not None:
        message = "Your certificate for this course has already been issued."
    elif elig.state.enrollment is None or not elig.state.course_complete:
        message = "The credit claim opens once you have completed the course."
    else:
        return None
    flash(message, "info")
    return redirect(url_for("learning.course_page", course_slug=course.slug))


def _prefill(form: ClaimForm, course: Course, elig: Eligibility) -> None:
    """Show the learner's current attestation and claims."""
    if elig.attestation:
        form.hours.data = f"{elig.attestation.hours:g}"
    for c in claims_of(current_user.id, course.id):
        if hasattr(form, field_name(c.credit_type)):
            getattr(form, field_name(c.credit_type)).data = f"{c.amount:g}"


def _save(form: ClaimForm, course: Course, problems: list[str]) -> Response | None:
    """Record the claim and commit once; on bad input, put each error on its field."""
    amounts = {k[6:]: v for k, v in request.form.items() if k.startswith("claim_")}
    with commit_or_flash(ClaimProblem, CertificateError, flash_errors=False) as saved:
        record_claims(signed_in_user(), course, form.hours.data, amounts)
        certificate = auto_issue_if_ready(signed_in_user(), course, current_issuer(), "claim")
    if isinstance(saved.error, ClaimProblem):
        for name, message in saved.error.errors.items():
            target = getattr(form, name, None) if name != "hours" else None
            if target is None:
                problems.append(f"{name}: {message}")
            else:
                target.errors.append(message)
    elif isinstance(saved.error, CertificateError):
        form.hours.errors.append(str(saved.error))
    if not saved:
        return None
    if certificate is not None:
        flash(f"Your claim was recorded and certificate {certificate.code} issued.", "success")
        return redirect(url_for("certificates.mine"))
    flash("Your time and credit claim were recorded.", "success")
    return redirect(url_for("learning.course_page", course_slug=course.slug))


def _form(activity: Activity) -> ClaimForm:
    offers = activity.eligible(current_user.profession)
    return claim_form(
        [(d.credit_type, CREDIT_TYPES[d.credit_type].label, d.max_credits) for d in offers]
    )


@bp.route("/courses/<course_slug>/credit", methods=["GET", "POST"])
@login_required
def claim(course_slug: str) -> str | Response | tuple[str, int]:
    """Attest time and claim credit by profession (learners who completed the course)."""
    course = published_course_or_404(course_slug)
    activity = load_activity(course)
    if activity is None or not activity.credit_designations:
        return redirect(url_for("certificates.attestation", course_slug=course.slug))
    elig = load_eligibility(current_user.id, course)
    closed = _closed(course, elig)
    if closed is not None:
        return closed
    form = _form(activity)
    problems: list[str] = []
    if request.method == "GET":
        _prefill(form, course, elig)
        problems = claim_problems(signed_in_user(), course)
    elif form.validate_on_submit():
        saved = _save(form, course, problems)
        if saved is not None:
            return saved
    context = {
        "course": course,
        "offers": activity.eligible(current_user.profession),
        "form": form,
        "problems": problems,
        "field_name": field_name,
    }
    return render_template("ce/claim.html", **context), 400 if form.is_submitted() else 200


@bp.route("/certificates/<code>/credentials/<credit_type>.json")
@login_required
def claim_credential(code: str, credit_type: str) -> Response:
    """Send the signed credential of one further claim (the certificate's owner, or an admin)."""
    certificate = find_by_code(normalise(code))
    if certificate is None:
        abort(404)
    ensure_owner(certificate.user_id)
    found = next((c for c in claim_credentials(certificate) if c.credit_type == credit_type), None)
    if found is None:
        abort(404)
    response = jsonify(found.credential)
    filename = f"credential-{certificate.code}-{credit_type}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
