"""`make bench` reads its settings from BENCH_* variables (bench/run.py)."""

from __future__ import annotations

import pytest

from bench.run import Settings


def test_defaults_are_two_workers_and_three_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BENCH_WORKERS", "BENCH_ROUNDS", "BENCH_ONLY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert (settings.workers, settings.rounds, settings.only) == (2, 3, ())


def test_workers_and_targets_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BENCH_WORKERS", "1")
    monkeypatch.setenv("BENCH_ONLY", "quiz_submit,verify_page")
    settings = Settings.from_env()
    assert settings.workers == 1
    assert settings.only == ("quiz_submit", "verify_page")
