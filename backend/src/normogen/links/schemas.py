"""Share-link request and response bodies: ciphertext under a key that only the URL holds."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from normogen.crypto.shapes import B64Key32, B64Text, Envelope
from normogen.schemas import WHOLE_NUMBER, StrictModel, UtcDatetime

# The type bound is the largest LINK_MAX_BYTES the settings accept; the configured (smaller)
# limit is checked by the service and answered with 413.
PAYLOAD_TYPE_LIMIT = 16 * 1024 * 1024
MAX_ACCESS_COUNT = 10_000
LinkStatus = Literal["active", "expired", "exhausted", "revoked"]
# "share": records for someone (at most LINK_MAX_DAYS); "emergency": an emergency card's
# break-glass link (at most EMERGENCY_LINK_MAX_DAYS, no password, no access limit).
LinkKind = Literal["share", "emergency"]


class LinkEnvelope(Envelope):
    """The shared records, re-encrypted by the client under the link key."""

    data: Annotated[str, B64Text(max_bytes=PAYLOAD_TYPE_LIMIT)]


# 192 random bits as base64url (32 characters), chosen by the client: the payload's AAD binds
# it (docs/crypto.md). Whoever knows an id still needs the key from the URL fragment.
LinkId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{32}$")]


class LinkCreate(StrictModel):
    """A new link: its id, ciphertext, a mandatory expiry, optional access count and password."""

    # The service's rule, as JSON Schema states it: an emergency link (whoever finds the card
    # opens it, as often as needed) has neither a password nor an access limit.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"properties": {"kind": {"const": "share"}}},
                {
                    "required": ["kind"],
                    "properties": {
                        "kind": {"const": "emergency"},
                        "max_access_count": {"type": "null"},
                        "password_verifier": {"type": "null"},
                    },
                },
            ]
        }
    )

    id: LinkId
    kind: LinkKind = "share"
    payload: LinkEnvelope
    expires_at: UtcDatetime = Field(
        description="At most LINK_MAX_DAYS ahead (EMERGENCY_LINK_MAX_DAYS for an emergency link)"
    )
    max_access_count: Annotated[int, Field(ge=1, le=MAX_ACCESS_COUNT), WHOLE_NUMBER] | None = None
    password_verifier: B64Key32 | None = Field(
        None, description="Derived from the password by the client; stored as an Argon2id hash"
    )
    label: Envelope | None = Field(
        None, description="The owner's own note about the link, encrypted under their user key"
    )


class LinkOpen(StrictModel):
    """Opening a link: the password verifier when the link has a password."""

    password_verifier: B64Key32 | None = None


class AccessRead(BaseModel):
    """One opening of a link: when, and coarse client information (network, browser family)."""

    at: datetime
    ip: str | None
    agent: str | None


class LinkRead(BaseModel):
    """A link as its owner sees it (never the payload or the password hash)."""

    id: str
    kind: LinkKind
    label: Envelope | None
    status: LinkStatus
    created_at: datetime
    expires_at: datetime
    max_access_count: int | None
    access_count: int
    has_password: bool
    last_accessed_at: datetime | None
    revoked_at: datetime | None


class LinkDetail(LinkRead):
    """One link with its access log, newest first."""

    accesses: list[AccessRead]


class LinkList(BaseModel):
    links: list[LinkRead]


class PublicLink(BaseModel):
    """What an opener gets: the ciphertext, to decrypt with the key from the URL fragment."""

    id: str
    payload: LinkEnvelope
    expires_at: datetime
