"""The verify page's cached public view (issue 17): keyed by status, coherent across instances."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from course import create_app
from course.auth.services import create_user
from course.certificates.codes import new_code
from course.certificates.public_view import public_view
from course.certificates.services import revoke_certificate
from course.extensions import db
from course.models import Certificate, Role, User
from tests.cekit import certificate, course
from tests.concurrency import shared_database_app
from tests.conftest import PASSWORD, CSRFClient, _config


def _seed() -> str:
    holder = create_user(email="h@example.org", password=PASSWORD, full_name="Hana Holder")
    create_user(email="a@example.org", password=PASSWORD, full_name="Ada Admin", role=Role.ADMIN)
    db.session.flush()
    row = certificate(holder, course("verify-course"), date(2026, 5, 1))
    row.code = new_code()
    db.session.commit()
    return row.code


def test_a_revoke_on_another_instance_shows_on_the_very_next_verify(tmp_path) -> None:
    with shared_database_app(tmp_path, "verify-two") as first:
        with first.app_context():
            code = _seed()
        second = create_app(_config(first.config["SQLALCHEMY_DATABASE_URI"]))
        second.test_client_class = CSRFClient
        try:
            client = first.test_client()
            page = client.get(f"/verify/{code}")
            assert page.status_code == 200
            assert "Hana Holder" in page.get_data(as_text=True)
            with first.app_context():
                cached = first.extensions["practicum.public_certificates"]
                assert [k[1].value for k in cached.entries] == ["valid"]
                assert client.get(f"/verify/{code}").status_code == 200
                assert len(cached.entries) == 1  # served from the cache

            with second.app_context():
                row = db.session.scalar(select(Certificate).where(Certificate.code == code))
                admin = db.session.scalar(select(User).where(User.email == "a@example.org"))
                revoke_certificate(row, admin, "Issued in error during testing.")
                db.session.commit()

            html = client.get(f"/verify/{code}").get_data(as_text=True)
            assert "revoked" in html.lower()
            with first.app_context():
                assert [k[1].value for k in cached.entries] == ["revoked"]  # old key dropped
        finally:
            with second.app_context():
                db.session.remove()
                db.engine.dispose()


def test_the_public_view_is_read_only_and_costs_one_narrow_query(app, db, count_queries) -> None:
    code = _seed()
    public_view(code)  # cold: builds the record
    with count_queries() as counter:
        view = public_view(code)
    assert view["name"] == "Hana Holder"
    assert counter.count == 1
    assert "snapshot" not in counter.statements[0]
    with pytest.raises(TypeError):
        view["name"] = "Someone Else"  # type: ignore[index]
    assert public_view("PRAC-NOPE") is None
