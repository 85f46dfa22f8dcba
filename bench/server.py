"""Process plumbing for the bench: gunicorn servers, one-off HTTP requests, login, wrk runs."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

from bench.seed import ROOT, USER_AGENT

LUA = Path(__file__).resolve().parent / "lua"
RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
SUMMARY = re.compile(r"BENCH ok=(\d+) bad=(\d+) overflow=(\d+) p50_us=(\d+) p99_us=(\d+)")
ERRORS = re.compile(r"Socket errors: (.+)")


class WrkSettings(Protocol):
    """The load shape wrk needs."""

    threads: int
    connections: int
    workers: int


@dataclass
class Measurement:
    """One wrk run: throughput, responses as expected or not, latency percentiles."""

    rps: float
    ok: int
    bad: int
    overflow: int
    p50_ms: float
    p99_ms: float
    notes: list[str] = field(default_factory=list)


@dataclass
class Server:
    """A gunicorn master we started; stop() ends it (and so its workers)."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Poll until the server answers any HTTP request."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-2000:]}")
            try:
                fetch(self.port, "/", None)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {timeout}s")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each gunicorn worker (children of the master), in MiB (Linux)."""
        sizes = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) != self.process.pid:  # field 4 of stat: the parent pid
                    continue
                status = (stat.parent / "status").read_text()
            except (OSError, IndexError, ValueError):
                continue
            rss = re.search(r"VmRSS:\s+(\d+) kB", status)
            if rss:
                sizes.append(round(int(rss.group(1)) / 1024, 1))
        return sorted(sizes)

    def stop(self) -> None:
        """SIGTERM the master (graceful), then SIGKILL it if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def free_port() -> int:
    """Ask the kernel for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    target: str, port: int, env: dict[str, str], workdir: Path, settings: WrkSettings
) -> Server:
    """Start `gunicorn target` with the bench's fixed worker settings."""
    name = target.split(":")[0]
    log = workdir / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(settings.workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        target,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
    return Server(name, port, process, log)


def fetch(
    port: int, path: str, cookie: str | None, body: str | None = None
) -> tuple[int, dict[str, str], str]:
    """One request (POST when a form body is given) with wrk's User-Agent; no redirects."""
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST" if body is not None else "GET", path, body, headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        found: dict[str, Any] = dict(response.getheaders())
        cookies = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookies.load(value)
        if "session" in cookies:
            found["session"] = cookies["session"].value
        return response.status, found, text
    finally:
        conn.close()


class _CsrfField(HTMLParser):
    """Find the csrf_token hidden input."""

    token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token":
            self.token = values.get("value")


def login(port: int, email: str, password: str) -> str:
    """Sign in through the real form (CSRF included); return the session cookie value."""
    status, headers, html = fetch(port, "/auth/login", None)
    parser = _CsrfField()
    parser.feed(html)
    if status != 200 or not parser.token or "session" not in headers:
        raise RuntimeError(f"login page: status {status}, no CSRF token or session cookie")
    form = {"csrf_token": parser.token, "email": email, "password": password, "next": ""}
    status, after, _ = fetch(port, "/auth/login", headers["session"], urlencode(form))
    if status != 302 or "session" not in after:
        raise RuntimeError(f"login POST answered {status}, not a redirect with a session")
    return after["session"]


WRK_MISSING = "make bench needs wrk, the HTTP load generator: apt-get install wrk"


def wrk_binary() -> str:
    """The wrk on the PATH; SystemExit naming the package when there is none."""
    binary = shutil.which("wrk")
    if binary is None:
        raise SystemExit(WRK_MISSING)
    return binary


def wrk(
    settings: WrkSettings,
    duration: int,
    url: str,
    script: str,
    headers: list[str],
    args: list[str],
) -> Measurement:
    """Run wrk with a Lua script from bench/lua and parse its summary."""
    command = [
        wrk_binary(),
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA / script),
    ]
    for header in headers:
        command += ["-H", header]
    command += [url, "--", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    rps, summary = RPS.search(done.stdout), SUMMARY.search(done.stdout)
    if done.returncode or not rps or not summary:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    ok, bad, overflow, p50, p99 = (int(v) for v in summary.groups())
    result = Measurement(float(rps.group(1)), ok, bad, overflow, p50 / 1000, p99 / 1000)
    if errors := ERRORS.search(done.stdout):
        result.notes.append(f"socket errors: {errors.group(1)}")
    return result
