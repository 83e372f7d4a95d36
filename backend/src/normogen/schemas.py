"""Shared request-body building blocks: a strict base model and normalised emails."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.][^@\s]*\.[^@\s.]+$")


class StrictModel(BaseModel):
    """Request and response bodies: unknown fields rejected, no type coercion, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def normalise_email(value: Any) -> Any:
    """Trim and lowercase; the result is what the unique index and lookups use."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip()).lower()
    return value


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("is not an email address")
    return value


Email = Annotated[
    str,
    BeforeValidator(normalise_email),
    Field(min_length=3, max_length=MAX_EMAIL_LENGTH),
    AfterValidator(_check_email),
]


def _check_printable(value: str) -> str:
    if not value.isprintable():
        raise ValueError("must not contain control characters")
    return value


DeviceName = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_check_printable)]
