"""Certificates blueprint: learner steps (evaluation, attestation), downloads, public verify."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from course.auth.session_user import signed_in_user
from course.ce.credentials import claim_credentials
from course.ce.services import course_has_credit
from course.certificates.codes import normalise
from course.certificates.eligibility import (
    CertificateError,
    Eligibility,
    load_eligibility,
    record_attestation,
    record_evaluation,
)
from course.certificates.forms import AttestationForm, EvaluationForm, VerifyForm
from course.certificates.issuer import current_issuer
from course.certificates.journey import next_steps
from course.certificates.keys import did_document
from course.certificates.pdf_cache import certificate_pdf
from course.certificates.public_record import find_by_code, public_record
from course.certificates.public_view import lookup, verify_page
from course.certificates.revocation_list import status_list_credential
from course.certificates.services import auto_issue_if_ready
from course.certificates.sharing import linkedin_url
from course.extensions import db, limiter
from course.learning.progress import load_course_states
from course.mail import certificate_issued_message, queue
from course.models import Certificate, Course, PublishStatus
from course.permissions import ensure_owner
from course.unit_of_work import commit_or_flash
from course.urls import public_url

bp = Blueprint("certificates", __name__)

VERIFY_LIMIT = "30/minute"
STATUS_LIST_LIMIT = "120/minute"
NOINDEX = "noindex, nofollow"
# One per-IP budget across every way of looking a code up, so the routes cannot be summed.
verify_limit = limiter.shared_limit(VERIFY_LIMIT, scope="certificate-verify")


def _course_or_404(slug: str) -> Course:
    course = db.session.scalar(
        select(Course).where(Course.slug == slug, Course.status == PublishStatus.PUBLISHED)
    )
    if course is None:
        abort(404)
    return course


def _gate(course: Course, step: str) -> Eligibility | Response:
    """The learner's eligibility, or a redirect to the course page when the step is not open."""
    elig = load_eligibility(current_user.id, course)
    back = redirect(url_for("learning.course_page", course_slug=course.slug))
    if elig.certificate is not None:
        flash("Your certificate for this course has already been issued.", "info")
        return back
    if elig.state.enrollment is None or not elig.state.course_complete:
        flash(f"The {step} opens once you have completed the course.", "info")
        return back
    return elig


def _step(course: Course, trigger: str) -> Certificate | None:
    """Issue automatically when the policy allows it (inside the step's one transaction)."""
    return auto_issue_if_ready(signed_in_user(), course, current_issuer(), trigger)


def _after_step(course: Course, certificate: Certificate | None, done: str) -> Response:
    """Say what happens next, once the step and any automatic issue are committed."""
    if certificate is not None:
        queue(certificate_issued_message(certificate))
        flash(f"{done} Your certificate {certificate.code} has been issued.", "success")
        return redirect(url_for("certificates.mine"))
    flash(done, "success")
    return redirect(url_for("learning.course_page", course_slug=course.slug))


@bp.route("/courses/<course_slug>/evaluation", methods=["GET", "POST"])
@login_required
def evaluation(course_slug: str) -> str | Response | tuple[str, int]:
    """Show and accept the course evaluation (enrolled learners who completed the course)."""
    course = _course_or_404(course_slug)
    elig = _gate(course, "evaluation")
    if isinstance(elig, Response):
        return elig
    if elig.evaluation is not None:
        flash("You have already submitted the evaluation. Thank you.", "info")
        return redirect(url_for("learning.course_page", course_slug=course.slug))
    form = EvaluationForm()
    if form.validate_on_submit():
        with commit_or_flash(CertificateError) as saved:
            record_evaluation(current_user.id, course, form.answers())
            certificate = _step(course, "evaluation")
        if not saved:
            return redirect(url_for("learning.course_page", course_slug=course.slug))
        return _after_step(course, certificate, "Thank you: your evaluation was recorded.")
    status = 400 if form.is_submitted() else 200
    return render_template("certificates/evaluation.html", course=course, form=form), status


@bp.route("/courses/<course_slug>/attestation", methods=["GET", "POST"])
@login_required
def attestation(course_slug: str) -> str | Response | tuple[str, int]:
    """Show and accept the time attestation (enrolled learners who completed the course)."""
    course = _course_or_404(course_slug)
    elig = _gate(course, "time attestation")
    if isinstance(elig, Response):
        return elig
    if course_has_credit(course):  # CE: the attestation is part of the credit claim
        return redirect(url_for("ce.claim", course_slug=course.slug))
    form = AttestationForm(max_hours=course.max_hours)
    if request.method == "GET" and elig.attestation is not None:
        form.hours.data = f"{elig.attestation.hours:g}"
    if form.validate_on_submit():
        with commit_or_flash(CertificateError, flash_errors=False) as saved:
            record_attestation(current_user.id, course, form.hours.data)
            certificate = _step(course, "attestation")
        if saved:
            return _after_step(course, certificate, "Your time attestation was recorded.")
        if isinstance(saved.error, CertificateError):
            form.hours.errors = [str(saved.error)]
    status = 400 if form.is_submitted() else 200
    context = {"course": course, "form": form, "elig": elig}
    return render_template("certificates/attestation.html", **context), status


@bp.route("/certificates")
@login_required
def mine() -> str:
    """List the signed-in user's certificates with downloads and verify links."""
    certificates = db.session.scalars(
        select(Certificate)
        .where(Certificate.user_id == current_user.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).all()
    links = {c.code: public_url("certificates.verify", code=c.code) for c in certificates}
    pending = [s for s in load_course_states(current_user.id) if s.course_complete]
    linkedin = {c.code: linkedin_url(c, links[c.code]) for c in certificates}
    extras = {c.code: claim_credentials(c) for c in certificates}
    steps = next_steps(current_user.id, pending)
    context = {"links": links, "pending": pending, "linkedin": linkedin, "next_steps": steps}
    return render_template(
        "certificates/mine.html", certificates=certificates, extra_credentials=extras, **context
    )


def _owned_or_404(code: str) -> Certificate:
    certificate = find_by_code(normalise(code))
    if certificate is None:
        abort(404)
    ensure_owner(certificate.user_id)
    return certificate


@bp.route("/certificates/<code>/certificate.pdf")
@login_required
def download(code: str) -> Response:
    """Send the certificate PDF, rendered only from its snapshot (its owner, or an admin)."""
    certificate = _owned_or_404(code)
    pdf = certificate_pdf(certificate, public_url("certificates.verify", code=certificate.code))
    response = Response(pdf, mimetype="application/pdf")
    filename = f"certificate-{certificate.code}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/certificates/<code>/credential.json")
@login_required
def credential(code: str) -> Response:
    """Send the signed Open Badges 3.0 credential (its owner, or an admin)."""
    certificate = _owned_or_404(code)
    if not certificate.credential:
        abort(404)
    response = jsonify(certificate.credential)
    filename = f"credential-{certificate.code}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _cors(response)


def _cors(response: Response) -> Response:
    """Let browser verifiers and wallets on other sites read a public verification resource.

    ``*`` never carries cookies, so an owner-only resource stays owner-only.
    """
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _noindex(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = NOINDEX
    return response


@bp.route("/verify")
@verify_limit
def verify_form() -> Response:
    """Look up a typed code, forgiving case, spaces and dashes (anyone)."""
    form = VerifyForm(request.args)
    status = 200
    if "code" in request.args:
        status = 400
        if form.validate():
            canonical = normalise(form.code.data)
            if canonical is not None:
                return _noindex(redirect(url_for("certificates.verify", code=canonical)))
            form.code.errors.append(
                "That is not a certificate code: check it against the certificate."
            )
    html = render_template("certificates/verify.html", form=form, record=None, searched=False)
    return _noindex(Response(html, status=status))


@bp.route("/verify/<code>")
@verify_limit
def verify(code: str) -> Response:
    """Say whether a certificate is valid, revoked or superseded, or not found (anyone)."""
    canonical = normalise(code)
    if canonical is not None and canonical != code:
        return _noindex(redirect(url_for("certificates.verify", code=canonical)))
    found = lookup(canonical)
    record = found[1] if found else None
    html = verify_page(  # the form is built only when the page is rendered
        found,
        lambda: render_template(
            "certificates/verify.html",
            form=VerifyForm(data={"code": code}),
            record=record,
            searched=True,
        ),
    )
    return _noindex(Response(html, status=200 if record else 404))


@bp.route("/api/v1/certificates/<code>", methods=["GET"])
@verify_limit
def api_certificate(code: str) -> Response | tuple[Response, int]:
    """The public verification record as JSON (anyone)."""
    certificate = find_by_code(normalise(code))
    if certificate is None:
        body = jsonify(error="Not Found", status=404, message="No certificate has this code.")
        return _cors(_noindex(body)), 404
    record = public_record(certificate)
    record["verify_url"] = public_url("certificates.verify", code=certificate.code)
    if "superseded_by" in record:
        record["superseded_by_url"] = public_url(
            "certificates.verify", code=record["superseded_by"]
        )
    return _cors(_noindex(jsonify(record)))


@bp.route("/credentials/status/<int:list_id>")
@limiter.limit(STATUS_LIST_LIMIT)
def status_list(list_id: int) -> Response:
    """The signed BitstringStatusListCredential of revoked certificates (anyone)."""
    config = current_app.config
    ttl = timedelta(seconds=int(config["STATUS_LIST_TTL_SECONDS"]))
    signed = status_list_credential(current_issuer(), list_id, ttl=ttl)
    if signed is None:
        abort(404, description="No signing key owns this status list.")
    response = jsonify(signed)
    max_age = min(int(config["STATUS_LIST_MAX_AGE_SECONDS"]), int(ttl.total_seconds()))
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return _cors(response)


@bp.route("/.well-known/did.json")
def did_json() -> Response:
    """The issuer's DID document when DID_WEB_DOMAIN is set (anyone)."""
    issuer = current_issuer()
    ring = issuer.keyring()
    if not issuer.did_web_domain or not ring.keys:
        abort(404)
    return _cors(jsonify(did_document(ring, issuer.did(ring))))
