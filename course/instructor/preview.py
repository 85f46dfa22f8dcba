"""Preview, then commit: the one signed token that carries a preview to its commit step.

Every preview-then-commit flow (GIFT/Aiken import, YAML import, regrade, the article drafter)
shows a preview first; its commit form carries what was previewed back in one signed,
time-limited hidden field, bound to the user who previewed it and to a fingerprint of what the
preview showed. The commit re-plans from the sealed data and refuses when the fingerprint moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from wtforms import HiddenField, TextAreaField
from wtforms.validators import ValidationError

from course import clock

TOKEN_MAX_AGE = 2 * 3600


class TokenProblem(ValueError):
    """The signed preview is missing, expired, altered or someone else's."""


class PreviewChanged(TokenProblem):
    """What the preview showed no longer holds: the data changed since."""


class _ClockSigner(TimestampSigner):
    """Timestamps from course.clock, so tests can let a preview expire without sleeping."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


class _Serializer(URLSafeTimedSerializer):
    default_signer = _ClockSigner


def strip(value: str | None) -> str | None:
    """Trim surrounding whitespace, leaving None alone."""
    return value.strip() if isinstance(value, str) else value


class SourceForm(FlaskForm):
    """Text to import: an uploaded file or pasted text (the file wins when both are given)."""

    source_file = FileField("Upload a file (UTF-8 text)")
    source_text = TextAreaField("…or paste the text", render_kw={"rows": 12})

    def source(self) -> str:
        """Return the uploaded or pasted text (call after validate)."""
        return self._source

    def validate_source_text(self, field: TextAreaField) -> None:
        """Require a file or pasted text, and read the file as UTF-8."""
        upload = self.source_file.data
        text = field.data or ""
        if upload is not None and getattr(upload, "filename", ""):
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(f"The file is not UTF-8 text (byte {exc.start}).") from exc
        if not text.strip():
            raise ValidationError("Upload a file or paste the text to import.")
        self._source = text


@dataclass(frozen=True)
class Sealed:
    """A verified preview: the data it carried and the fingerprint of what it showed."""

    data: dict[str, Any]
    fingerprint: Any

    def confirm(self, current: Any, message: str) -> None:
        """Raise PreviewChanged (with `message`) unless `current` is the previewed fingerprint."""
        if current != self.fingerprint:
            raise PreviewChanged(message)


class CommitForm(FlaskForm):
    """Carry the preview to the commit step in a signed, compressed hidden field."""

    token = HiddenField()

    def seal(
        self,
        data: dict[str, Any],
        secret: str | None = None,
        salt: str = "preview",
        *,
        user_id: int | None = None,
        fingerprint: Any = None,
    ) -> None:
        """Sign data, the previewing user and the preview's fingerprint into the hidden field."""
        envelope = {"data": data, "user": user_id, "fingerprint": fingerprint}
        self.token.data = _Serializer(secret or current_app.secret_key, salt=salt).dumps(envelope)

    def open(self, salt: str, *, user_id: int | None, secret: str | None = None) -> Sealed:
        """Verify the token (signature, age, user); raise TokenProblem with a worded reason."""
        serializer = _Serializer(secret or current_app.secret_key, salt=salt)
        try:
            envelope = serializer.loads(self.token.data or "", max_age=TOKEN_MAX_AGE)
        except SignatureExpired as exc:
            minutes = TOKEN_MAX_AGE // 60
            raise TokenProblem(
                f"The preview expired (previews last {minutes} minutes): preview it again."
            ) from exc
        except BadSignature as exc:
            raise TokenProblem("The preview is missing or was altered: preview it again.") from exc
        if not isinstance(envelope, dict) or not isinstance(envelope.get("data"), dict):
            raise TokenProblem("The preview is not readable: preview it again.")
        if user_id is not None and envelope.get("user") != user_id:
            raise TokenProblem("This preview belongs to another user: preview it yourself.")
        return Sealed(envelope["data"], envelope.get("fingerprint"))

    def unseal(self, secret: str | None = None, salt: str = "preview") -> dict[str, Any]:
        """Return the signed data without a user check (the caller checks what it sealed)."""
        return self.open(salt, user_id=None, secret=secret).data
