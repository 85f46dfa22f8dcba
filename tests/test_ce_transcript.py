"""The transcript: totals per credit type, the date filter, downloads, self-reported credits."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from course import clock
from course.ce.transcript import transcript_for
from course.models import CertificateStatus, ExternalCredit, Role
from tests.cekit import certificate, claim, course
from tests.conftest import url

AMA = "AMA PRA Category 1 Credit™"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def at(monkeypatch):
    """Travel in time: at(2026, 5, 1) sets the one clock."""

    def travel(*ymd: int) -> None:
        moment = datetime(*ymd, 12, 0, tzinfo=UTC)
        monkeypatch.setattr(clock, "now", lambda: moment)

    return travel


@pytest.fixture
def learner_with_history(db, make_user, course_content):
    user = make_user(full_name="Zoë Łukasiewicz-Núñez")
    certificate(user, course("older"), date(2024, 3, 1), [claim("ama_pra_1", AMA, 1.5)])
    certificate(
        user,
        course("sepsis-2025"),
        date(2025, 6, 1),
        [claim("ama_pra_1", AMA, 2.0), claim("ipce", "IPCE credit", 2.0)],
    )
    certificate(
        user,
        course_content,
        date(2025, 7, 1),
        [claim("ama_pra_1", AMA, 9)],
        CertificateStatus.REVOKED,
    )
    certificate(user, course("airway"), date(2025, 8, 1), valid_until="2025-12-31")
    db.session.add(
        ExternalCredit(
            user_id=user.id,
            title="Sepsis update",
            provider="Elsewhere CME",
            completed_on=date(2025, 9, 1),
            credit_type="ama_pra_1",
            amount=3.0,
        )
    )
    db.session.commit()
    return user


def test_totals_and_date_filter_by_time_travel(learner_with_history, at) -> None:
    at(2025, 10, 1)
    t = transcript_for(learner_with_history, clock.now().date(), None, None)
    assert [r.status for r in t.rows] == ["self-reported", "valid", "revoked", "valid", "valid"]
    assert t.totals == {AMA: 3.5, "Hours of participation": 2.0, "IPCE credit": 2.0}
    assert t.self_totals == {AMA: 3.0}
    cycle = transcript_for(learner_with_history, clock.now().date(), date(2025, 1, 1), None)
    assert cycle.totals == {AMA: 2.0, "Hours of participation": 2.0, "IPCE credit": 2.0}
    at(2026, 2, 1)  # the 2025-08 certificate's validity has run out
    later = transcript_for(learner_with_history, clock.now().date(), date(2025, 1, 1), None)
    assert "expired" in [r.status for r in later.rows]
    assert later.totals == {AMA: 2.0, "IPCE credit": 2.0}


def test_transcript_page_pdf_and_csv(client, login, learner_with_history, get_page) -> None:
    login(learner_with_history)
    soup = get_page("ce.transcript", start="2025-01-01", end="2025-12-31")
    assert "self-reported" in soup.get_text()
    assert soup.select_one("[data-totals=self-reported]").get_text(" ", strip=True).startswith(AMA)
    pdf = client.get(url("ce.transcript_download", fmt="pdf", start="2025-01-01"))
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Zoë Łukasiewicz-Núñez" in text
    csv_text = client.get(url("ce.transcript_download", fmt="csv")).get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("completion_date,title,provider,credit_type")
    assert ",self-reported," in csv_text


@pytest.mark.parametrize(
    "query", ["start=2025-13-01", "start=2025-05-01&end=2025-01-01", "end=x\x00"]
)
def test_bad_range_names_the_field(client, login, make_user, query) -> None:
    login(make_user())
    response = client.get(f"/transcript?{query}")
    assert response.status_code == 400
    assert client.get(f"/transcript.csv?{query}").status_code == 400


def test_admin_opens_any_transcript(client, login, make_user, learner_with_history) -> None:
    login(make_user(role=Role.ADMIN))
    page = client.get(url("ce.learner_transcript", user_id=learner_with_history.id))
    assert "Zoë" in page.get_data(as_text=True)
    assert (
        client.get(
            url("ce.learner_transcript_download", user_id=learner_with_history.id, fmt="csv")
        ).status_code
        == 200
    )
    assert client.get(url("ce.learner_transcript", user_id=999999)).status_code == 404


def _form(data: bytes | None = None, name: str = "cert.png", **over: object) -> dict:
    form = {
        "title": "Airway course",
        "provider": "Other Hospital",
        "completed_on": "2025-05-05",
        "credit_type": "ama_pra_1",
        "amount": "1.5",
        **over,
    }
    if data is not None:
        form["certificate"] = FileStorage(io.BytesIO(data), filename=name)
    return form


def _post(client, form):
    """POST multipart bytes built here (a big dict body would leave a test temp file open)."""
    fields = {"csrf_token": client.csrf_token(), **form}
    boundary, body = encode_multipart(MultiDict(fields))
    kind = f"multipart/form-data; boundary={boundary}"
    return client.post(url("ce.add_credit"), data=body, content_type=kind)


def test_learner_adds_an_external_credit_with_a_file(client, login, make_user, db, app) -> None:
    user = login(make_user())
    assert _post(client, _form(PNG, "../../etc/passwd.png")).status_code == 302
    credit = db.session.query(ExternalCredit).one()
    assert credit.file_type == "image/png"
    assert "passwd" not in credit.file_name
    assert "/" not in credit.file_name
    response = client.get(url("ce.credit_file", credit_id=credit.id))
    assert response.data == PNG
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert user.id == credit.user_id


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PDF, "renamed.png", None),  # accepted as a PDF: the name never decides the type
        (b"<html><script>alert(1)</script></html>", "page.pdf", "PDF, PNG or JPEG"),
        (b"%PDF-1.4\n<html><script>x</script>", "poly.pdf", "markup"),
        (b"", "empty.pdf", "empty"),
        (b"%PDF-" + b"0" * (6 * 1024 * 1024), "big.pdf", "larger than 5 MB"),
        (b"GIF89a....", "anim.gif", "PDF, PNG or JPEG"),
    ],
)
def test_upload_type_is_sniffed(client, login, make_user, db, data, name, message) -> None:
    login(make_user())
    response = _post(client, _form(data, name))
    if message is None:
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(ExternalCredit).count() == 0


def test_a_pdf_named_png_is_stored_as_pdf(client, login, make_user, db) -> None:
    login(make_user())
    _post(client, _form(PDF, "renamed.png"))
    assert db.session.query(ExternalCredit).one().file_type == "application/pdf"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "1e100", "at most 1000"),
        ("amount", "-1", "more than 0"),
        ("amount", "NaN", "as a number"),
        ("amount", "1.234", "two decimals"),
        ("title", "bad\x00title", "NUL byte"),
        ("title", "bad\x07title", "control characters"),
        ("completed_on", "2999-01-01", "future"),
        ("credit_type", "bogus", "Not a valid choice"),
    ],
)
def test_bad_credit_fields(client, login, make_user, db, field, value, message) -> None:
    login(make_user())
    response = _post(client, _form(PNG, **{field: value}))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(ExternalCredit).count() == 0


def test_no_orphan_file_when_the_commit_fails(
    client, login, make_user, db, app, monkeypatch, tmp_path
) -> None:
    login(make_user())
    folder = tmp_path / "uploads"
    app.config["CE_UPLOAD_DIR"] = str(folder)

    def broken_commit() -> None:
        raise RuntimeError("database down")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert _post(client, _form(PNG)).status_code == 500
    assert not folder.exists() or not any(folder.iterdir())
    monkeypatch.undo()
    assert _post(client, _form(PNG)).status_code == 302
    assert len(list(folder.iterdir())) == 1


def test_another_learners_file_is_404(client, login, make_user, db) -> None:
    owner = make_user()
    login(owner)
    _post(client, _form(PNG))
    credit = db.session.query(ExternalCredit).one()
    client.post(url("auth.logout"))
    login(make_user())
    assert client.get(url("ce.credit_file", credit_id=credit.id)).status_code == 404
    client.post(url("auth.logout"))
    login(make_user(role=Role.ADMIN))
    assert client.get(url("ce.credit_file", credit_id=credit.id)).status_code == 200


def test_self_reported_credit_never_on_verify(client, login, learner_with_history, db) -> None:
    cert = learner_with_history and db.session.query(ExternalCredit).one()
    assert cert.title == "Sepsis update"
    from course.models import Certificate

    code = db.session.query(Certificate).first().code
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Sepsis update" not in page
