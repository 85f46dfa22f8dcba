"""Certificate codes: how a new one is made and how a typed one is read.

A code looks like ``PRAC-7K3M-9QXD-4F2H-T``: twelve random Crockford base32 symbols (60 bits)
and one Luhn mod 32 check symbol, which catches every single mistyped symbol and most swapped
neighbours. Typed codes are forgiving: case, spaces, dashes and the look-alikes O/I/L.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
PREFIX = "PRAC"
RANDOM_SYMBOLS = 12  # 12 x 5 = 60 random bits
GROUP = 4
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.\t\n\r")


def check_symbol(symbols: str) -> str:
    """Return the Luhn mod 32 check symbol for a string of base32 symbols."""
    total = 0
    factor = 2
    for symbol in reversed(symbols):
        addend = factor * _VALUE[symbol]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def _format(body: str) -> str:
    """Group twelve symbols plus their check symbol as PRAC-XXXX-XXXX-XXXX-C."""
    groups = [body[i : i + GROUP] for i in range(0, len(body), GROUP)]
    return "-".join([PREFIX, *groups, check_symbol(body)])


def new_code() -> str:
    """Return a fresh random certificate code."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return _format(body)


def normalise(typed: str | None) -> str | None:
    """Return the canonical form of a typed code, or None when it cannot be one of ours."""
    if not typed:
        return None
    compact = typed.upper().translate(_SEPARATORS)
    if len(compact) == len(PREFIX) + RANDOM_SYMBOLS + 1 and compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    compact = compact.translate(_ALIASES)
    if len(compact) != RANDOM_SYMBOLS + 1 or any(c not in _VALUE for c in compact):
        return None
    body, check = compact[:-1], compact[-1]
    if check_symbol(body) != check:
        return None
    return _format(body)
