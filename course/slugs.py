"""Slugs: the one way to turn a title into a URL-safe ASCII identifier."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, limit: int = 100) -> str:
    """Return a lower-case ASCII slug (empty when nothing usable is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", ""))[:limit].strip("-")


def unique_slug(title: str, used: dict[str, int], *, limit: int = 60, fallback: str) -> str:
    """Return a slug for title, suffixed -2, -3 ... past those in used (slug -> count)."""
    base = slugify(title, limit) or fallback
    slug = base
    while slug in used:
        used[base] += 1
        slug = f"{base}-{used[base]}"
    used[slug] = 1
    return slug
