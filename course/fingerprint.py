"""Fingerprints: a stable hash of plain data, to tell whether content or a plan changed."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def digest(data: Any) -> str:
    """Return a stable SHA-256 of JSON-serialisable data."""
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(blob).hexdigest()
