"""Record and page through security events; other domains call `record`."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from normogen.db.client import Database, Document
from normogen.events import repository
from normogen.events.coarse import coarse_agent, coarse_ip
from normogen.users.deletion import settle
from normogen.users.owned import ORDER_ACCOUNT, OwnedData

DEFAULT_RETENTION_DAYS = 90  # SECURITY_EVENT_RETENTION_DAYS


class EventType(StrEnum):
    """Every kind of security event; the value is the stable `type` clients see."""

    REGISTERED = "registered"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOGOUT_ALL = "logout_all"
    REFRESH_REUSE = "refresh_reuse"
    SESSION_REVOKED = "session_revoked"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105  # an event name, not a secret
    RECOVERY_SET = "recovery_set"
    RECOVERY_USED = "recovery_used"
    RECOVERY_FAILED = "recovery_failed"
    EMAIL_CHANGED = "email_changed"
    # Families: recorded for the acting user and, where it concerns them, the other.
    FAMILY_CREATED = "family_created"
    FAMILY_DELETED = "family_deleted"
    FAMILY_INVITATION_SENT = "family_invitation_sent"
    FAMILY_INVITATION_ACCEPTED = "family_invitation_accepted"
    FAMILY_INVITATION_DECLINED = "family_invitation_declined"
    FAMILY_INVITATION_CANCELLED = "family_invitation_cancelled"
    FAMILY_MEMBER_CONFIRMED = "family_member_confirmed"
    FAMILY_MEMBER_ROLE_CHANGED = "family_member_role_changed"
    FAMILY_MEMBER_REMOVED = "family_member_removed"
    FAMILY_LEFT = "family_left"
    FAMILY_KEY_ROTATED = "family_key_rotated"
    USER_KEY_ROTATED = "user_key_rotated"
    # Share links: `link_accessed` carries the opener's coarse address and agent.
    LINK_CREATED = "link_created"
    LINK_REVOKED = "link_revoked"
    LINK_ACCESSED = "link_accessed"
    # An emergency card's link was opened (break-glass): recorded for the owner at once.
    EMERGENCY_LINK_ACCESSED = "emergency_link_accessed"


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as recorded with an event.

    `ip` is None for an event recorded for someone other than the actor (a family member
    removed by the owner): one user's address is never shown to another.
    """

    ip: str | None
    user_agent: str | None = None
    retention_days: int = DEFAULT_RETENTION_DAYS

    def elsewhere(self) -> Origin:
        """The origin of an event recorded for someone else: no address, same retention."""
        return Origin(ip=None, retention_days=self.retention_days)


_sequence = itertools.count()


def _event_id(created_at: datetime) -> str:
    """Sortable ids: milliseconds, then a per-process sequence (events of one request keep
    their order within a millisecond), then randomness (replicas never collide)."""
    millis = int(created_at.timestamp() * 1000)
    return f"{millis:012x}{next(_sequence) % 0x1000000:06x}{secrets.token_hex(7)}"


async def record(
    db: Database,
    user_id: str,
    event: EventType,
    *,
    origin: Origin,
    session_id: str | None = None,
    now: datetime | None = None,
) -> None:
    """Append one event, storing only the network (IPv4 /24, IPv6 /48) and the browser and OS
    family; it expires after the origin's retention (a TTL index on `expires_at`). An event for
    an account whose deletion began meanwhile is swept again (`users.deletion.settle`):
    events are written for other users and by anonymous routes (login, link openings), not only
    by the user's own requests."""
    created_at = now or datetime.now(UTC)
    await repository.insert_event(
        db,
        {
            "_id": _event_id(created_at),
            "user_id": user_id,
            "type": event.value,
            "created_at": created_at,
            "expires_at": created_at + timedelta(days=origin.retention_days),
            "ip": coarse_ip(origin.ip),
            "agent": coarse_agent(origin.user_agent),
            "session_id": session_id,
        },
    )
    await settle(db, user_id)


def public(doc: Document) -> dict[str, Any]:
    """The client view of an event."""
    return {
        "id": doc["_id"],
        "type": doc["type"],
        "created_at": doc["created_at"],
        "ip": doc.get("ip"),
        "agent": doc.get("agent"),
        "session_id": doc.get("session_id"),
    }


# `<created_at in ms since the epoch>.<event id>`: every text of this shape is a valid
# position, so the documented pattern is the whole rule (accounts.router uses it).
CURSOR_PATTERN = r"^[0-9]{1,14}\.[0-9a-f]{32}$"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def _encode_cursor(doc: Document) -> str:
    return f"{(doc['created_at'] - _EPOCH) // _MS}.{doc['_id']}"


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    millis, event_id = cursor.split(".")
    return _EPOCH + int(millis) * _MS, event_id


async def page(
    db: Database, user_id: str, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the user's events, newest first, and the cursor of the next page."""
    before = _decode_cursor(cursor) if cursor else None
    docs = await repository.list_events(db, user_id, limit=limit + 1, before=before)
    more = len(docs) > limit
    docs = docs[:limit]
    return [public(doc) for doc in docs], (_encode_cursor(docs[-1]) if more and docs else None)


async def _export(db: Database, user_id: str) -> AsyncIterator[dict[str, Any]]:
    async for doc in repository.iter_events(db, user_id):
        yield public(doc)


OWNED = OwnedData("security_events", _export, repository.delete_events, order=ORDER_ACCOUNT + 10)
