"""End-to-end: profiles and records through the reference client with the real crypto.

Two devices of one account share profiles; the server (and its database) holds ciphertext and
opaque tags only, and a payload moved between records fails to decrypt.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from normogen_client.api import NormogenClient
from normogen_client.crypto import DecryptionError
from normogen_client.health import HealthRecords, SyncState
from normogen_client.models import ApiError
from tests.accounts import new_email
from tests.e2e.conftest import ClientFactory
from tests.support import ThreadedServer

PASSWORD = "records passphrase, long enough"
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


async def two_devices(new_client: ClientFactory) -> tuple[NormogenClient, NormogenClient]:
    email = new_email()
    laptop, phone = new_client(), new_client()
    await laptop.register(email, PASSWORD, device_name="laptop")
    await phone.login(email, PASSWORD, device_name="phone")
    return laptop, phone


async def test_profiles_and_records_round_trip_between_devices(
    new_client: ClientFactory,
) -> None:
    laptop_client, phone_client = await two_devices(new_client)
    laptop, phone = HealthRecords(laptop_client), HealthRecords(phone_client)

    mum = await laptop.create_profile("elder", {"name": "Mum", "born": 1941})
    assert mum.metadata == {"name": "Mum", "born": 1941}
    [seen] = await phone.profiles()
    assert (seen.id, seen.metadata, seen.key) == (mum.id, mum.metadata, mum.key)

    dose = {"drug": "Ramipril", "mg": 5}
    created = await laptop.create_record(
        mum, "medication", dose, occurred_at=NOW, tags=["heart", "daily"], source="manual"
    )
    read = await phone.record(seen, created.id)
    assert read == created
    assert (read.data, read.tags, read.occurred_at) == (dose, ["heart", "daily"], NOW)

    updated = await phone.update_record(seen, read, data={**dose, "mg": 10})
    assert updated.revision == 2
    with pytest.raises(ApiError) as stale:
        await laptop.update_record(mum, created, data={**dose, "mg": 2.5})
    assert stale.value.status == 412
    renamed = await laptop.update_profile(mum, metadata={"name": "Mother", "born": 1941})
    assert (await phone.profile(mum.id)).metadata == renamed.metadata


async def test_listing_filters_by_kind_time_and_tag_name(new_client: ClientFactory) -> None:
    client = new_client()
    await client.register(new_email(), PASSWORD)
    health = HealthRecords(client, page_size=2)
    me = await health.create_profile("self", {"name": "Me"})
    for day in range(6):
        kind = "lab_result" if day % 2 else "health_data"
        tags = ["blood"] if day % 3 == 0 else ["sleep"]
        at = NOW + timedelta(days=day)
        await health.create_record(me, kind, {"day": day}, occurred_at=at, tags=tags)

    everything = [r.data["day"] async for r in health.records(me)]
    assert everything == [5, 4, 3, 2, 1, 0]  # newest first, across pages of two
    labs = [r.data["day"] async for r in health.records(me, kinds=["lab_result"])]
    assert labs == [5, 3, 1]
    blood = [r.data["day"] async for r in health.records(me, tags=["blood"])]
    assert blood == [3, 0]
    window = health.records(me, start=NOW + timedelta(days=1), end=NOW + timedelta(days=4))
    assert [r.data["day"] async for r in window] == [3, 2, 1]


async def test_sync_keeps_a_second_device_exact(new_client: ClientFactory) -> None:
    laptop_client, phone_client = await two_devices(new_client)
    laptop, phone = HealthRecords(laptop_client), HealthRecords(phone_client, page_size=3)
    child = await laptop.create_profile("child", {"name": "Sam"})
    records = [
        await laptop.create_record(child, "note", {"n": n}, occurred_at=NOW) for n in range(7)
    ]
    state = SyncState()
    first = await phone.sync(child, state)
    assert sorted(first.updated) == sorted(r.id for r in records)
    assert {rid: r.data for rid, r in state.records.items()} == {r.id: r.data for r in records}

    changed = await laptop.update_record(child, records[0], data={"n": "changed"})
    await laptop.delete_record(records[1])
    again = await phone.sync(child, state)
    assert again.updated == [changed.id]
    assert again.deleted == [records[1].id]
    assert state.records[changed.id] == changed
    assert records[1].id not in state.records

    await laptop.delete_profile(child)
    last = await phone.sync(child, state)
    assert state.profile_deleted
    assert state.records == {}
    assert sorted(last.deleted) == sorted(r.id for r in records if r.id != records[1].id)


async def test_the_server_cannot_move_a_payload_between_records(
    new_client: ClientFactory,
    auth_server: ThreadedServer,
    mongo: AsyncMongoClient[dict[str, Any]],
) -> None:
    client = new_client()
    await client.register(new_email(), PASSWORD)
    health = HealthRecords(client)
    me = await health.create_profile("self", {"name": "Me"})
    a = await health.create_record(me, "lab_result", {"ldl": 3.1}, occurred_at=NOW)
    b = await health.create_record(me, "lab_result", {"ldl": 1.2}, occurred_at=NOW)
    records = mongo[auth_server.settings.MONGODB_DATABASE]["records"]
    stored_a = await records.find_one({"_id": a.id})
    assert stored_a is not None
    # A malicious server swaps b's payload for a's ciphertext.
    await records.update_one({"_id": b.id}, {"$set": {"payload": stored_a["payload"]}})
    with pytest.raises(DecryptionError):
        await health.record(me, b.id)


async def test_database_holds_no_plaintext(
    new_client: ClientFactory,
    auth_server: ThreadedServer,
    mongo: AsyncMongoClient[dict[str, Any]],
) -> None:
    client = new_client()
    await client.register(new_email(), PASSWORD)
    health = HealthRecords(client)
    profile = await health.create_profile("adult", {"name": "Zebedee Quux"})
    await health.create_record(
        profile,
        "lab_result",
        {"test": "Haemoglobin-A1c-marker"},
        occurred_at=NOW,
        tags=["diabetes-watch"],
    )
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    dump = ""
    for name in ("profiles", "records"):
        async for doc in db[name].find():
            dump += json.dumps(doc, default=str)
    assert profile.id in dump  # the scan did read the documents
    for plaintext in ("Zebedee", "Haemoglobin", "diabetes-watch"):
        assert plaintext not in dump


async def test_sync_with_an_expired_token_rebuilds_the_copy(new_client: ClientFactory) -> None:
    client = new_client()
    await client.register(new_email(), PASSWORD)
    health = HealthRecords(client)
    me = await health.create_profile("self", {"name": "Me"})
    kept = await health.create_record(me, "note", {"n": 1}, occurred_at=NOW)
    state = SyncState()
    await health.sync(me, state)
    assert state.token is not None
    # A device that was offline for longer than tombstones are kept (RECORD_TOMBSTONE_DAYS):
    # its token carries the time of the last change it saw (the format is the server's).
    seq, _, rest = state.token.split(".", 2)
    year_ago = int((datetime.now(UTC) - timedelta(days=365)).timestamp() * 1000)
    state.token = f"{seq}.{year_ago}.{rest}"
    state.records["stale-local-only"] = kept
    result = await health.sync(me, state)
    assert result.reset is True
    assert state.records == {kept.id: kept}
