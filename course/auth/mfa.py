"""Multi-factor sign-in for staff: TOTP (pyotp) with a QR code (segno), recovery codes.

Services only: they flush, never commit. Staff in MFA_REQUIRED_ROLES must enrol before they
can use the site; once enrolled, sign-in asks for a code after the password. Recovery codes
are shown once and stored as argon2 hashes; each works once. Step-up: sensitive actions need
a sign-in or re-authentication within STEP_UP_MINUTES (course.auth.stepup).
"""

from __future__ import annotations

import secrets

import pyotp
import segno
from flask import current_app

from course import clock
from course.auth.passwords import hash_password, verify_password
from course.models import Role, User

ISSUER = "Practicum"
RECOVERY_CODES = 10


def mfa_required(user: User) -> bool:
    """True when this user's role must use MFA here (MFA_REQUIRED_ROLES)."""
    roles = current_app.config.get("MFA_REQUIRED_ROLES") or ()
    return user.has_role(*(Role(r) for r in roles))


def begin_enrolment(user: User) -> str:
    """Give the user a new secret (not in force until confirmed); return it."""
    user.mfa_secret = pyotp.random_base32()
    user.mfa_enabled_at = None
    return user.mfa_secret


def provisioning_qr(user: User) -> str:
    """The enrolment QR code as an SVG data URI (the page's CSP allows data: images)."""
    uri = pyotp.TOTP(user.mfa_secret or "").provisioning_uri(name=user.email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_data_uri(scale=4)


def check_code(user: User, code: str) -> bool:
    """True when `code` is the current TOTP (one step of clock drift either way)."""
    code = "".join((code or "").split())
    if not user.mfa_secret or not code.isdigit() or len(code) != 6:
        return False
    return pyotp.TOTP(user.mfa_secret).verify(code, for_time=clock.now(), valid_window=1)


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn MFA on when the code matches; return the recovery codes (shown once) or None."""
    if not check_code(user, code):
        return None
    user.mfa_enabled_at = clock.now()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the recovery codes; return them in clear, once."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    user.mfa_recovery_hashes = [hash_password(code) for code in codes]
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code once (it is removed); False otherwise."""
    code = (code or "").strip().lower()
    if not code or len(code) > 32:
        return False
    for stored in list(user.mfa_recovery_hashes or []):
        if verify_password(stored, code):
            user.mfa_recovery_hashes = [h for h in user.mfa_recovery_hashes if h != stored]
            return True
    return False


def check_second_factor(user: User, code: str) -> str | None:
    """'totp' or 'recovery' when the code is accepted, else None."""
    if check_code(user, code):
        return "totp"
    if use_recovery_code(user, code):
        return "recovery"
    return None


def reset_mfa(user: User) -> None:
    """Remove the user's MFA (an admin's reset, or the user turning it off)."""
    user.mfa_secret = None
    user.mfa_enabled_at = None
    user.mfa_recovery_hashes = []
