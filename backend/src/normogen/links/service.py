"""Share-link use cases: create, list, read, revoke (owner) and open (anyone with the URL).

The server never holds a usable link key: the client re-encrypts the shared records under a
fresh key that lives only in the URL fragment (`/s/<id>#<key>`), which browsers never send.
A password, when set, reaches the server only as a client-derived verifier, stored as an
Argon2id hash. Ids are 192 random bits, so links cannot be found by guessing.

Missing, expired, revoked, exhausted and wrong-password links all get the same 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from normogen.core.hashing import KeyHasher
from normogen.crypto.shapes import b64_max_chars, b64decode
from normogen.db.client import Database, Document
from normogen.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from normogen.events.public import EventType, Origin, coarse_agent, coarse_ip, record
from normogen.links import errors as codes
from normogen.links import guard, repository
from normogen.links.schemas import LinkCreate
from normogen.runtime import Runtime
from normogen.security.ratelimit import Limit, RateLimiter, ip_subject
from normogen.users.principal import Principal

LINK_ID_BYTES = 24  # the client draws 192 random bits: 32 URL-safe characters
LINK_ID_CHARS = 32
MAX_OPEN_LINKS_PER_OWNER = 200
LINK_NOT_FOUND = "Link not found"
_ID_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class LinkNotFound(NotFound):
    default_message = LINK_NOT_FOUND


@dataclass(frozen=True)
class LinkContext:
    """What link operations need; built per request by `links.dependencies`."""

    runtime: Runtime
    db: Database
    hasher: KeyHasher
    origin: Origin

    @property
    def limiter(self) -> RateLimiter:
        return RateLimiter(self.runtime)


def now_ms() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def well_formed(link_id: str) -> bool:
    return len(link_id) == LINK_ID_CHARS and set(link_id) <= _ID_ALPHABET


def status_of(doc: Document, now: datetime) -> str:
    if doc.get("revoked"):
        return "revoked"
    if doc["expires_at"] <= now:
        return "expired"
    maximum = doc.get("max_access_count")
    if maximum is not None and doc.get("access_count", 0) >= maximum:
        return "exhausted"
    return "active"


def link_view(doc: Document, now: datetime, *, with_accesses: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": doc["_id"],
        "kind": doc.get("kind", "share"),
        "label": doc.get("label"),
        "status": status_of(doc, now),
        "created_at": doc["created_at"],
        "expires_at": doc["expires_at"],
        "max_access_count": doc.get("max_access_count"),
        "access_count": doc.get("access_count", 0),
        "has_password": bool(doc.get("has_password")),
        "last_accessed_at": doc.get("last_accessed_at"),
        "revoked_at": doc.get("revoked_at"),
    }
    if with_accesses:
        view["accesses"] = list(reversed(doc.get("accesses", [])))
    return view


async def create_link(ctx: LinkContext, principal: Principal, body: LinkCreate) -> Document:
    settings = ctx.runtime.settings
    now = now_ms()
    emergency = body.kind == "emergency"
    max_days = settings.EMERGENCY_LINK_MAX_DAYS if emergency else settings.LINK_MAX_DAYS
    if not now < body.expires_at <= now + timedelta(days=max_days):
        raise InvalidInput(
            "body.expires_at", f"must be in the future and at most {max_days} days ahead"
        )
    if emergency and (body.password_verifier is not None or body.max_access_count is not None):
        # Whoever finds the card must be able to open it, as often as needed.
        raise InvalidInput(
            "body.password_verifier"
            if body.password_verifier is not None
            else "body.max_access_count",
            "an emergency link has neither a password nor an access limit",
        )
    # Counted as the OpenAPI document states it (normogen/openapi.py): base64 characters.
    longest = b64_max_chars(settings.LINK_MAX_BYTES)
    if len(body.payload.data) > longest:
        raise PayloadTooLarge(
            f"payload is {len(body.payload.data)} base64 characters; at most {longest} "
            f"({settings.LINK_MAX_BYTES} bytes) are allowed",
            code=codes.LINK_TOO_LARGE,
        )
    if await repository.count_open(ctx.db, principal.user_id, now) >= MAX_OPEN_LINKS_PER_OWNER:
        raise Conflict(
            f"At most {MAX_OPEN_LINKS_PER_OWNER} open links per account", code=codes.LINK_LIMIT
        )
    verifier = body.password_verifier
    doc: Document = {
        "_id": body.id,
        "kind": body.kind,
        "owner_id": principal.user_id,
        "payload": body.payload.to_doc(),
        "label": body.label.to_doc() if body.label is not None else None,
        "created_at": now,
        "expires_at": body.expires_at,
        "max_access_count": body.max_access_count,
        "access_count": 0,
        "has_password": verifier is not None,
        "password_hash": None if verifier is None else await ctx.hasher.hash(b64decode(verifier)),
        "revoked": False,
        "accesses": [],
    }
    try:
        await repository.insert_link(ctx.db, doc)
    except DuplicateKeyError:
        raise Conflict("A link already uses this id", code=codes.LINK_ID_CONFLICT) from None
    await record(
        ctx.db,
        principal.user_id,
        EventType.LINK_CREATED,
        origin=ctx.origin,
        session_id=principal.session_id,
    )
    return doc


async def list_links(db: Database, principal: Principal) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    docs = await repository.list_links(db, principal.user_id, MAX_OPEN_LINKS_PER_OWNER * 5)
    return [link_view(doc, now) for doc in docs]


async def read_link(db: Database, principal: Principal, link_id: str) -> dict[str, Any]:
    doc = (
        await repository.find_owned(db, link_id, principal.user_id)
        if well_formed(link_id)
        else None
    )
    if doc is None:
        raise LinkNotFound()
    return link_view(doc, datetime.now(UTC), with_accesses=True)


async def revoke_link(ctx: LinkContext, principal: Principal, link_id: str) -> None:
    """Revoke at once (idempotent for the owner); openers get the uniform 404 from now on."""
    if not well_formed(link_id):
        raise LinkNotFound()
    before = await repository.revoke(ctx.db, link_id, owner_id=principal.user_id, now=now_ms())
    if before is None:
        raise LinkNotFound()
    if not before.get("revoked"):
        event = EventType.LINK_REVOKED
        await record(
            ctx.db, principal.user_id, event, origin=ctx.origin, session_id=principal.session_id
        )


def access_limit(ctx: LinkContext) -> Limit:
    settings = ctx.runtime.settings
    return Limit(
        "link_access", settings.LINK_RATE_LIMIT_REQUESTS, settings.LINK_RATE_LIMIT_DURATION_SECONDS
    )


async def open_link(ctx: LinkContext, link_id: str, verifier: str | None) -> dict[str, Any]:
    """The ciphertext of a link that may be opened now, counting the access; else 404."""
    client_ip = ctx.origin.ip or "unknown"
    await ctx.limiter.check(access_limit(ctx), ip_subject(client_ip))
    if not well_formed(link_id):
        raise LinkNotFound()
    reservation = None
    if verifier is not None:
        reservation = await guard.reserve_attempt(
            ctx.limiter, ctx.runtime.settings, client_ip, link_id
        )
    now = now_ms()
    link = await repository.find_openable(ctx.db, link_id, now)
    if link is None or not await _password_ok(ctx, link, verifier):
        if link is None and verifier is not None:
            await ctx.hasher.verify_dummy(b64decode(verifier))  # costs what a wrong password does
        raise LinkNotFound()  # a reserved password attempt stays counted
    if reservation is not None:
        await reservation.release()
    where = Origin(client_ip, ctx.origin.user_agent, ctx.origin.retention_days)
    entry = {"at": now, "ip": coarse_ip(client_ip), "agent": coarse_agent(ctx.origin.user_agent)}
    opened = await repository.consume(
        ctx.db, link_id, max_count=link.get("max_access_count"), now=now, entry=entry
    )
    if opened is None:
        raise LinkNotFound()  # exhausted, or expired or revoked a moment ago
    emergency = opened.get("kind") == "emergency"
    event = EventType.EMERGENCY_LINK_ACCESSED if emergency else EventType.LINK_ACCESSED
    await record(ctx.db, opened["owner_id"], event, origin=where)
    return {"id": link_id, "payload": opened["payload"], "expires_at": opened["expires_at"]}


async def _password_ok(ctx: LinkContext, link: Document, verifier: str | None) -> bool:
    """Whether the verifier opens the link (any, or none, for a link without a password)."""
    stored = link.get("password_hash")
    if stored is None:
        return True
    return verifier is not None and await ctx.hasher.verify(stored, b64decode(verifier))
