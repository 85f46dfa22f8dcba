"""Offline JSON-LD processing: a document loader for the vendored contexts and RDFC-1.0 helpers.

Only the context files in ``contexts/`` (mapped by ``contexts/contexts.json``) can ever be
loaded. Any other URL raises :class:`ContextNotAvailableError`; nothing is fetched over the
network. Importing this module also replaces pyld's global default loader (which would otherwise
use ``requests``) with the offline one, so no pyld call in the process can fall back to HTTP.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


class ContextNotAvailableError(Exception):
    """Raised when a JSON-LD context URL is not one of the vendored contexts."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"JSON-LD context {url!r} is not vendored in {CONTEXTS_DIR}; refusing to load it "
            "(contexts are never fetched over the network)"
        )
        self.url = url


@cache
def _context_files() -> dict[str, Path]:
    """Read contexts.json once and map each context URL to its vendored file."""
    mapping = json.loads((CONTEXTS_DIR / "contexts.json").read_text(encoding="utf-8"))
    return {url: CONTEXTS_DIR / name for url, name in mapping.items()}


@cache
def _parsed_context(url: str) -> dict[str, Any]:
    """Parse one vendored context file (cached; callers get deep copies)."""
    return json.loads(_context_files()[url].read_text(encoding="utf-8"))


def vendored_context_urls() -> frozenset[str]:
    """Return the context URLs this loader can serve."""
    return frozenset(_context_files())


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Serve a vendored context as a pyld RemoteDocument; refuse every other URL."""
    if url not in _context_files():
        raise ContextNotAvailableError(url)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(_parsed_context(url)),
    }


# Never let pyld fall back to its requests/aiohttp loader, even when a caller forgets the option.
pyld_jsonld.set_document_loader(document_loader)


def _options(**extra: Any) -> dict[str, Any]:
    """Build pyld options that pin the offline loader and a private context cache."""
    # A fresh resolver per call: pyld's module-level cache is shared with any other loader in the
    # process, and a private unbounded cache would grow with every inline context it sees.
    # base=None (not ""): with "" pyld 3.3 resolves relative IRIs against http://example.org/base/
    # and keeps them, where jsonld.js (and the JSON-LD spec) drop them from the RDF.
    return {
        "documentLoader": document_loader,
        "contextResolver": ContextResolver({}, document_loader),
        "base": None,
        "processingMode": "json-ld-1.1",
        **extra,
    }


def _unwrap(error: pyld_jsonld.JsonLdError) -> Exception:
    """Return the ContextNotAvailableError hidden in pyld's error chain, if any."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ContextNotAvailableError):
            return cause
        cause = cause.__cause__
    return error


def canonize(doc: dict[str, Any]) -> str:
    """Canonicalize a JSON-LD document to RDFC-1.0 (URDNA2015) N-Quads, offline."""
    try:
        return pyld_jsonld.normalize(
            doc, _options(algorithm="URDNA2015", format="application/n-quads")
        )
    except pyld_jsonld.JsonLdError as error:
        unwrapped = _unwrap(error)
        if unwrapped is error:
            raise
        raise unwrapped from error


def expand(doc: dict[str, Any], on_dropped: Callable[[str | None], Any] | None = None) -> list:
    """Expand a JSON-LD document offline, reporting each property pyld drops to ``on_dropped``."""
    handler = on_dropped if on_dropped is not None else pyld_jsonld.noop
    try:
        return pyld_jsonld.expand(doc, _options(), on_property_dropped=handler)
    except pyld_jsonld.JsonLdError as error:
        unwrapped = _unwrap(error)
        if unwrapped is error:
            raise
        raise unwrapped from error


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every JSON object in an expanded JSON-LD tree."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key != "@value":
                yield from _walk(value)


def _relative_iris(obj: dict[str, Any]) -> Iterator[str]:
    """Yield the @id/@type values of one expanded object that are not absolute IRIs."""
    types = obj.get("@type", [])
    for value in types if isinstance(types, list) else [types]:
        if isinstance(value, str) and value != "@json" and not _ABSOLUTE_IRI.match(value):
            yield f"@type {value!r}"
    node_id = obj.get("@id")
    if isinstance(node_id, str) and not node_id.startswith("_:"):
        if not _ABSOLUTE_IRI.match(node_id):
            yield f"@id {node_id!r}"


def find_dropped_terms(doc: dict[str, Any]) -> list[str]:
    """List properties, types and ids that would vanish from the RDF (so no proof covers them)."""
    dropped: list[str] = []
    expanded = expand(doc, on_dropped=lambda prop: dropped.append(f"property {prop!r}"))
    for obj in _walk(expanded):
        dropped.extend(_relative_iris(obj))
    return dropped
