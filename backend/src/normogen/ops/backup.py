"""`normogen backup` and `normogen restore`: a verifiable archive of the whole database.

The archive is a gzip-compressed tar holding `manifest.json` first, then one file per
collection with its documents as raw BSON (exactly the bytes the server returned, in `_id`
order, so nothing is re-encoded). The manifest lists, per collection, the document count, the
SHA-256 of its file, its options and its index definitions, and carries a SHA-256 of itself.

Consistency: every collection is read in one snapshot transaction, so the archive is the
database as of one instant even while the server keeps writing (a record and its profile's
sequence counter, written in one transaction, are either both in it or neither). MongoDB
limits a transaction's lifetime (transactionLifetimeLimitSeconds, 60 s by default).

Restore loads an archive into an empty database only. It verifies the whole archive before
writing anything, loads the documents, reads every collection back and compares counts and
checksums with the manifest, builds the indexes, and only then advances the sync epoch
(db/meta.py), so devices that synced after the backup resync in full.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

from bson import decode_file_iter, json_util
from bson.codec_options import CodecOptions
from bson.json_util import CANONICAL_JSON_OPTIONS
from bson.raw_bson import RawBSONDocument
from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from normogen import __version__
from normogen.db import meta
from normogen.db.client import Document
from normogen.db.transactions import run_transaction

FORMAT = "normogen-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_RAW = CodecOptions(document_class=RawBSONDocument, tz_aware=True)
_BATCH_DOCS = 1000
_BATCH_BYTES = 8 * 1024 * 1024
_CHUNK = 1024 * 1024
RawDatabase = AsyncDatabase[RawBSONDocument]


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message says why, in one line."""


@dataclass(frozen=True)
class CollectionEntry:
    name: str
    count: int
    sha256: str
    options: dict[str, Any]
    indexes: list[dict[str, Any]]

    @property
    def member(self) -> str:
        return f"collections/{self.name}.bson"


def _ejson(value: Any) -> Any:
    """A BSON value as canonical extended JSON (types survive the round trip)."""
    return json.loads(json_util.dumps(value, json_options=CANONICAL_JSON_OPTIONS))


def _from_ejson(value: Any) -> Any:
    return json_util.loads(json.dumps(value))


def _manifest_checksum(body: dict[str, Any]) -> str:
    unsigned = {k: v for k, v in body.items() if k != "checksum"}
    canonical = json.dumps(unsigned, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(canonical).hexdigest()


# --- backup ----------------------------------------------------------------------------------


async def _collection_specs(db: AsyncDatabase[Document]) -> list[tuple[str, Document, list[Any]]]:
    """Names, options and index definitions (read before the snapshot: listIndexes and
    listCollections are not allowed inside a transaction)."""
    specs = []
    async for info in await db.list_collections():
        name = info["name"]
        if name.startswith("system.") or info.get("type", "collection") != "collection":
            continue
        options = dict(info.get("options", {}))
        indexes = [dict(ix) async for ix in await db[name].list_indexes()]
        specs.append((name, options, indexes))
    return sorted(specs, key=lambda spec: spec[0])


async def _dump(
    client: AsyncMongoClient[Document], db: RawDatabase, *, names: list[str], work: Path
) -> dict[str, tuple[int, str]]:
    """Write each collection to work/<name>.bson inside one snapshot; count and hash it."""

    async def callback(session: AsyncClientSession) -> dict[str, tuple[int, str]]:
        out: dict[str, tuple[int, str]] = {}
        for name in names:  # a retried attempt rewrites every file from its own snapshot
            digest, count = hashlib.sha256(), 0
            with (work / f"{name}.bson").open("wb") as handle:
                cursor = db[name].find({}, sort=[("_id", 1)], session=session)
                async for doc in cursor:
                    handle.write(doc.raw)
                    digest.update(doc.raw)
                    count += 1
            out[name] = (count, digest.hexdigest())
        return out

    return await run_transaction(client, callback)


def _add(archive: tarfile.TarFile, name: str, *, source: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = size, 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, source)


async def backup(client: AsyncMongoClient[Document], database: str, output: Path) -> dict[str, Any]:
    """Write the archive to `output` (atomically, mode 0600); return its manifest."""
    db = cast(RawDatabase, client.get_database(database, codec_options=_RAW))
    specs = await _collection_specs(client[database])
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".normogen-backup-", dir=output.parent) as tmp:
        work = Path(tmp)
        dumped = await _dump(client, db, names=[name for name, _, _ in specs], work=work)
        plain = client[database]
        schema = await meta.schema_version(plain)
        epoch, _ = await meta.read_epoch(plain)
        entries = [
            CollectionEntry(name, *dumped[name], _ejson(options), [_ejson(ix) for ix in indexes])
            for name, options, indexes in specs
        ]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "normogen_version": __version__,
            "database": database,
            "schema_version": schema,
            "sync_epoch": epoch,
            "collections": [
                {
                    "name": e.name,
                    "count": e.count,
                    "sha256": e.sha256,
                    "options": e.options,
                    "indexes": e.indexes,
                }
                for e in entries
            ],
        }
        manifest["checksum"] = _manifest_checksum(manifest)
        partial = work / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            body = json.dumps(manifest, indent=2).encode()
            _add(archive, MANIFEST, source=io.BytesIO(body), size=len(body))
            for entry in entries:
                path = work / f"{entry.name}.bson"
                with path.open("rb") as handle:
                    _add(archive, entry.member, source=handle, size=path.stat().st_size)
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(output)
    return manifest


# --- verify ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            yield archive
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path}: not a readable backup archive ({exc})") from None


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict[str, Any]:
    first = archive.next()
    if first is None or first.name != MANIFEST:
        raise BackupError(f"{path}: not a normogen backup (no {MANIFEST} first)")
    handle = archive.extractfile(first)
    if handle is None:
        raise BackupError(f"{path}: {MANIFEST} is not a file")
    try:
        manifest: dict[str, Any] = json.loads(handle.read())
    except ValueError:
        raise BackupError(f"{path}: {MANIFEST} is not JSON") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path}: unsupported archive format {manifest.get('format_version')}")
    if manifest.get("checksum") != _manifest_checksum(manifest):
        raise BackupError(f"{path}: the manifest's checksum does not match (damaged archive)")
    return manifest


def _entries(manifest: dict[str, Any]) -> list[CollectionEntry]:
    return [
        CollectionEntry(c["name"], int(c["count"]), c["sha256"], c["options"], c["indexes"])
        for c in manifest["collections"]
    ]


def _count_and_hash(handle: IO[bytes]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for _ in decode_file_iter(cast(IO[bytes], _Tee(handle, digest)), _RAW):
        count += 1
    return count, digest.hexdigest()


class _Tee(io.RawIOBase):
    """Reads through to `source` and feeds every byte read to `digest`."""

    def __init__(self, source: IO[bytes], digest: Any) -> None:
        self.source, self.digest = source, digest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        return data


def verify_archive(path: Path) -> dict[str, Any]:
    """Check the manifest's checksum and every collection's count and SHA-256."""
    with _open_archive(path) as archive:
        manifest = _read_manifest(archive, path)
        expected = {e.member: e for e in _entries(manifest)}
        seen: set[str] = set()
        for member in archive:
            if member.name == MANIFEST:
                continue
            entry = expected.get(member.name)
            handle = archive.extractfile(member) if entry else None
            if entry is None or handle is None:
                raise BackupError(f"{path}: unexpected member {member.name!r}")
            try:
                count, digest = _count_and_hash(handle)
            except Exception as exc:  # bson.InvalidBSON and friends: damaged content
                raise BackupError(f"{path}: {entry.name}: unreadable documents ({exc})") from None
            if (count, digest) != (entry.count, entry.sha256):
                raise BackupError(
                    f"{path}: collection {entry.name!r} does not match the manifest "
                    f"({count} documents, expected {entry.count}; checksum "
                    f"{'ok' if digest == entry.sha256 else 'differs'})"
                )
            seen.add(member.name)
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(f"{path}: members missing: {', '.join(missing)}")
    return manifest


# --- restore ---------------------------------------------------------------------------------


async def _ensure_empty(db: RawDatabase) -> None:
    for name in await db.list_collection_names():
        if name.startswith("system.") or name == meta.META:
            continue  # `meta` holds only what `migrate` wrote; the archive's replaces it
        found = await db[name].count_documents({}, limit=1)
        if found:
            raise BackupError(
                f"database {db.name!r} is not empty (collection {name!r} has documents): "
                "restore into a new database (MONGODB_DATABASE), or replace it with --drop"
            )


async def _load(db: RawDatabase, entry: CollectionEntry, handle: IO[bytes]) -> None:
    if entry.name not in await db.list_collection_names():
        await db.create_collection(entry.name, **_from_ejson(entry.options))
    elif entry.name == meta.META:
        await db[entry.name].delete_many({})
    batch: list[RawBSONDocument] = []
    size = 0
    for doc in decode_file_iter(handle, _RAW):
        batch.append(doc)
        size += len(doc.raw)
        if len(batch) >= _BATCH_DOCS or size >= _BATCH_BYTES:
            await db[entry.name].insert_many(batch, ordered=True)
            batch, size = [], 0
    if batch:
        await db[entry.name].insert_many(batch, ordered=True)


async def _check_loaded(db: RawDatabase, entry: CollectionEntry) -> None:
    digest, count = hashlib.sha256(), 0
    async for doc in db[entry.name].find({}, sort=[("_id", 1)]):
        digest.update(doc.raw)
        count += 1
    if (count, digest.hexdigest()) != (entry.count, entry.sha256):
        raise BackupError(
            f"restored collection {entry.name!r} does not match the archive ({count} documents "
            f"read back, {entry.count} expected): the database changed during the restore?"
        )


def _index_models(entry: CollectionEntry) -> list[IndexModel]:
    models = []
    for raw in entry.indexes:
        spec = dict(_from_ejson(raw))
        if spec.get("name") == "_id_":
            continue
        key = list(spec.pop("key").items())
        for internal in ("v", "ns", "background"):
            spec.pop(internal, None)
        models.append(IndexModel(key, **spec))
    return models


async def restore(
    client: AsyncMongoClient[Document], database: str, path: Path, *, drop: bool = False
) -> dict[str, Any]:
    """Load the archive at `path` into the empty `database`; return the manifest and epoch.

    `drop` first drops every collection of `database` (after the archive was verified), for
    an operator who replaces the data on purpose; the app's MongoDB user may drop collections
    but not databases.
    """
    manifest = verify_archive(path)  # nothing is written from a damaged archive
    db = cast(RawDatabase, client.get_database(database, codec_options=_RAW))
    if drop:
        for name in await db.list_collection_names():
            if not name.startswith("system."):
                await db.drop_collection(name)
    await _ensure_empty(db)
    entries = {e.member: e for e in _entries(manifest)}
    with _open_archive(path) as archive:
        _read_manifest(archive, path)
        for member in archive:
            handle = archive.extractfile(member) if member.name != MANIFEST else None
            if handle is not None:
                await _load(db, entries[member.name], handle)
    for entry in entries.values():
        await _check_loaded(db, entry)
    # Indexes last: no TTL index may expire a document before the read-back above.
    for entry in entries.values():
        models = _index_models(entry)
        if models:
            await db[entry.name].create_indexes(models)
    epoch = await meta.advance_epoch(
        client[database], reason=f"restore of the backup made {manifest['created_at']}"
    )
    return {"manifest": manifest, "sync_epoch": epoch}
