"""Templates run no queries (issue 10 §2): the certificate steps come from the view."""

from __future__ import annotations

from flask import render_template_string

from course.certificates.eligibility import Eligibility, Step
from course.learning.progress import CourseState
from tests.conftest import url


def test_certificate_steps_is_no_longer_a_template_global(app) -> None:
    assert "certificate_steps" not in app.jinja_env.globals


def test_the_certificate_steps_partial_renders_from_its_context_without_a_query(
    app, course_content, count_queries
) -> None:
    state = CourseState(course_content, None, [], None)
    elig = Eligibility(
        state=state,
        evaluation=None,
        attestation=None,
        certificate=None,
        steps=[Step("modules", "Complete every module", False, "0 of 7 complete")],
    )
    with app.test_request_context("/"), count_queries() as counter:
        html = render_template_string(
            '{% include "learning/_certificate_steps.html" %}',
            state=state,
            course=course_content,
            elig=elig,
        )
    assert counter.count == 0, counter.statements
    assert 'data-step="modules"' in html
    assert "0 of 7 complete" in html


def test_the_course_page_shows_the_certificate_steps_the_view_loaded(
    client, course_content, make_user, login, get_page
) -> None:
    login(make_user())
    client.post(url("learning.enroll_course", course_slug=course_content.slug))
    soup = get_page("learning.course_page", course_slug=course_content.slug)
    steps = soup.select('[data-testid="certificate-steps"] li[data-step]')
    assert [li["data-step"] for li in steps][:2] == ["modules", "final"]


def test_no_course_function_is_a_template_global(app) -> None:
    """The next step, CE summary, follow-ups and claim credentials come from the views too."""
    ours = {
        name
        for name, value in app.jinja_env.globals.items()
        if getattr(value, "__module__", "").startswith("course")
    }
    assert ours == set()
    for gone in ("course_next_step", "ce_summary", "follow_ups_due", "claim_credentials"):
        assert gone not in app.jinja_env.globals


def test_the_context_processors_run_no_query(app, make_user, count_queries) -> None:
    from course.models import Role

    admin = make_user(role=Role.ADMIN)
    with app.test_request_context("/"), count_queries() as counter:  # literal URL: any page will do
        context = {}
        for processors in app.template_context_processors.values():
            for processor in processors:
                context.update(processor())
        links = context["nav_extra"](admin)
    assert counter.count == 0, counter.statements
    assert ("admin.users", "Users") in links


def test_the_dashboard_partials_render_from_the_views_context_without_a_query(
    app, count_queries
) -> None:
    with app.test_request_context("/"), count_queries() as counter:  # literal URL: any page will do
        html = render_template_string(
            '{% include "ce/_follow_ups.html" %}{% set course = none %}'
            '{% include "ce/_course_summary.html" %}',
            follow_ups=[],
            ce=None,
        )
    assert counter.count == 0, counter.statements
    assert "follow-up" not in html.lower()
