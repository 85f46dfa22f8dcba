"""Preview, then commit: the signed token that carries a preview to its commit step.

Imports and the article drafter both show a preview first; the commit form carries what was
previewed back in one signed, time-limited hidden field, so the commit applies exactly that.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import HiddenField, TextAreaField
from wtforms.validators import ValidationError

TOKEN_MAX_AGE = 2 * 3600


class TokenProblem(ValueError):
    """The signed preview is missing, expired or altered."""


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


class CommitForm(FlaskForm):
    """Carry the preview to the commit step in a signed, compressed hidden field."""

    token = HiddenField()

    def seal(self, data: dict[str, Any], secret: str, salt: str) -> None:
        """Sign data into the hidden field."""
        self.token.data = URLSafeTimedSerializer(secret, salt=salt).dumps(data)

    def unseal(self, secret: str, salt: str) -> dict[str, Any]:
        """Return the signed data; raise TokenProblem when it is missing, expired or altered."""
        try:
            data = URLSafeTimedSerializer(secret, salt=salt).loads(
                self.token.data or "", max_age=TOKEN_MAX_AGE
            )
        except SignatureExpired as exc:
            raise TokenProblem("The preview expired: upload the text again.") from exc
        except BadSignature as exc:
            raise TokenProblem("The preview is missing or was altered: upload again.") from exc
        if not isinstance(data, dict):
            raise TokenProblem("The preview is not readable: upload the text again.")
        return data
