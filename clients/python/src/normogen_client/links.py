"""Share links: records re-encrypted under a fresh key that only the URL's fragment carries.

    links = Links(client)
    shared = await links.share_records(profile, [lab_result], expires_in=timedelta(days=7),
                                       max_access_count=1, password="1234 blue")
    shared.url   # https://host/s/<id>#<key>: send it to the doctor; the server never sees <key>
    # the doctor, without an account:
    content = await open_link(shared.url, password="1234 blue")

Crypto (README, "Share links"): link key = 32 random bytes, in the fragment as unpadded
base64url; payload = `encrypt_json(link key, content, AAD "normogen/v1/link-payload")`; the
optional password becomes a verifier `HKDF-SHA256(PBKDF2-HMAC-SHA256(NFKC(password), salt =
link key, N), info "normogen/v1/link-password")`, so the server (which stores an Argon2id hash
of the verifier) cannot test passwords without the URL; the owner's label is encrypted under
their user key (AAD `normogen/v1/link-label`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from normogen_client.api import NormogenClient
from normogen_client.crypto import (
    MIN_ITERATIONS,
    CryptoError,
    Envelope,
    b64e,
    decrypt_json,
    encrypt_json,
    hkdf_sha256,
    key_from_fragment,
    key_to_fragment,
    new_key,
    pbkdf2_sha256,
)
from normogen_client.crypto.kdf import normalize_secret
from normogen_client.models import ApiError, NotLoggedIn
from normogen_client.records import Profile, Record, parse_time, wire_time

LINKS = "/api/v1/links"
PUBLIC_LINKS = "/api/v1/public/links"
AAD_LINK_PAYLOAD = b"normogen/v1/link-payload"
AAD_LINK_LABEL = b"normogen/v1/link-label"
INFO_LINK_PASSWORD = b"normogen/v1/link-password"
# Part of the link format: opener and creator must agree (there is no place to carry it).
LINK_PASSWORD_ITERATIONS = MIN_ITERATIONS


def password_verifier(
    password: str, link_key: bytes, iterations: int = LINK_PASSWORD_ITERATIONS
) -> bytes:
    """What the server receives instead of the link's password (32 bytes)."""
    master = pbkdf2_sha256(normalize_secret(password), link_key, iterations, 32)
    return hkdf_sha256(master, None, INFO_LINK_PASSWORD, 32)


def link_url(web_base: str, link_id: str, key: bytes) -> str:
    return f"{web_base.rstrip('/')}/s/{link_id}#{key_to_fragment(key)}"


def parse_link_url(url: str) -> tuple[str, str, bytes]:
    """(origin, link id, link key) of a `/s/<id>#<key>` URL; CryptoError if malformed."""
    parts = urlsplit(url)
    head, _, link_id = parts.path.rstrip("/").rpartition("/s/")
    if not link_id or "/" in link_id or not parts.fragment:
        raise CryptoError("not a share-link URL (expected .../s/<id>#<key>)")
    return f"{parts.scheme}://{parts.netloc}{head}", link_id, key_from_fragment(parts.fragment)


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
        key = new_key()
        body: dict[str, Any] = {
            "payload": encrypt_json(key, content, AAD_LINK_PAYLOAD).to_json(),
            "expires_at": wire_time(expiry),
        }
        if max_access_count is not None:
            body["max_access_count"] = max_access_count
        if password is not None:
            verifier = await asyncio.to_thread(
                password_verifier, password, key, self.password_iterations
            )
            body["password_verifier"] = b64e(verifier)
        if label is not None:
            body["label"] = encrypt_json(self._user_key(), label, AAD_LINK_LABEL).to_json()
        created = (await self.client.request("POST", LINKS, json=body)).json()
        return SharedLink(
            id=created["id"],
            url=link_url(self.web_base, created["id"], key),
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
            "version": 1,
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
            else decrypt_json(self._user_key(), Envelope.from_json(label), AAD_LINK_LABEL),
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
    revoked, used up, wrong password) is the same `ApiError` 404."""
    origin, link_id, key = parse_link_url(url)
    body: dict[str, Any] = {}
    if password is not None:
        verifier = await asyncio.to_thread(password_verifier, password, key, password_iterations)
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
    return decrypt_json(key, Envelope.from_json(response.json()["payload"]), AAD_LINK_PAYLOAD)


def _record_json(record: Record) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind,
        "data": record.data,
        "tags": record.tags,
        "occurred_at": wire_time(record.occurred_at),
        "source": record.source,
    }
