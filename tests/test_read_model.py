"""The learner read model (issue 17): cached course structure, its version, and two instances."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from course import create_app
from course.content.loader import load_content
from course.content.sync import sync_bundle
from course.extensions import db
from course.learning.readmodel import ReadModelCache, bump_structure_version, read_model
from course.models import CeActivity, Course, Module, PublishStatus, Quiz, Role
from tests.concurrency import shared_database_app
from tests.conftest import PASSWORD, CSRFClient, _config, database_url, is_postgres

FIXTURES = Path(__file__).parent / "content"


def version(course_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(Course.structure_version).where(Course.id == course_id))


@pytest.fixture
def course(db) -> Course:
    sync_bundle(load_content(FIXTURES / "valid"))
    db.session.commit()
    return db.session.scalars(select(Course)).one()


def test_every_structural_write_moves_the_version(
    client, db, course, make_user, login, tmp_path
) -> None:
    """Sync, module edit, (un)publish, course publish, quiz settings, CE activity, bulk bump."""
    login(make_user(role=Role.ADMIN))
    module = course.modules[0]
    seen = [version(course.id)]

    def moved(step: str) -> None:
        now = version(course.id)
        assert now > seen[-1], f"{step} did not bump the structure version"
        seen.append(now)

    root = tmp_path / "changed"
    shutil.copytree(FIXTURES / "valid", root)
    lesson = next(root.glob("*alpha*.md"))
    lesson.write_text(lesson.read_text().replace("## ", "## Changed ", 1))
    sync_bundle(load_content(root))
    db.session.commit()
    moved("content sync")

    edit = {
        "title": "Retitled",
        "slug": module.slug,
        "objectives": "Describe one thing.\nApply another.",
        "minutes": "7",
        "body": module.body_md,
        "save": "1",
    }
    assert client.post(f"/instructor/modules/{module.id}/edit", data=edit).status_code == 302
    moved("instructor module edit")
    assert client.post(f"/instructor/modules/{module.id}/unpublish").status_code == 302
    moved("module unpublish")
    assert client.post(f"/instructor/modules/{module.id}/publish").status_code == 302
    moved("module publish")

    row = db.session.get(Course, course.id)
    row.status = PublishStatus.DRAFT
    db.session.commit()
    assert client.post(f"/instructor/courses/{course.slug}/publish").status_code == 302
    moved("course publish")

    quiz = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)).first()
    if quiz is not None:
        quiz.settings = {**quiz.settings, "max_attempts": 9}
        db.session.commit()
        moved("quiz settings")

    db.session.add(CeActivity(course_id=course.id, info={}, disclosures={}, designations=[]))
    db.session.commit()
    moved("CE activity")

    bump_structure_version([course.id])
    db.session.commit()
    moved("explicit bump")


def test_a_learners_own_writes_do_not_move_the_version(client, course, make_user, login) -> None:
    login(make_user())
    before = version(course.id)
    client.post(f"/courses/{course.slug}/enroll")
    client.get(f"/courses/{course.slug}/modules/alpha")
    client.post(f"/courses/{course.slug}/modules/alpha/complete")
    assert version(course.id) == before


def test_the_cache_holds_plain_frozen_objects_and_is_bounded(
    app, client, course, make_user, login
) -> None:
    login(make_user())
    client.post(f"/courses/{course.slug}/enroll")
    assert client.get(f"/courses/{course.slug}/modules/alpha").status_code == 200
    cache = read_model()
    view = next(iter(cache.entries.values()))
    assert not isinstance(view, db.Model)
    assert all(not isinstance(m, db.Model) for m in view.modules)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        view.settings["sequential"] = False  # type: ignore[index]
    builds = cache.builds
    assert client.get(f"/courses/{course.slug}/modules/alpha").status_code == 200
    assert cache.builds == builds  # served from the cache

    small = ReadModelCache(max_entries=2)
    for _ in range(4):
        bump_structure_version([course.id])
        db.session.commit()
        small.get(course.id, version(course.id))
    assert list(small.entries) == [(course.id, version(course.id))]  # older versions dropped
    assert len(small.entries) <= 2


def _second_instance(url: str):
    other = create_app(_config(url))
    other.test_client_class = CSRFClient
    return other


def _sign_in(app, email: str):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_an_edit_on_another_instance_shows_on_the_very_next_request(tmp_path) -> None:
    """Instance A caches the course; instance B edits a module; A's next page is the new one."""
    from course.auth.services import create_user

    with shared_database_app(tmp_path, "two-instances") as first:
        url = first.config["SQLALCHEMY_DATABASE_URI"]
        assert url == database_url() or not is_postgres()
        with first.app_context():
            sync_bundle(load_content(FIXTURES / "valid"))
            for n, role in enumerate((Role.LEARNER, Role.INSTRUCTOR)):
                create_user(
                    email=f"u{n}@example.org",
                    password=PASSWORD,
                    full_name=f"User {n}",
                    role=role,
                    profession="MD",
                    verified=True,
                )
            db.session.commit()
            module = db.session.scalar(select(Module).where(Module.slug == "alpha"))
            module_id, body = module.id, module.body_md
        second = _second_instance(url)
        try:
            learner = _sign_in(first, "u0@example.org")
            learner.post("/courses/fixture-course/enroll")
            page = "/courses/fixture-course/modules/alpha"
            assert "Retitled on B" not in learner.get(page).get_data(as_text=True)
            with first.app_context():
                assert read_model().entries  # A has the course cached

            instructor = _sign_in(second, "u1@example.org")
            edit = {
                "title": "Retitled on B",
                "slug": "alpha",
                "objectives": "Describe one thing.\nApply another.",
                "minutes": "7",
                "body": body + "\n\nA paragraph added on B.",
                "save": "1",
            }
            response = instructor.post(f"/instructor/modules/{module_id}/edit", data=edit)
            assert response.status_code == 302

            html = learner.get(page).get_data(as_text=True)
            assert "Retitled on B" in html
            assert "A paragraph added on B." in html
        finally:
            with second.app_context():
                db.session.remove()
                db.engine.dispose()


def test_the_ce_gate_costs_no_query_of_its_own(
    app, client, course_content, make_user, login, count_queries
) -> None:
    """The real course is gated: the learner query carries the acknowledgement (issue 17)."""
    app.config["CE_ACKNOWLEDGEMENT_GATE"] = True
    login(make_user())
    slug = course_content.slug
    first = f"/courses/{slug}/modules/{course_content.modules[0].slug}"
    client.post(f"/courses/{slug}/enroll")
    client.get(first)  # a cold cache reads the course's structure once
    with count_queries() as refused:
        response = client.get(first)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/courses/{slug}/activity")
    assert refused.count <= 2, refused.statements
    client.post(f"/courses/{slug}/activity/acknowledge", data={"confirm": "y"})
    client.get(first)  # first visit: records the view
    with count_queries() as page:
        assert client.get(first).status_code == 200
    assert page.count <= 2, page.statements


def test_the_module_page_stays_per_learner(app, db, course, make_user, login) -> None:
    """The static lesson is cached; each learner still sees their own status on it."""
    page = f"/courses/{course.slug}/modules/alpha"
    first, second = app.test_client(), app.test_client()
    for client, user in ((first, make_user()), (second, make_user())):
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        client.post(f"/courses/{course.slug}/enroll")
        client.get(page)
    first.post(f"{page}/complete")

    def badge(client) -> str:
        html = client.get(page).get_data(as_text=True)
        assert "Learning objectives" in html  # the cached static part is there
        return html.split("minutes · ", 1)[1].split("</span>", 1)[0]

    assert "Complete" in badge(first)
    assert "In progress" in badge(second)
    assert "Complete" in badge(first)  # and again, after the other learner's request
    assert len(read_model().entries) == 1  # one cached course, shared by both
