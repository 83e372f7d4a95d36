"""Shared request-body building blocks: a strict base model and normalised emails."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit
# No whitespace, controls or second "@"; a dot in the domain; blanks around it are trimmed.
# Explicit code points, so every regex engine (Rust in validation, Python in the tests,
# ECMAScript in clients) agrees.
_NOT_EMAIL = r"@\x00-\x20\x7f"
_BLANKS = " \t\r\n"
EMAIL_PATTERN = (
    rf"^[{_BLANKS}]*[^{_NOT_EMAIL}]{{1,64}}@[^{_NOT_EMAIL}.][^{_NOT_EMAIL}]*\.[^{_NOT_EMAIL}.]+"
    rf"[{_BLANKS}]*$"
)
# Printable text: no C0/C1 control characters (also spelled as code points, see above).
PRINTABLE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"


class StrictModel(BaseModel):
    """Request and response bodies: unknown fields rejected, no type coercion, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def normalise_email(value: str) -> str:
    """Trimmed, NFC and lowercase; the result is what the unique index and lookups use."""
    return unicodedata.normalize("NFC", value.strip(_BLANKS)).lower()


# The pattern and lengths apply to the text as sent (so the OpenAPI document is the whole
# rule); the normalised form is what the server stores and compares.
Email = Annotated[
    str,
    Field(min_length=3, max_length=MAX_EMAIL_LENGTH, pattern=EMAIL_PATTERN),
    AfterValidator(normalise_email),
]


def _whole_number(value: Any) -> Any:
    # JSON Schema's "integer" is any number with no fraction: 3.0 is one, so accept it as 3.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# `Annotated[int, Field(ge=1, le=9), WHOLE_NUMBER]`: in a strict body, an integer is a JSON
# number without a fraction (`3` or `3.0`, as JSON Schema's "integer"), never a string. It
# comes after the bounds, or pydantic leaves them out of the JSON schema.
WHOLE_NUMBER = BeforeValidator(_whole_number)
DeviceName = Annotated[str, Field(min_length=1, max_length=64, pattern=PRINTABLE_PATTERN)]


T = TypeVar("T")


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


# A field an update may leave out but never set to null: absent means "unchanged".
Omittable = Annotated[T | SkipJsonSchema[None], Field(json_schema_extra=_no_default)]


class PartialUpdate(StrictModel):
    """An update of `Omittable` fields naming at least one (`minProperties: 1`)."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null (leave the field out to keep it)")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("name at least one field to change")
        return self


def _require_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string with a UTC offset")
    return value


def _utc_ms(value: datetime) -> datetime:
    # MongoDB stores milliseconds: normalise now, so what we return equals what we stored.
    # An offset can push the instant outside years 1-9999 (0001-01-01T00:00+01:00): no
    # datetime, and no BSON date, holds it, so it is a validation error (422), not a crash.
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("must lie between years 1 and 9999 in UTC") from None
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _canonical_uuid(value: str) -> str:
    return str(uuid.UUID(value))  # the pattern admits exactly what uuid.UUID parses here


UtcDatetime = Annotated[
    AwareDatetime, BeforeValidator(_require_text), Field(strict=False), AfterValidator(_utc_ms)
]
# 32 hex digits, hyphens between the usual groups optional; stored in the canonical form.
UUID_PATTERN = r"^[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}$"
Uuid = Annotated[
    str,
    Field(min_length=32, max_length=36, pattern=UUID_PATTERN),
    AfterValidator(_canonical_uuid),
]
