"""Backup and restore end to end: a consistent archive under concurrent writes, a restore into
a fresh engine that the real client reads back byte for byte, and the sync epoch that makes a
device whose position is newer than the restored data resync in full."""

from __future__ import annotations

import asyncio
import io
import tarfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bson
import pytest
from pymongo import AsyncMongoClient

from normogen.db.embedded import EmbeddedMongo
from normogen.db.meta import advance_epoch
from normogen.ops.backup import BackupError, backup, restore, verify_archive
from normogen_client.api import NormogenClient
from normogen_client.health import HealthRecords, SyncState
from normogen_client.models import ApiError
from tests.accounts import TEST_KDF_ITERATIONS, RegisteredUser, auth_settings, new_email
from tests.e2e.conftest import ClientFactory
from tests.support import ThreadedServer, running_server

PASSWORD = "backup passphrase, long enough"
START = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
Client = AsyncMongoClient[dict[str, Any]]


def _archive_collections(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every collection of an archive, decoded (read independently of the code under test)."""
    out: dict[str, list[dict[str, Any]]] = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if member.name.startswith("collections/"):
                handle = archive.extractfile(member)
                assert handle is not None
                name = member.name.removeprefix("collections/").removesuffix(".bson")
                out[name] = bson.decode_all(handle.read())
    return out


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Iterator[EmbeddedMongo]:
    """A second, empty database server: where a restore lands after a lost disk."""
    engine = EmbeddedMongo(tmp_path / "fresh", sync_on_commit=False, log_path=tmp_path / "f.log")
    engine.start()
    try:
        yield engine
    finally:
        engine.stop()


async def _driver(uri: str) -> Client:
    return AsyncMongoClient(uri, tz_aware=True, uuidRepresentation="standard")


def _client(url: str) -> NormogenClient:
    return NormogenClient(url, iterations=TEST_KDF_ITERATIONS, min_iterations=TEST_KDF_ITERATIONS)


async def test_backup_is_one_consistent_snapshot_under_concurrent_writes(
    auth_server: ThreadedServer, new_client: ClientFactory, mongodb_uri: str, tmp_path: Path
) -> None:
    device = new_client()
    await device.register(new_email(), PASSWORD, device_name="laptop")
    health = HealthRecords(device)
    profiles = [await health.create_profile("self", {"name": f"p{i}"}) for i in range(3)]
    stop = asyncio.Event()
    written = 0

    async def writer(index: int) -> None:
        nonlocal written
        profile = profiles[index % len(profiles)]
        n = 0
        while not stop.is_set():
            record = await health.create_record(
                profile, "health_data", {"i": index, "n": n}, occurred_at=START + timedelta(n)
            )
            if n % 3 == 0:
                await health.delete_record(record)
            n += 1
            written += 1

    database = auth_server.settings.MONGODB_DATABASE
    driver = await _driver(mongodb_uri)
    writers = [asyncio.create_task(writer(i)) for i in range(4)]
    counts: list[int] = []
    try:
        for round_ in range(4):
            before = written
            archive = tmp_path / f"round{round_}.tar.gz"
            await backup(driver, database, archive)
            assert written > before, "no write overlapped this backup"
            data = _archive_collections(archive)
            verify_archive(archive)
            # One snapshot: each profile's counter is exactly the highest sequence number
            # among its records (a record and its counter are written in one transaction).
            highest: dict[str, int] = defaultdict(int)
            for record in data["records"]:
                highest[record["profile_id"]] = max(highest[record["profile_id"]], record["seq"])
            for profile in data["profiles"]:
                assert profile["seq"] == highest[profile["_id"]], profile["_id"]
            counts.append(len(data["records"]))
    finally:
        stop.set()
        await asyncio.gather(*writers)
        await driver.close()
    assert counts == sorted(counts)
    assert counts[0] < counts[-1]


async def test_restore_into_a_fresh_engine_gives_back_every_byte_and_forces_a_full_resync(
    auth_server: ThreadedServer,
    new_client: ClientFactory,
    mongodb_uri: str,
    fresh_engine: EmbeddedMongo,
    tmp_path: Path,
) -> None:
    email = new_email()
    laptop_client = new_client()
    await laptop_client.register(email, PASSWORD, device_name="laptop")
    laptop = HealthRecords(laptop_client)
    mum = await laptop.create_profile("elder", {"name": "Mum", "born": 1941})
    payloads = [{"drug": "Ramipril", "mg": 5}, {"text": "Blutdruck 130/85 ✓", "n": [1, 2.5]}]
    kept = [
        await laptop.create_record(mum, "medication", data, occurred_at=START, tags=["heart"])
        for data in payloads
    ]
    state = SyncState()
    await laptop.sync(mum, state)
    database = auth_server.settings.MONGODB_DATABASE

    source = await _driver(mongodb_uri)
    archive = tmp_path / "normogen.tar.gz"
    try:
        manifest = await backup(source, database, archive)
        stored = {doc["_id"]: doc async for doc in source[database]["records"].find()}
    finally:
        await source.close()
    assert archive.stat().st_mode & 0o777 == 0o600
    assert {c["name"]: c["count"] for c in manifest["collections"]}["records"] == 2

    # After the backup: a change the restore will lose, seen by the laptop's sync.
    lost = await laptop.create_record(mum, "note", {"after": "backup"}, occurred_at=START)
    await laptop.sync(mum, state)
    assert set(state.records) == {kept[0].id, kept[1].id, lost.id}
    newer_token = state.token

    target = await _driver(fresh_engine.uri)
    try:
        result = await restore(target, database, archive)
        restored = {doc["_id"]: doc async for doc in target[database]["records"].find()}
    finally:
        await target.close()
    assert restored == stored  # the ciphertext, byte for byte
    assert result["sync_epoch"] != manifest["sync_epoch"]

    settings = auth_settings(fresh_engine.uri).model_copy(
        update={
            "MONGODB_DATABASE": database,
            "JWT_SECRET": auth_server.settings.JWT_SECRET,
        }
    )
    with running_server(settings) as replacement:
        phone_client = _client(replacement.url)
        try:
            await phone_client.login(email, PASSWORD, device_name="phone")
            phone = HealthRecords(phone_client)
            [profile] = await phone.profiles()
            assert profile.metadata == {"name": "Mum", "born": 1941}
            for original in kept:
                again = await phone.record(profile, original.id)
                assert (again.data, again.tags, again.occurred_at) == (
                    original.data,
                    original.tags,
                    original.occurred_at,
                )
            feed = f"/api/v1/profiles/{mum.id}/changes"
            with pytest.raises(ApiError) as stale:
                await phone_client.request("GET", feed, params={"since": newer_token})
            assert (stale.value.status, stale.value.code) == (410, "sync_epoch_changed")
            fresh = (await phone_client.request("GET", feed)).json()
            assert fresh["epoch"] == result["sync_epoch"]
            assert len(fresh["changes"]) == 2
            # The laptop's client resyncs in full and learns the lost record is gone.
            laptop_on_restored = _client(replacement.url)
            await laptop_on_restored.login(email, PASSWORD, device_name="laptop again")
            outcome = await HealthRecords(laptop_on_restored).sync(mum, state)
            await laptop_on_restored.aclose()
            assert outcome.reset
            assert set(state.records) == {kept[0].id, kept[1].id}
            assert {r.id: r.data for r in state.records.values()} == {k.id: k.data for k in kept}
        finally:
            await phone_client.aclose()


def _format1_token(profile_id: str, seq: int) -> str:
    """A sync token without an epoch (`<seq>.<millis>.<profile prefix>`, docs/sync.md): what
    servers issued before the first restore."""
    return f"{seq}.0.{profile_id[:8]}"


async def test_tokens_from_before_epochs_work_until_a_restore(
    auth_server: ThreadedServer, new_client: ClientFactory, mongodb_uri: str
) -> None:
    device = new_client()
    await device.register(new_email(), PASSWORD, device_name="laptop")
    health = HealthRecords(device)
    profile = await health.create_profile("self", {"name": "me"})
    await health.create_record(profile, "note", {"n": 1}, occurred_at=START)
    await health.create_record(profile, "note", {"n": 2}, occurred_at=START)
    feed = f"/api/v1/profiles/{profile.id}/changes"
    page = await device.request("GET", feed, params={"since": _format1_token(profile.id, 1)})
    body = page.json()
    assert [c["seq"] for c in body["changes"]] == [2]
    assert body["epoch"]
    # The same format-1 token after the epoch advanced (what a restore does): refused.
    driver = await _driver(mongodb_uri)
    try:
        await advance_epoch(driver[auth_server.settings.MONGODB_DATABASE], reason="test")
    finally:
        await driver.close()
    for token in (_format1_token(profile.id, 1), body["next"]):
        with pytest.raises(ApiError) as refused:
            await device.request("GET", feed, params={"since": token})
        assert (refused.value.status, refused.value.code) == (410, "sync_epoch_changed")


async def test_a_damaged_archive_is_refused_before_anything_is_written(
    auth_server: ThreadedServer,
    user: RegisteredUser,
    mongodb_uri: str,
    fresh_engine: EmbeddedMongo,
    tmp_path: Path,
) -> None:
    database = auth_server.settings.MONGODB_DATABASE
    source = await _driver(mongodb_uri)
    good = tmp_path / "good.tar.gz"
    try:
        await backup(source, database, good)
    finally:
        await source.close()
    # Same manifest, one bit of the meta collection changed.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(good, "r:gz") as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src:
            handle = src.extractfile(member)
            assert handle is not None
            body = bytearray(handle.read())
            if member.name == "collections/meta.bson":
                body[-2] ^= 0x01
            dst.addfile(member, io.BytesIO(bytes(body)))
    with pytest.raises(BackupError, match="'meta' does not match the manifest"):
        verify_archive(damaged)
    target = await _driver(fresh_engine.uri)
    try:
        with pytest.raises(BackupError, match="does not match the manifest"):
            await restore(target, database, damaged)
        assert await target[database].list_collection_names() == []
        # Restoring twice: the second finds data and refuses.
        await restore(target, database, good)
        with pytest.raises(BackupError, match="is not empty \\(collection '"):
            await restore(target, database, good)
        assert await target[database]["users"].count_documents({}) == 1
        # --drop replaces the data on purpose: a user added since is gone afterwards.
        await target[database]["users"].insert_one({"_id": "added-later"})
        await restore(target, database, good, drop=True)
        assert await target[database]["users"].count_documents({}) == 1
        assert await target[database]["users"].find_one({"_id": "added-later"}) is None
    finally:
        await target.close()
