"""Password hashing (argon2id) and password policy."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 256


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    """Return the argon2id hasher configured for this app (cheap under test config)."""
    cfg = current_app.config
    return _hasher(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Check a password against its stored hash without raising."""
    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    return hasher().check_needs_rehash(stored_hash)


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, *, email: str = "", full_name: str = "") -> list[str]:
    """Return the reasons a new password is unacceptable (empty list when it is fine)."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    if problems:
        return problems
    lowered = password.lower()
    if lowered in _common_passwords():
        problems.append("This password is on a list of commonly used passwords; choose another.")
        return problems
    personal = [p for p in (email.split("@")[0], *full_name.split()) if len(p) >= 3]
    result = zxcvbn(password[:100], user_inputs=personal)
    if result["score"] < 3:
        hint = result["feedback"].get("warning") or "It is too easy to guess."
        problems.append(f"This password is too weak: {hint.rstrip('.')}. Try a longer passphrase.")
    return problems
