"""Rewrite literal app paths in test modules as url(endpoint, ...) calls (issue 10, section 5).

    .venv/bin/python tools/tests_url_for.py tests/test_x.py ...

Converts a string literal (or f-string) that is the first argument of client.get/post or
get_page, or the whole right-hand side of an assignment inside a function, when it matches
exactly one route of the app; API, verify, status-list and health paths stay literal. Review
the diff, run ruff --fix and ruff format, then the tests; tests/test_suite_rules.py counts what
is left.
"""

import ast
import io
import re
import sys
import tokenize

sys.path.insert(0, ".")
import os
import tempfile

os.environ.setdefault("PRACTICUM_INSTANCE_PATH", tempfile.mkdtemp())
from course import create_app

app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
KEEP = (
    "/api/",
    "/verify",
    "/.well-known",
    "/credentials/status",
    "/static",
    "/bootstrap",
    "/healthz",
    "/readyz",
)
rules = []
for r in app.url_map.iter_rules():
    if r.endpoint in ("static", "bootstrap.static"):
        continue
    parts = re.split(r"(<[^>]+>)", r.rule)
    rx = ""
    names = []
    for p in parts:
        if p.startswith("<"):
            conv, _, name = p[1:-1].rpartition(":")
            names.append(name)
            rx += rf"(?P<{name}>\{{[^{{}}]+\}}|[A-Za-z0-9_-]+)"
        else:
            rx += re.escape(p)
    methods = r.methods - {"HEAD", "OPTIONS"}
    rules.append((re.compile("^" + rx + "$"), r.endpoint, names, methods, r.rule))
CALL = re.compile(
    r"(client\w*|browser|get_page|c|anon|other|second|first)\.(get|post)\($|get_page\($"
)


def convert_string(text, method):  # noqa: C901 - one rule per line, read top to bottom
    """text is the literal source incl. quotes/f prefix; return replacement or None."""
    m = re.match(r'^(f?)(["\'])(.*)\2$', text, re.S)
    if not m:
        return None
    isf, q, body = m.groups()
    if "\\" in body:
        return None
    if not body.startswith("/") or body.startswith(KEEP):
        return None
    path, _, query = body.partition("?")
    qargs = []
    if query:
        for kv in query.split("&"):
            k, eq, v = kv.partition("=")
            if not eq or not re.fullmatch(r"\w+", k) or not re.fullmatch(r"[\w.@-]*|\{[^{}]+\}", v):
                return None
            if k in ("_external", "expected"):
                return None
            qargs.append((k, v))
    hits = [r for r in rules if r[0].match(path) and (method is None or method in r[3])]
    if len(hits) != 1:
        hits = [r for r in hits if "<" not in r[4]] or hits
        if len(hits) != 1:
            return None
    rx, endpoint, names, _, _ = hits[0]
    mm = rx.match(path)
    args = []
    for n in names:
        v = mm.group(n)
        if v.startswith("{"):
            if not isf:
                return None
            expr = v[1:-1]
            if "!" in expr or ":" in expr:
                return None
            args.append(f"{n}={expr}")
        else:
            args.append(f"{n}={v!r}" if not v.isdigit() else f"{n}={v}")
    for k, v in qargs:
        if v.startswith("{"):
            if not isf:
                return None
            args.append(f"{k}={v[1:-1]}")
        else:
            args.append(f"{k}={v!r}")
    if not isf and "{" in body:
        return None
    if isf and "{" in re.sub(r"\{[^{}]+\}", "", body):
        return None
    return endpoint, args


def unshadow(src):
    """Rename local variables called url (they would hide the url() helper) to address."""
    if not re.search(r"^\s*url\s*=|\bfor url in|[(,]\s*url\s*[,:)]|\bas url\b", src, re.M):
        return src
    if re.search(r"\baddress\b", src):
        raise SystemExit("address already used")
    toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    lines = src.splitlines(keepends=True)
    edits = []
    for i, t in enumerate(toks):
        if t.type == tokenize.NAME and t.string == "url":
            if toks[i - 1].string == ".":
                continue
            if toks[i + 1].string == "=" and toks[i - 1].string in ("(", ","):
                continue  # a keyword argument
            edits.append(t.start)
    for r, c in reversed(edits):
        line = lines[r - 1]
        lines[r - 1] = line[:c] + "address" + line[c + 3 :]
    return "".join(lines)


def process(path):  # noqa: C901 - one rule per line, read top to bottom
    src = unshadow(open(path).read())
    toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    lines = src.splitlines(keepends=True)
    edits = []
    for i, t in enumerate(toks):
        if t.type != tokenize.STRING:
            continue
        j = i - 1
        while toks[j].type in (tokenize.NL, tokenize.COMMENT):
            j -= 1
        k = i + 1
        while toks[k].type in (tokenize.NL, tokenize.COMMENT):
            k += 1
        method = None
        if toks[j].string == "(":
            name = toks[j - 1].string
            if name == "get_page":
                method = "GET"
            elif name in ("get", "post") and toks[j - 2].string == ".":
                method = name.upper()
            else:
                continue
        elif (
            toks[j].string == "="
            and toks[j - 1].type == tokenize.NAME
            and toks[j - 2].type
            in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL)
            and toks[k].type in (tokenize.NEWLINE,)
        ):
            if not t.line[:1].isspace():
                continue  # module level: no app context when the module is imported
            name = "assign"
        else:
            continue
        # only the first argument, and the string must be a whole argument
        nxt = toks[k].string
        if name != "assign" and nxt not in (",", ")"):
            continue
        if t.start[0] != t.end[0]:
            continue
        res = convert_string(t.string, method)
        if not res:
            continue
        endpoint, args = res
        if name == "get_page":
            new = ", ".join([repr(endpoint).replace("'", '"'), *args])
        else:
            new = "url(" + ", ".join([repr(endpoint).replace("'", '"'), *args]) + ")"
        edits.append((t.start, t.end, new))
    for (r, c0), (_, c1), new in reversed(edits):
        line = lines[r - 1]
        lines[r - 1] = line[:c0] + new + line[c1:]
    out = "".join(lines)
    if (
        edits
        and any(not e[2].startswith('"') for e in edits)
        and not re.search(r"^from tests\.conftest import[^\n]*\burl\b", out, re.M)
    ):
        tree = ast.parse(out)
        last = max(n.end_lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))
        ls = out.split("\n")
        ls.insert(last, "from tests.conftest import url")
        out = "\n".join(ls)
    open(path, "w").write(out)
    print(path, len(edits))


for p in sys.argv[1:]:
    process(p)
