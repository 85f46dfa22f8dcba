"""Ed25519 signing keys: generation, keyring with rotation, Multikey / did:key / DID documents.

Private keys live one per PEM file (PKCS#8, mode 0600) named ``<key id>.pem``, where the key id
is a UTC timestamp, so sorting by id sorts by age. The newest key signs; every older key stays
in the keyring and in the DID document so credentials signed before a rotation still verify.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from course import clock

ED25519_PUB_MULTICODEC = b"\xed\x01"
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
KEY_ID_FORMAT = "%Y%m%dT%H%M%S.%fZ"
_KEY_FILE = re.compile(r"^\d{8}T\d{6}\.\d{6}Z\.pem$")

KeyResolver = Callable[[str], bytes]


class KeyResolutionError(ValueError):
    """Raised when a verificationMethod cannot be turned into a trusted Ed25519 public key."""


class NoSigningKeyError(LookupError):
    """Raised when a keyring holds no key to sign with."""


def encode_public_key(public_key: bytes) -> str:
    """Encode a 32-byte Ed25519 public key as Multikey publicKeyMultibase (z + base58btc)."""
    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return "z" + base58.b58encode(ED25519_PUB_MULTICODEC + public_key).decode("ascii")


def decode_public_key(multibase: str) -> bytes:
    """Decode a publicKeyMultibase string back to the 32-byte Ed25519 public key."""
    if not multibase.startswith("z"):
        raise KeyResolutionError(f"key {multibase!r} is not base58btc multibase (must start 'z')")
    try:
        raw = base58.b58decode(multibase[1:])
    except ValueError as error:
        raise KeyResolutionError(f"key {multibase!r} is not valid base58btc") from error
    if len(raw) != 34 or not raw.startswith(ED25519_PUB_MULTICODEC):
        raise KeyResolutionError(f"key {multibase!r} is not an Ed25519 Multikey (0xed01 + 32)")
    return raw[2:]


def did_key(public_key: bytes) -> str:
    """Return the did:key DID for an Ed25519 public key."""
    return "did:key:" + encode_public_key(public_key)


def verification_method_id(did: str, multibase: str) -> str:
    """Return the verificationMethod URL for a key under a DID (did:key or did:web)."""
    return f"{did}#{multibase}"


def public_bytes(private_key: Ed25519PrivateKey) -> bytes:
    """Return the raw 32-byte public key of an Ed25519 private key."""
    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


@dataclass(frozen=True)
class KeyRecord:
    """One Ed25519 signing key with its id and file."""

    key_id: str
    private_key: Ed25519PrivateKey
    path: Path

    @property
    def public_key(self) -> bytes:
        """Raw 32-byte public key."""
        return public_bytes(self.private_key)

    @property
    def multibase(self) -> str:
        """publicKeyMultibase of this key."""
        return encode_public_key(self.public_key)

    @property
    def did_key(self) -> str:
        """did:key DID of this key."""
        return did_key(self.public_key)

    def verification_method(self, did: str | None = None) -> str:
        """Return the verificationMethod for this key under ``did`` (default: its did:key)."""
        return verification_method_id(did or self.did_key, self.multibase)


@dataclass(frozen=True)
class Keyring:
    """All signing keys of an issuer, oldest first; the newest one signs."""

    keys: tuple[KeyRecord, ...]

    @property
    def active(self) -> KeyRecord:
        """The key new credentials are signed with."""
        if not self.keys:
            raise NoSigningKeyError("no signing key: run key generation first")
        return self.keys[-1]

    def find(self, multibase: str) -> KeyRecord | None:
        """Return the key with this publicKeyMultibase, if the keyring holds it."""
        return next((key for key in self.keys if key.multibase == multibase), None)

    def list_id(self, key: KeyRecord) -> int:
        """The status list owned by ``key``: its 1-based position, oldest first."""
        return self.keys.index(key) + 1

    def by_list_id(self, list_id: int) -> KeyRecord | None:
        """The key that owns status list ``list_id``, if there is one."""
        return self.keys[list_id - 1] if 1 <= list_id <= len(self.keys) else None

    def resolver(self, did: str | None = None) -> KeyResolver:
        """Return a resolver that trusts only this keyring's keys (under ``did`` if given)."""

        def resolve(verification_method: str) -> bytes:
            base, _, fragment = verification_method.partition("#")
            key = self.find(fragment)
            if key is None:
                raise KeyResolutionError(f"{verification_method!r} is not one of our keys")
            expected = did or key.did_key
            if base != expected:
                raise KeyResolutionError(f"{verification_method!r} is not under {expected!r}")
            return key.public_key

        return resolve


def generate_key(directory: str | os.PathLike[str], *, now: datetime | None = None) -> KeyRecord:
    """Create a new Ed25519 key file (mode 0600) in ``directory``; never overwrite one."""
    folder = Path(directory)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = (now or clock.now()).astimezone(UTC)
    newest = load_keyring(folder).keys[-1:] if now is None else ()
    if newest and stamp.strftime(KEY_ID_FORMAT) <= newest[0].key_id:
        # Keys own status lists by age: a clock behind the newest key must not reorder them.
        stamp = datetime.strptime(newest[0].key_id, KEY_ID_FORMAT).replace(tzinfo=UTC)
        stamp += timedelta(microseconds=1)
    key_id = stamp.strftime(KEY_ID_FORMAT)
    path = folder / f"{key_id}.pem"
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # fails if it exists
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
    finally:
        os.close(fd)
    return KeyRecord(key_id=key_id, private_key=private_key, path=path)


def load_key(path: Path) -> KeyRecord:
    """Load one PEM key file written by :func:`generate_key`."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return KeyRecord(key_id=path.name.removesuffix(".pem"), private_key=key, path=path)


def load_keyring(directory: str | os.PathLike[str]) -> Keyring:
    """Load every key in ``directory``, oldest first (an absent folder gives an empty ring)."""
    folder = Path(directory)
    if not folder.is_dir():
        return Keyring(keys=())
    paths = sorted(p for p in folder.iterdir() if _KEY_FILE.match(p.name) and p.is_file())
    return Keyring(keys=tuple(load_key(p) for p in paths))


def did_document(keyring: Keyring, did: str) -> dict[str, Any]:
    """Build the DID document (e.g. /.well-known/did.json) listing every key, newest first."""
    methods = [
        {
            "id": key.verification_method(did),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multibase,
        }
        for key in reversed(keyring.keys)
    ]
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def did_document_resolver(document: dict[str, Any]) -> KeyResolver:
    """Return a resolver that trusts the assertionMethod keys of a DID document."""
    asserting = set(document.get("assertionMethod", []))
    methods = {m.get("id"): m for m in document.get("verificationMethod", [])}

    def resolve(verification_method: str) -> bytes:
        method = methods.get(verification_method)
        if method is None or verification_method not in asserting:
            raise KeyResolutionError(
                f"{verification_method!r} is not an assertionMethod of {document.get('id')!r}"
            )
        return decode_public_key(str(method.get("publicKeyMultibase", "")))

    return resolve


def _resolve_did(verification_method: str) -> bytes:
    """Decode a did:key or did:web verificationMethod offline."""
    parts = verification_method.split(":")
    method = parts[1] if len(parts) > 2 else ""
    base, _, fragment = verification_method.partition("#")
    if method == "key":
        identifier = base.removeprefix("did:key:")
        if fragment and fragment != identifier:
            raise KeyResolutionError(f"did:key fragment does not match in {verification_method!r}")
        return decode_public_key(identifier)
    if method == "web":
        if not fragment:
            raise KeyResolutionError(f"did:web method {verification_method!r} has no key fragment")
        return decode_public_key(fragment)
    raise KeyResolutionError(f"unsupported DID method {method!r} in {verification_method!r}")


def default_resolver(verification_method: str) -> bytes:
    """Decode the key named by a did:key, did:web#key or https URL#key method, offline.

    This proves only that the document was signed by the key it names; to trust the issuer,
    use :meth:`Keyring.resolver` or :func:`did_document_resolver` instead.
    """
    scheme, sep, _ = verification_method.partition(":")
    if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*", scheme):
        raise KeyResolutionError(f"verificationMethod {verification_method!r} has no URI scheme")
    scheme = scheme.lower()
    if scheme == "did":
        return _resolve_did(verification_method)
    if scheme == "https":
        base, _, fragment = verification_method.partition("#")
        if not fragment:
            raise KeyResolutionError(f"verificationMethod {verification_method!r} has no fragment")
        return decode_public_key(fragment)
    raise KeyResolutionError(f"unsupported verificationMethod scheme {scheme!r}")
