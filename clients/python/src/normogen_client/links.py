"""Share links: records re-encrypted under a key that only the URL's fragment carries.

    links = Links(client)
    shared = await links.share_records(profile, [lab_result], expires_in=timedelta(days=7),
                                       max_access_count=1, password="1234 blue")
    shared.url   # https://host/s/<id>#1p.<secret>: send it to the doctor; the server never sees it
    # the doctor, without an account:
    content = await open_link(shared.url, password="1234 blue")

Crypto (docs/crypto.md, section 8): the content key is derived from the URL secret and, with a
password, from a PBKDF2 key of the password as well, so a copy of the database plus the URL
still needs the password; the server stores an Argon2id hash of a separate HKDF verifier. The
payload's AAD binds the link id; the owner's label is under their user key (AAD binds the link
id and the owner). The fragment also says whether the link needs a password ("1p." or "1n."
before the secret), because the server's 404 must not say it.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from normogen_client.api import NormogenClient
from normogen_client.crypto import (
    LINK_PASSWORD_ITERATIONS,
    CryptoError,
    Envelope,
    b64e,
    decrypt_json,
    encrypt_json,
    link_fragment,
    link_keys,
    new_key,
    parse_link_fragment,
)
from normogen_client.crypto.contexts import link_label_aad, link_payload_aad
from normogen_client.models import ApiError, NotLoggedIn
from normogen_client.records import Profile, Record, parse_time, wire_time

LINKS = "/api/v1/links"
PUBLIC_LINKS = "/api/v1/public/links"
LINK_ID_BYTES = 24  # 32 base64url characters


def new_link_id() -> str:
    """A fresh random link id (192 bits), chosen here because the payload's AAD binds it."""
    return secrets.token_urlsafe(LINK_ID_BYTES)


class PasswordRequired(ValueError):
    """The link says it opens only with a password, and none was given."""


class PasswordNotExpected(ValueError):
    """A password was given for a link that says it has none."""


def link_url(web_base: str, link_id: str, key: bytes, has_password: bool) -> str:
    return f"{web_base.rstrip('/')}/s/{link_id}#{link_fragment(key, has_password)}"


def parse_link_url(url: str) -> tuple[str, str, bytes, bool | None]:
    """(origin, link id, link key, needs a password or None if the URL does not say) of a
    `/s/<id>#<fragment>` URL; CryptoError if malformed."""
    parts = urlsplit(url)
    head, _, link_id = parts.path.rstrip("/").rpartition("/s/")
    if not link_id or "/" in link_id or not parts.fragment:
        raise CryptoError("not a share-link URL (expected .../s/<id>#<key>)")
    secret, needs_password = parse_link_fragment(parts.fragment)
    return f"{parts.scheme}://{parts.netloc}{head}", link_id, secret, needs_password


def link_needs_password(url: str) -> bool | None:
    """Whether the URL says its link needs a password (None: an older URL without the flag)."""
    return parse_link_url(url)[3]


@dataclass(frozen=True)
class SharedLink:
    """A link just created: `url` is the only place the key exists."""

    id: str
    url: str = field(repr=False)
    expires_at: datetime
    max_access_count: int | None
    has_password: bool


@dataclass(frozen=True)
class LinkInfo:
    """One of the caller's links, as they see it (never the key or the payload)."""

    id: str
    status: str  # active, expired, exhausted or revoked
    label: Any
    created_at: datetime
    expires_at: datetime
    max_access_count: int | None
    access_count: int
    has_password: bool
    accesses: list[dict[str, Any]]


class Links:
    """Create, list and revoke the logged-in account's share links."""

    def __init__(
        self,
        client: NormogenClient,
        web_base: str | None = None,
        *,
        password_iterations: int = LINK_PASSWORD_ITERATIONS,
    ) -> None:
        """`web_base`: where `/s/<id>` is served (default: the API's own origin)."""
        self.client = client
        self.web_base = web_base or client.base_url
        self.password_iterations = password_iterations

    def _user_key(self) -> bytes:
        if self.client.keys is None:
            raise NotLoggedIn("register or log in first")
        return self.client.keys.user_key

    def _user_id(self) -> str:
        if self.client.keys is None:
            raise NotLoggedIn("register or log in first")
        return self.client.keys.user_id

    async def create(
        self,
        content: Any,
        *,
        expires_in: timedelta | None = None,
        expires_at: datetime | None = None,
        max_access_count: int | None = None,
        password: str | None = None,
        label: str | None = None,
    ) -> SharedLink:
        """Encrypt `content` (any JSON value) under a fresh key and share it until the expiry."""
        if (expires_in is None) == (expires_at is None):
            raise ValueError("give exactly one of expires_in and expires_at")
        expiry = expires_at or datetime.now(UTC) + (expires_in or timedelta())
        link_id = new_link_id()
        secret = new_key()
        content_key, verifier = await asyncio.to_thread(
            link_keys, secret, password, self.password_iterations
        )
        body: dict[str, Any] = {
            "id": link_id,
            "payload": encrypt_json(content_key, content, link_payload_aad(link_id)).to_json(),
            "expires_at": wire_time(expiry),
        }
        if max_access_count is not None:
            body["max_access_count"] = max_access_count
        if verifier is not None:
            body["password_verifier"] = b64e(verifier)
        if label is not None:
            aad = link_label_aad(link_id, self._user_id())
            body["label"] = encrypt_json(self._user_key(), label, aad).to_json()
        created = (await self.client.request("POST", LINKS, json=body)).json()
        if created["id"] != link_id:
            raise CryptoError("the server answered for another link id")
        return SharedLink(
            id=created["id"],
            url=link_url(self.web_base, created["id"], secret, verifier is not None),
            expires_at=parse_time(created["expires_at"]),
            max_access_count=created["max_access_count"],
            has_password=created["has_password"],
        )

    async def share_records(
        self, profile: Profile, records: Iterable[Record], **options: Any
    ) -> SharedLink:
        """Share decrypted records (and the profile's metadata) through a new link."""
        content = {
            "format": "normogen-share",
            "version": 2,
            "profile": {"profile_type": profile.profile_type, "metadata": profile.metadata},
            "records": [_record_json(record) for record in records],
        }
        return await self.create(content, **options)

    async def list_links(self) -> list[LinkInfo]:
        body = (await self.client.request("GET", LINKS)).json()
        return [self._info(item) for item in body["links"]]

    async def get(self, link_id: str) -> LinkInfo:
        """One link with its access log (time, network, browser family), newest first."""
        return self._info((await self.client.request("GET", f"{LINKS}/{link_id}")).json())

    async def revoke(self, link_id: str) -> None:
        await self.client.request("DELETE", f"{LINKS}/{link_id}")

    def _info(self, body: Mapping[str, Any]) -> LinkInfo:
        label = body.get("label")
        return LinkInfo(
            id=body["id"],
            status=body["status"],
            label=None
            if label is None
            else decrypt_json(
                self._user_key(),
                Envelope.from_json(label),
                link_label_aad(body["id"], self._user_id()),
            ),
            created_at=parse_time(body["created_at"]),
            expires_at=parse_time(body["expires_at"]),
            max_access_count=body["max_access_count"],
            access_count=body["access_count"],
            has_password=body["has_password"],
            accesses=list(body.get("accesses") or []),
        )


async def open_link(
    url: str,
    password: str | None = None,
    *,
    api_base: str | None = None,
    http: httpx.AsyncClient | None = None,
    password_iterations: int = LINK_PASSWORD_ITERATIONS,
) -> Any:
    """Fetch and decrypt a link's content; no account needed. Every refusal (missing, expired,
    revoked, used up, wrong password) is the same `ApiError` 404. A URL that says it needs a
    password raises `PasswordRequired` without one, and one that says it has none raises
    `PasswordNotExpected` with one (both before any request); an older URL takes either."""
    origin, link_id, secret, needs_password = parse_link_url(url)
    if needs_password is True and password is None:
        raise PasswordRequired("this link opens only with its password")
    if needs_password is False and password is not None:
        raise PasswordNotExpected("this link has no password")
    content_key, verifier = await asyncio.to_thread(
        link_keys, secret, password, password_iterations
    )
    body: dict[str, Any] = {}
    if verifier is not None:
        body["password_verifier"] = b64e(verifier)
    own = http is None
    client = http or httpx.AsyncClient(base_url=api_base or origin, timeout=30)
    try:
        response = await client.post(f"{PUBLIC_LINKS}/{link_id}", json=body)
    finally:
        if own:
            await client.aclose()
    if response.is_error:
        raise ApiError.from_response(response)
    payload = response.json()["payload"]
    return decrypt_json(content_key, Envelope.from_json(payload), link_payload_aad(link_id))


def _record_json(record: Record) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind,
        "data": record.data,
        "tags": record.tags,
        "occurred_at": wire_time(record.occurred_at),
        "source": record.source,
    }
