"""Request and response bodies of /api/v1/users/me (strict: unknown fields rejected)."""

from __future__ import annotations

import functools
from datetime import datetime
from importlib import resources
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from normogen.crypto.shapes import B64Key32, Envelope
from normogen.schemas import Email, StrictModel

# BCP 47 language tags in the common shapes ("en", "pt-BR", "zh-Hant-TW").
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$"


@functools.cache
def _timezones() -> frozenset[str]:
    # The pinned tzdata package's list, not the host's zoneinfo files: the OpenAPI enum (and the
    # web client generated from it, web/src/api/schema.gen.ts) is then the same on every machine.
    zones = resources.files("tzdata").joinpath("zones").read_text("utf-8").split()
    return frozenset(zones) | {"UTC"}


def _check_timezone(value: str) -> str:
    if value not in _timezones():
        raise ValueError("must be an IANA time zone such as 'Europe/Berlin'")
    return value


Language = Annotated[str, Field(min_length=2, max_length=35, pattern=LANGUAGE_PATTERN)]
# The zones this server knows, listed in the OpenAPI document as the enum they are.
TimeZone = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        json_schema_extra=lambda schema: schema.update(enum=sorted(_timezones())),
    ),
    AfterValidator(_check_timezone),
]


class UserRead(BaseModel):
    id: str
    email: str
    created_at: datetime
    has_recovery: bool


class UserUpdate(StrictModel):
    """Change the login email; the current auth key proves it is really the owner."""

    auth_key: B64Key32
    email: Email


class AccountDelete(StrictModel):
    auth_key: B64Key32


class AccountSettings(StrictModel):
    """Plaintext account settings plus optional client-encrypted preferences."""

    language: Language = "en"
    timezone: TimeZone = "UTC"
    preferences: Envelope | None = None


class EventRead(BaseModel):
    """A security event: `ip` is the network (IPv4 /24, IPv6 /48), `agent` the client family
    and OS ("Firefox on Linux"); the full address and user-agent string are never stored."""

    id: str
    type: str
    created_at: datetime
    ip: str | None
    agent: str | None = None
    session_id: str | None = None


class EventPage(BaseModel):
    events: list[EventRead]
    next: str | None = Field(description="Cursor of the next (older) page; null at the end")
