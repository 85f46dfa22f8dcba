"""The issuer: who issues and signs certificates, their public URLs and the signing keys.

current_issuer() builds it from the app's configuration; every URL in it comes from
PUBLIC_BASE_URL (course.urls), never from the request's Host header.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from course.certificates.keys import KeyRecord, Keyring, generate_key, load_keyring
from course.urls import public_url

_KEY_LOCK = threading.Lock()


@dataclass(frozen=True)
class Issuer:
    """Who issues and signs: name, public URLs, DID choice and the signing-key folder."""

    name: str
    home_url: str
    status_list_url: Callable[[int], str]  # list n is signed by the n-th key (oldest is 1)
    verify_url: Callable[[str], str]
    course_url: Callable[[str], str]
    keys_dir: Path
    did_web_domain: str | None = None
    signatory_name: str | None = None
    signatory_title: str | None = None

    def keyring(self, *, create: bool = False) -> Keyring:
        """Load the signing keys; with create=True, generate the first key if there is none."""
        ring = load_keyring(self.keys_dir)
        if ring.keys or not create:
            return ring
        with _KEY_LOCK:  # concurrent first issues make one key, not several
            if not load_keyring(self.keys_dir).keys:
                try:
                    generate_key(self.keys_dir)
                except FileExistsError:  # another process made it in the same microsecond
                    pass
        return load_keyring(self.keys_dir)

    def did(self, ring: Keyring) -> str:
        """did:web:<domain> when configured, else the active key's did:key."""
        if self.did_web_domain:
            return "did:web:" + self.did_web_domain.replace(":", "%3A")
        return ring.active.did_key

    def did_for(self, key: KeyRecord) -> str:
        """The DID a credential signed by ``key`` names: did:web, else that key's did:key."""
        if self.did_web_domain:
            return "did:web:" + self.did_web_domain.replace(":", "%3A")
        return key.did_key


def keys_dir(app: Flask) -> Path:
    """Where the signing keys live: CERTIFICATE_KEYS_DIR, else instance/keys (never in git)."""
    return Path(app.config.get("CERTIFICATE_KEYS_DIR") or Path(app.instance_path) / "keys")


def current_issuer() -> Issuer:
    """The issuer as configured for this app (needs a request or app context)."""
    config = current_app.config
    return Issuer(
        name=config.get("CERTIFICATE_ISSUER_NAME") or "Practicum",
        home_url=public_url("learning.catalog"),
        status_list_url=lambda n: public_url("certificates.status_list", list_id=n),
        verify_url=lambda code: public_url("certificates.verify", code=code),
        course_url=lambda slug: public_url("learning.course_page", course_slug=slug),
        keys_dir=keys_dir(current_app),
        did_web_domain=config.get("DID_WEB_DOMAIN") or None,
        signatory_name=config.get("CERTIFICATE_SIGNATORY_NAME"),
        signatory_title=config.get("CERTIFICATE_SIGNATORY_TITLE"),
    )
