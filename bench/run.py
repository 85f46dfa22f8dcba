"""`make bench`: seed a database, serve the app and a bare Flask baseline under gunicorn, run wrk.

Targets are measured in alternation (hello, module page, dashboard, quiz submit, then again) for
BENCH_ROUNDS rounds; each figure is the median req/s, compared with the hello baseline.
Settings: BENCH_DURATION (s per run, 10), BENCH_CONNECTIONS (8), BENCH_THREADS (2),
BENCH_ROUNDS (3), BENCH_LEARNERS (3000), BENCH_MODULES (7: lessons are cloned beyond the
course's own), BENCH_DATABASE_URL (PostgreSQL instead of a SQLite file; the database is emptied
and re-seeded), BENCH_WORKERS (gunicorn workers for both apps, 2), BENCH_ONLY (comma-separated
names), BENCH_KEEP=1.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

from flask import Flask
from sqlalchemy.engine import make_url

from bench import server
from bench.floor import LEARNER_FLOOR_PATH, SIGNED_FLOOR_PATH
from bench.pool import count_submitted, top_up_pool
from bench.seed import (
    BENCH_EMAIL,
    PASSWORD,
    PUBLIC_BASE_URL,
    SECRET_KEY,
    USER_AGENT,
    SeedInfo,
    app_config,
    database_url,
    seed,
)
from course import create_app

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BASELINE = "hello"


@dataclass(frozen=True)
class Scenario:
    """One measured target: which server, what wrk sends, and the ratio to hello it must reach.

    `path` may use {course}, {code} (the learner's certificate) and
    {module1}..{module7}. `pooled` scenarios POST each open attempt
    of a fresh pool once (quiz submit); the others GET `path` with the benchmark learner's
    cookie (or none when `auth` is False) and expect `expect` as the status.
    """

    name: str
    server: str
    path: str
    target_ratio: float | None = None
    expect: int = 200
    auth: bool = True
    pooled: bool = False


SCENARIOS: list[Scenario] = [
    # Targets from issue 17 (the step toward 0.5 for every learner page).
    Scenario(BASELINE, "hello", "/", auth=False),
    Scenario("module_page", "app", "/courses/{course}/modules/{module2}", target_ratio=0.3),
    Scenario("dashboard", "app", "/dashboard", target_ratio=0.3),
    Scenario("quiz_submit", "app", "/quiz/attempt/<id>", target_ratio=0.1, pooled=True),
    Scenario("verify_page", "app", "/verify/{code}", target_ratio=0.5, auth=False),
    Scenario("pdf_download", "app", "/certificates/{code}/certificate.pdf", target_ratio=0.1),
    # Reference rows, no target: the app's own floors, anonymous and signed in (no page work),
    # and signed in with only the learner-state query every learner page must run.
    Scenario("app_floor", "app", "/healthz", auth=False),
    Scenario("signed_floor", "app", SIGNED_FLOOR_PATH),
    Scenario("learner_floor", "app", LEARNER_FLOOR_PATH.replace("<course_slug>", "{course}")),
]


@dataclass(frozen=True)
class Settings:
    """Load settings, overridable through BENCH_* environment variables."""

    duration: int = 10
    connections: int = 8
    threads: int = 2
    rounds: int = 3
    learners: int = 3000
    modules: int = 7
    workers: int = 2
    only: tuple[str, ...] = ()

    @classmethod
    def from_env(cls) -> Settings:
        """Read the BENCH_* variables the module docstring lists."""
        env = os.environ
        only = tuple(n for n in env.get("BENCH_ONLY", "").split(",") if n)
        return cls(
            duration=int(env.get("BENCH_DURATION", cls.duration)),
            connections=int(env.get("BENCH_CONNECTIONS", cls.connections)),
            threads=int(env.get("BENCH_THREADS", cls.threads)),
            rounds=int(env.get("BENCH_ROUNDS", cls.rounds)),
            learners=int(env.get("BENCH_LEARNERS", cls.learners)),
            modules=int(env.get("BENCH_MODULES", cls.modules)),
            workers=int(env.get("BENCH_WORKERS", cls.workers)),
            only=only,
        )


@dataclass
class Bench:
    """Everything a scenario run needs."""

    settings: Settings
    info: SeedInfo
    workdir: Path
    ports: dict[str, int]
    cookie: str
    app: Flask
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    graded: int = 0
    posted: int = 0

    def path(self, scenario: Scenario) -> str:
        """The scenario's path with course and module slugs filled in."""
        slugs = {f"module{i}": s for i, s in enumerate(self.info.module_slugs, start=1)}
        return scenario.path.format(
            course=self.info.course_slug, code=self.info.certificate_code, **slugs
        )


def measure(bench: Bench, scenario: Scenario, seconds: int | None = None) -> server.Measurement:
    """Run wrk once against a scenario."""
    port = bench.ports[scenario.server]
    duration = seconds or bench.settings.duration
    if scenario.pooled:
        return _measure_pool(bench, port, duration)
    headers = [f"User-Agent: {USER_AGENT}"]
    if scenario.auth:
        headers.append(f"Cookie: session={bench.cookie}")
    return server.wrk(
        bench.settings,
        duration,
        f"http://127.0.0.1:{port}{bench.path(scenario)}",
        "get.lua",
        headers,
        [str(scenario.expect)],
    )


def _measure_pool(bench: Bench, port: int, duration: int) -> server.Measurement:
    """Submit a fresh pool of open attempts; count how many became graded."""
    entries = top_up_pool(bench.app, bench.info.bench_user_id, bench.rng)
    pool_file = bench.workdir / "pool.tsv"
    pool_file.write_text("".join(f"{e.attempt_id}\t{e.cookie}\t{e.body}\n" for e in entries))
    args = [str(pool_file), str(bench.settings.threads), USER_AGENT]
    url = f"http://127.0.0.1:{port}/quiz/attempt"
    result = server.wrk(bench.settings, duration, url, "quiz_submit.lua", [], args)
    graded = count_submitted(bench.app, [e.attempt_id for e in entries])
    bench.graded += graded
    bench.posted += result.ok + result.bad
    result.notes.append(f"pool {len(entries)}, graded {graded}")
    return result


def verify_targets(bench: Bench, scenarios: list[Scenario]) -> None:
    """Fail early unless every target answers as expected and one real submit grades."""
    for scenario in scenarios:
        if scenario.pooled:
            _verify_submit(bench)
            continue
        cookie = bench.cookie if scenario.auth else None
        status, _, body = server.fetch(bench.ports[scenario.server], bench.path(scenario), cookie)
        if status != scenario.expect:
            raise RuntimeError(
                f"{scenario.name}: GET answered {status}, expected {scenario.expect}"
            )
        if scenario.name == BASELINE and body != "hello":
            raise RuntimeError(f"hello answered {body[:80]!r}")


def _verify_submit(bench: Bench) -> None:
    entry = top_up_pool(bench.app, bench.info.bench_user_id, bench.rng)[0]
    status, headers, _ = server.fetch(
        bench.ports["app"], f"/quiz/attempt/{entry.attempt_id}", entry.cookie, entry.body
    )
    location = headers.get("Location", "")
    if status != 302 or "/review" not in location:
        raise RuntimeError(f"quiz submit answered {status} {location!r}, not a redirect to review")
    if count_submitted(bench.app, [entry.attempt_id]) != 1:
        raise RuntimeError(f"quiz submit did not grade attempt {entry.attempt_id}")


def run_rounds(bench: Bench, scenarios: list[Scenario]) -> dict[str, list[server.Measurement]]:
    """Warm up, then measure each scenario once per round, in alternation."""
    for scenario in scenarios:
        if not scenario.pooled:
            measure(bench, scenario, seconds=max(1, bench.settings.duration // 5))
    results: dict[str, list[server.Measurement]] = {s.name: [] for s in scenarios}
    for number in range(1, bench.settings.rounds + 1):
        for scenario in scenarios:
            result = measure(bench, scenario)
            results[scenario.name].append(result)
            print(f"  round {number} {scenario.name:<14} {result.rps:9.1f} req/s", flush=True)
    return results


def summarise(
    scenarios: list[Scenario], results: dict[str, list[server.Measurement]]
) -> list[dict[str, Any]]:
    """Median req/s per scenario, ratio to hello and verdict."""
    base = median(r.rps for r in results[BASELINE]) if BASELINE in results else None
    rows = []
    for scenario in scenarios:
        runs = results[scenario.name]
        rps = median(r.rps for r in runs)
        ratio = rps / base if base else None
        rows.append(
            {
                "target": scenario.name,
                "path": scenario.path,
                "median_rps": round(rps, 1),
                "rounds_rps": [round(r.rps, 1) for r in runs],
                "ratio": round(ratio, 3) if ratio is not None else None,
                "target_ratio": scenario.target_ratio,
                "verdict": _verdict(scenario, ratio, runs),
                "runs": [asdict(r) for r in runs],
            }
        )
    return rows


def _verdict(scenario: Scenario, ratio: float | None, runs: list[server.Measurement]) -> str:
    requests = sum(r.ok + r.bad for r in runs)
    if sum(r.overflow for r in runs) or sum(r.bad for r in runs) > 0.01 * max(requests, 1):
        return "INVALID"
    if scenario.name == BASELINE:
        return "baseline"
    if scenario.target_ratio is None or ratio is None:
        return "report"
    return "PASS" if ratio >= scenario.target_ratio else "BELOW"


def print_table(rows: list[dict[str, Any]], bench: Bench) -> None:
    """Print the summary table."""
    print(f"\n{'target':<14} {'req/s (median)':>15} {'ratio':>7} {'target':>7}  verdict   rounds")
    for row in rows:
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "-"
        target = f"≥{row['target_ratio']:.2f}" if row["target_ratio"] else "-"
        rounds = " / ".join(f"{r:.0f}" for r in row["rounds_rps"])
        print(
            f"{row['target']:<14} {row['median_rps']:>15.1f} {ratio:>7} {target:>7}  "
            f"{row['verdict']:<9} {rounds}"
        )
    if bench.posted:
        print(f"\nquiz_submit: {bench.graded} attempts graded by {bench.posted} POSTs")
    for row in rows:
        if overflow := sum(run["overflow"] for run in row["runs"]):
            print(
                f"{row['target']}: INVALID, its pool of open attempts ran out ({overflow} POSTs "
                "re-sent an attempt already graded); raise BENCH_LEARNERS (one open attempt "
                "per learner and module quiz)"
            )


def write_results(
    rows: list[dict[str, Any]], bench: Bench, started: datetime, rss: dict[str, list[float]]
) -> Path:
    """Write bench/results/<UTC timestamp>.json and latest.json."""
    data = {
        "rss_mb_per_worker": rss,
        "started": started.isoformat(),
        "settings": asdict(bench.settings),
        "cpus": os.cpu_count(),
        "seed": {
            k: make_url(v).render_as_string(hide_password=True) if k == "database_url" else v
            for k, v in asdict(bench.info).items()
        },
        "quiz_submit": {"graded": bench.graded, "posted": bench.posted},
        "targets": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{started:%Y%m%dT%H%M%SZ}.json"
    text = json.dumps(data, indent=2) + "\n"
    path.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    return path


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    """Seed, serve, verify, measure, report; gunicorn is always stopped."""
    server.wrk_binary()  # before a minute of seeding, not after
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    settings = Settings.from_env()
    scenarios = [s for s in SCENARIOS if not settings.only or s.name in settings.only]
    if BASELINE not in {s.name for s in scenarios}:
        scenarios.insert(0, SCENARIOS[0])
    started = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="practicum-bench-"))
    servers: list[server.Server] = []
    try:
        info = seed(database_url(workdir), workdir, settings.learners, settings.modules)
        print(
            f"seeded {info.learners} learners, {info.attempts} past attempts in {info.seconds:.1f}s"
        )
        ports = {"hello": server.free_port(), "app": server.free_port()}
        env = {"PRACTICUM_ENV": "production", "SECRET_KEY": SECRET_KEY}
        env["PUBLIC_BASE_URL"] = PUBLIC_BASE_URL
        env["DATABASE_URL"] = info.database_url
        servers.append(server.start("bench.hello:app", ports["hello"], {}, workdir, settings))
        servers.append(server.start("bench.app:app", ports["app"], env, workdir, settings))
        for srv in servers:
            srv.wait_ready()
        cookie = server.login(ports["app"], BENCH_EMAIL, PASSWORD)
        app = create_app(app_config(info.database_url))
        bench = Bench(settings, info, workdir, ports, cookie, app)
        verify_targets(bench, scenarios)
        rows = summarise(scenarios, run_rounds(bench, scenarios))
        rss = {srv.name: srv.worker_rss_mb() for srv in servers}
        print_table(rows, bench)
        shown = make_url(info.database_url).render_as_string(hide_password=True)
        print(f"\ndatabase: {shown} · modules: {len(info.module_slugs)}")
        for name, sizes in rss.items():
            print(f"RSS per worker ({name}): {' / '.join(f'{m:.1f}' for m in sizes)} MiB")
        print(f"results: {write_results(rows, bench, started, rss)}")
        return 1 if any(r["verdict"] == "INVALID" for r in rows) else 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        for srv in servers:
            srv.stop()
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
