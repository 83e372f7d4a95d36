"""`HealthRecords`: profile and record calls that encrypt on the way out and decrypt on the way
in, plus `sync`, which brings a local copy of a profile's records up to date.

    async with NormogenClient(url) as client:
        await client.login(email, password)
        health = HealthRecords(client)
        mum = await health.create_profile("elder", {"name": "Mum"})
        await health.create_record(mum, "medication", {"name": "Ramipril"}, occurred_at=now)
        state = SyncState()
        await health.sync(mum, state)   # state.records: every live record, decrypted

Every record read goes through the client's `SeenState` (normogen_client.seen): a revision
older than one this device has seen, or a deleted record coming back, raises RollbackError.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from normogen_client.api import NormogenClient
from normogen_client.models import ApiError, NotLoggedIn
from normogen_client.records import (
    Change,
    Profile,
    Record,
    Wrapper,
    metadata_envelope,
    new_profile_body,
    open_change,
    open_profile,
    open_record,
    record_fields,
    wire_time,
)
from normogen_client.seen import SeenState

PROFILES = "/api/v1/profiles"
RECORDS = "/api/v1/records"


def _if_match(revision: int | None) -> dict[str, str]:
    return {} if revision is None else {"If-Match": f'"{revision}"'}


@dataclass(frozen=True)
class FamilyKey:
    """An unlocked family key at its epoch (filled by `normogen_client.families.Families`)."""

    epoch: int
    key: bytes = field(repr=False)


@dataclass
class SyncState:
    """A device's copy of one profile: the feed token and every live record, decrypted."""

    token: str | None = None
    records: dict[str, Record] = field(default_factory=dict)
    profile_deleted: bool = False


@dataclass(frozen=True)
class SyncResult:
    """What one `sync` call changed locally; `reset` means the token had expired."""

    updated: list[str]
    deleted: list[str]
    reset: bool


class HealthRecords:
    """Profiles and records of the logged-in account, through a `NormogenClient`."""

    def __init__(self, client: NormogenClient, page_size: int = 100) -> None:
        self.client = client
        self.page_size = page_size
        # Family id → family key, filled by `normogen_client.families.Families` as it unlocks
        # families: a family profile's key is wrapped by its family's key, not the user key.
        self.family_keys: dict[str, FamilyKey] = {}

    @property
    def seen(self) -> SeenState:
        return self.client.seen

    def _personal(self) -> Wrapper:
        if self.client.keys is None:
            raise NotLoggedIn("register or log in first")
        return Wrapper(self.client.keys.user_key, user_id=self.client.keys.user_id)

    def wrapper_for(self, family_id: str | None) -> Wrapper:
        """The key a profile's key is wrapped by: the user key, or its family's key."""
        if family_id is None:
            return self._personal()
        family = self.family_keys.get(family_id)
        if family is None:
            raise NotLoggedIn(f"family {family_id} is not unlocked (Families.list_families)")
        return Wrapper(family.key, family_id=family_id, family_epoch=family.epoch)

    # --- profiles --------------------------------------------------------------------------

    async def create_profile(self, profile_type: str, metadata: Mapping[str, Any]) -> Profile:
        """A personal profile; `profile_type` travels inside the encrypted metadata."""
        body, _ = new_profile_body(self._personal(), profile_type, metadata)
        response = await self.client.request("POST", PROFILES, json=body)
        return self._open_profile(response.json())

    async def profiles(self) -> list[Profile]:
        body = (await self.client.request("GET", PROFILES)).json()
        return [self._open_profile(item) for item in body["profiles"]]

    async def profile(self, profile_id: str) -> Profile:
        response = await self.client.request("GET", f"{PROFILES}/{profile_id}")
        return self._open_profile(response.json())

    async def update_profile(
        self,
        profile: Profile,
        *,
        metadata: Mapping[str, Any] | None = None,
        profile_type: str | None = None,
    ) -> Profile:
        """Change metadata or type; fails with 412 if someone changed the profile meanwhile."""
        body = {
            "encrypted": metadata_envelope(
                profile.id,
                profile.key,
                profile_type or profile.profile_type,
                profile.metadata if metadata is None else metadata,
            )
        }
        response = await self.client.request(
            "PATCH", f"{PROFILES}/{profile.id}", json=body, headers=_if_match(profile.revision)
        )
        return self._open_profile(response.json())

    async def delete_profile(self, profile: Profile) -> None:
        await self.client.request("DELETE", f"{PROFILES}/{profile.id}")

    def _open_profile(self, body: Mapping[str, Any]) -> Profile:
        profile = open_profile(self.wrapper_for(body.get("family_id")), body)
        self.seen.profile_epoch(profile.id, profile.key_epoch)
        return profile

    def _open_record(self, profile: Profile, body: Mapping[str, Any]) -> Record:
        record = open_record(profile, body)
        self.seen.record(record.id, record.revision)
        return record

    # --- records ---------------------------------------------------------------------------

    async def create_record(
        self,
        profile: Profile,
        kind: str,
        data: Any,
        *,
        occurred_at: datetime,
        tags: Iterable[str] = (),
        source: str | None = None,
        record_id: str | None = None,
    ) -> Record:
        """Create a record; pass the same `record_id` to retry safely after a network error."""
        record_id = record_id or str(uuid.uuid4())
        body = record_fields(profile, record_id, kind, data, occurred_at, tags, source, 1)
        body.update(id=record_id, profile_id=profile.id)
        response = await self.client.request("POST", RECORDS, json=body)
        return self._open_record(profile, response.json())

    async def record(self, profile: Profile, record_id: str) -> Record:
        response = await self.client.request("GET", f"{RECORDS}/{record_id}")
        return self._open_record(profile, response.json())

    async def update_record(
        self,
        profile: Profile,
        record: Record,
        *,
        data: Any,
        kind: str | None = None,
        occurred_at: datetime | None = None,
        tags: Iterable[str] | None = None,
        source: str | None = None,
    ) -> Record:
        """Replace a record's content if it is still at `record.revision` (else ApiError 412).

        The payload's AAD binds the revision this write produces, `record.revision + 1`.
        """
        kind = kind or record.kind
        body = record_fields(
            profile,
            record.id,
            kind,
            data,
            occurred_at or record.occurred_at,
            record.tags if tags is None else tags,
            source if source is not None else record.source,
            record.revision + 1,
        )
        response = await self.client.request(
            "PUT", f"{RECORDS}/{record.id}", json=body, headers=_if_match(record.revision)
        )
        return self._open_record(profile, response.json())

    async def delete_record(self, record: Record, *, check_revision: bool = True) -> None:
        revision = record.revision if check_revision else None
        await self.client.request("DELETE", f"{RECORDS}/{record.id}", headers=_if_match(revision))
        self.seen.deleted(record.id, record.revision + 1)

    async def records(
        self,
        profile: Profile,
        *,
        kinds: Iterable[str] = (),
        tags: Iterable[str] = (),
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> AsyncIterator[Record]:
        """Every matching record, newest first; `tags` match any of the names given."""
        params: dict[str, Any] = {"profile_id": profile.id, "limit": self.page_size}
        if kinds:
            params["kind"] = list(kinds)
        if tags:
            params["tag"] = [token for name in tags for token in profile.tag_tokens(name)]
        if start is not None:
            params["from"] = wire_time(start)
        if end is not None:
            params["to"] = wire_time(end)
        while True:
            body = (await self.client.request("GET", RECORDS, params=params)).json()
            for item in body["records"]:
                yield self._open_record(profile, item)
            if body["next_cursor"] is None:
                return
            params["cursor"] = body["next_cursor"]

    # --- sync ------------------------------------------------------------------------------

    async def changes(
        self, profile: Profile, since: str | None
    ) -> tuple[list[Change], str, bool, bool]:
        """One page of the feed: (changes, next token, done, profile deleted)."""
        params: dict[str, Any] = {"limit": self.page_size}
        if since is not None:
            params["since"] = since
        response = await self.client.request(
            "GET", f"{PROFILES}/{profile.id}/changes", params=params
        )
        body = response.json()
        changes = [open_change(profile, item) for item in body["changes"]]
        return changes, body["next"], bool(body["done"]), bool(body["profile_deleted"])

    async def sync(self, profile: Profile, state: SyncState) -> SyncResult:
        """Apply every change since `state.token` to `state` (a full resync if it expired)."""
        updated: list[str] = []
        deleted: list[str] = []
        reset = False
        while True:
            try:
                changes, token, done, profile_deleted = await self.changes(profile, state.token)
            except ApiError as error:
                if error.code != "sync_token_expired" or reset:
                    raise
                # Deletions older than the server keeps may be lost: rebuild from scratch.
                state.token, state.records, reset = None, {}, True
                self.seen.reset_feed(profile.id)
                continue
            for change in changes:
                self.seen.feed_position(profile.id, change.seq)
                if change.record is None:
                    self.seen.deleted(change.id, change.revision)
                    if state.records.pop(change.id, None) is not None:
                        deleted.append(change.id)
                else:
                    self.seen.record(change.id, change.revision)
                    state.records[change.id] = change.record
                    updated.append(change.id)
            state.token = token
            state.profile_deleted = profile_deleted
            if done:
                return SyncResult(updated, deleted, reset)
