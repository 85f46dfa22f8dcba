"""Sign in through the login form with each demo account that `make run` printed.

Usage: python3 .ci/demo_signin.py BASE_URL RUN_LOG
Standard library only. Exits 1 unless every printed account signs in and reaches its role's pages.
"""

from __future__ import annotations

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

DEMO_LINE = re.compile(r"^\s*demo (\w+)\s+(\S+@\S+)\s+password: (\S+)$", re.MULTILINE)
HIDDEN = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>")
ATTR = re.compile(r"\b(name|value)=\"([^\"]*)\"")
ROLE_PAGES = {
    "admin": {"/admin/certificates": 200, "/instructor/questions": 200},
    "instructor": {"/admin/certificates": 403, "/instructor/questions": 200},
    "learner": {"/admin/certificates": 403, "/instructor/questions": 403},
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand back redirects instead of following them, so the 302 itself can be checked."""

    def redirect_request(self, *args, **kwargs):
        return None


def status(opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None):
    """Return (status, headers, body) without raising on 3xx/4xx."""
    try:
        with opener.open(url, data=data, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def sign_in(base: str, role: str, email: str, password: str) -> list[str]:
    """Sign one account in through the form; return what went wrong (empty when all is well)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    code, _, page = status(opener, f"{base}/auth/login")
    if code != 200:
        return [f"GET /auth/login gave {code}"]
    fields = {}
    for tag in HIDDEN.findall(page):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    if not fields.get("csrf_token"):
        return ["the login form has no csrf_token"]
    fields.update(email=email, password=password)
    body = urllib.parse.urlencode(fields).encode()
    code, headers, page = status(opener, f"{base}/auth/login", body)
    if code != 302 or not (headers.get("Location") or "").endswith("/dashboard"):
        text = re.sub(r"<[^>]+>|\s+", " ", page)
        return [f"sign-in gave {code} {headers.get('Location')}: {text.strip()[:300]}"]
    problems = []
    for path, expected in ROLE_PAGES[role].items():
        got = status(opener, base + path)[0]
        if got != expected:
            problems.append(f"GET {path} gave {got}, expected {expected}")
    return problems


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of a page (the CSRF token among them)."""
    fields = {}
    for tag in HIDDEN.findall(page):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


def reset_mail_arrives(base: str, email: str, log_path: str, wait_s: float = 60) -> list[str]:
    """Ask for a password reset; the worker `make run` started must print the emailed link."""
    import time

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    code, _, page = status(opener, f"{base}/auth/forgot")
    if code != 200:
        return [f"GET /auth/forgot gave {code}"]
    fields = {**hidden_fields(page), "email": email}
    code, _, _ = status(opener, f"{base}/auth/forgot", urllib.parse.urlencode(fields).encode())
    if code != 302:
        return [f"POST /auth/forgot gave {code}"]
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        with open(log_path, encoding="utf-8", errors="replace") as log:
            if "/auth/reset/" in log.read():
                return []
        time.sleep(0.5)
    return [f"no reset link was printed within {wait_s:.0f}s: is the mail worker running?"]


def main(base: str, log_path: str) -> int:
    """Check every demo account printed in the log."""
    with open(log_path, encoding="utf-8") as log:
        accounts = DEMO_LINE.findall(log.read())
    if sorted(role for role, _, _ in accounts) != sorted(ROLE_PAGES):
        print(f"expected one printed account per role {sorted(ROLE_PAGES)}, found {accounts}")
        return 1
    failed = False
    for role, email, password in accounts:
        problems = sign_in(base.rstrip("/"), role, email, password)
        print(f"  {role:<10} {email:<26} {'signed in' if not problems else 'FAILED'}")
        for problem in problems:
            print(f"    {problem}")
        failed = failed or bool(problems)
    learner = next(email for role, email, _ in accounts if role == "learner")
    problems = reset_mail_arrives(base.rstrip("/"), learner, log_path)
    print(f"  reset mail for {learner}: {'printed by the worker' if not problems else 'FAILED'}")
    for problem in problems:
        print(f"    {problem}")
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
