"""`make bench` reads its settings from BENCH_* variables (bench/run.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bench.floor import LEARNER_FLOOR_PATH, SIGNED_FLOOR_PATH, add_signed_floor
from bench.run import SCENARIOS, Settings, _verdict, print_table, summarise
from bench.server import Measurement
from tests.conftest import url


def test_defaults_are_two_workers_and_three_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BENCH_WORKERS", "BENCH_ROUNDS", "BENCH_ONLY", "BENCH_LEARNERS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert (settings.workers, settings.rounds, settings.only) == (2, 3, ())
    # One open attempt per learner and module quiz: 3,000 x 7 fresh attempts per 10 s round
    # last up to 2,100 submits a second (1,000 learners ran out at about 950).
    assert settings.learners == 3000


def test_workers_and_targets_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BENCH_WORKERS", "1")
    monkeypatch.setenv("BENCH_ONLY", "quiz_submit,verify_page")
    settings = Settings.from_env()
    assert settings.workers == 1
    assert settings.only == ("quiz_submit", "verify_page")


def test_the_two_floors_are_reported_without_a_target() -> None:
    by_name = {s.name: s for s in SCENARIOS}
    assert by_name["app_floor"].path == "/healthz"
    assert by_name["app_floor"].auth is False
    assert by_name["signed_floor"].path == SIGNED_FLOOR_PATH
    assert by_name["signed_floor"].auth is True
    assert by_name["app_floor"].target_ratio is None
    assert by_name["signed_floor"].target_ratio is None
    ok = Measurement(rps=100.0, ok=1000, bad=0, overflow=0, p50_ms=1.0, p99_ms=2.0)
    assert _verdict(by_name["signed_floor"], 0.3, [ok]) == "report"
    assert by_name["learner_floor"].target_ratio is None
    assert by_name["learner_floor"].auth is True


def test_the_learner_floor_page_runs_only_the_user_load_and_the_learner_query(
    app, client, db, course_content, make_user, login, count_queries
) -> None:
    """The work every learner page must do, and nothing else: so its ratio bounds theirs."""
    add_signed_floor(app)
    path = LEARNER_FLOOR_PATH.replace("<course_slug>", course_content.slug)
    assert client.get(path).status_code == 302  # signed in only
    login(make_user())
    client.post(url("learning.enroll_course", course_slug=course_content.slug))
    client.get(path)  # warms the course's read model
    with count_queries() as counter:
        page = client.get(path)
    assert (page.status_code, page.get_data(as_text=True)) == (200, "0")  # percent complete
    assert len(counter.statements) == 2, counter.statements
    assert "UNION ALL" in counter.statements[1]  # the learner-state query


def test_the_signed_floor_page_needs_a_session_and_does_nothing_else(
    app, client, make_user, login
) -> None:
    add_signed_floor(app)
    anonymous = client.get(SIGNED_FLOOR_PATH)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith(url("auth.login"))
    login(make_user())
    page = client.get(SIGNED_FLOOR_PATH)
    assert page.status_code == 200
    assert page.get_data(as_text=True) == "ok"
    assert page.mimetype == "text/plain"


def test_without_wrk_the_bench_stops_at_once_and_names_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """Before seeding (which takes a minute), not as a traceback from the first wrk run."""
    import bench.run

    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no wrk on it
    monkeypatch.setattr(bench.run, "seed", lambda *a, **k: pytest.fail("seeded without wrk"))
    with pytest.raises(SystemExit) as stopped:
        bench.run.main()
    assert "apt-get install wrk" in str(stopped.value)


def test_a_submit_run_that_ran_out_of_fresh_attempts_is_invalid_and_says_what_to_raise(
    capsys: pytest.CaptureFixture[str],
) -> None:
    submit = next(s for s in SCENARIOS if s.pooled)
    hello = SCENARIOS[0]
    fine = Measurement(rps=5000.0, ok=50000, bad=0, overflow=0, p50_ms=1.0, p99_ms=2.0)
    short = Measurement(rps=900.0, ok=9000, bad=0, overflow=2100, p50_ms=8.0, p99_ms=20.0)
    rows = summarise([hello, submit], {hello.name: [fine], submit.name: [short]})
    assert [row["verdict"] for row in rows] == ["baseline", "INVALID"]
    print_table(rows, SimpleNamespace(graded=6900, posted=9000))
    out = capsys.readouterr().out
    assert "quiz_submit: INVALID, its pool of open attempts ran out (2100 POSTs" in out
    assert "raise BENCH_LEARNERS" in out
    assert "hello: INVALID" not in out
