"""Import a document into the logged-in account, idempotently: importing twice adds nothing.

Profiles are matched by type and metadata (then by name), else created. Each record gets a
deterministic id, UUIDv5 of the target profile and the record's origin (its id there, or a
hash of its content), so a second import finds it and creates nothing; `medication_dose`
records follow their medication to its new id. Everything is checked against
docs/records.md before the first write.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from normogen_client.health import HealthRecords
from normogen_client.interop.document import ExportDocument, ExportProfile, ExportRecord
from normogen_client.models import ApiError
from normogen_client.payloads import PayloadError, check
from normogen_client.records import Profile, parse_time
from normogen_client.retry import patiently

# Fixed namespace of imported record ids (a random UUID, chosen once for this purpose).
IMPORT_NAMESPACE = uuid.UUID("6f1c2d7e-8a43-4c8e-9b1f-3d5a7e9c0b21")
PROFILE_TYPES = ("self", "child", "adult", "elder", "other")
SOURCES = ("manual", "device", "import", "lab", "shared")
CONCURRENCY = 8


@dataclass
class ImportReport:
    profiles_created: list[str] = field(default_factory=list)
    profiles_matched: list[str] = field(default_factory=list)
    records_created: int = 0
    records_skipped: int = 0  # already present (or deleted there since an earlier import)


def origin_key(record: ExportRecord) -> str:
    if record.id:
        return f"id:{record.id}"
    content = [record.kind, record.occurred_at, record.data, sorted(record.tags)]
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def target_id(profile_id: str, record: ExportRecord) -> str:
    return str(uuid.uuid5(IMPORT_NAMESPACE, f"{profile_id}|{origin_key(record)}"))


def validate(document: ExportDocument) -> None:
    """Check every record against docs/records.md (PayloadError naming the first that fails)
    and normalise its data as `check` does (defaults such as a vital's unit, nulls dropped)."""
    for profile in document.profiles:
        for r_index, record in enumerate(profile.records):
            where = f"profile {profile.name!r}, record {r_index + 1} ({record.kind})"
            try:
                record.data = check(record.kind, record.data)
            except PayloadError as error:
                raise PayloadError(f"{where}: {error}") from None


def _matching(profiles: list[Profile], incoming: ExportProfile) -> Profile | None:
    for profile in profiles:
        if profile.profile_type == incoming.profile_type and profile.metadata == incoming.metadata:
            return profile
    name = incoming.name.casefold()
    for profile in profiles:
        if str(profile.metadata.get("name", "")).casefold() == name:
            return profile
    return None


async def import_document(
    health: HealthRecords,
    document: ExportDocument,
    existing: list[Profile],
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    validate(document)
    report = ImportReport()
    gate = asyncio.Semaphore(CONCURRENCY)
    for incoming in document.profiles:
        profile = _matching(existing, incoming)
        if profile is None:
            kind = incoming.profile_type if incoming.profile_type in PROFILE_TYPES else "other"
            profile = await health.create_profile(kind, incoming.metadata)
            existing.append(profile)
            report.profiles_created.append(incoming.name)
        else:
            report.profiles_matched.append(incoming.name)
        present = {record.id async for record in health.records(profile)}
        new_ids = {r.id: target_id(profile.id, r) for r in incoming.records if r.id}

        async def create(
            record: ExportRecord,
            chosen: Profile = profile,
            present: set[str] = present,
            new_ids: dict[str, str] = new_ids,
        ) -> bool:
            record_id = target_id(chosen.id, record)
            if record_id in present:
                return False
            data: Any = record.data
            if record.kind == "medication_dose" and isinstance(data, dict):
                old = data["medication_id"]
                data = {**data, "medication_id": new_ids.get(old, old)}
            source = record.source if record.source in SOURCES else "import"
            async with gate:
                try:
                    await patiently(  # a large import meets the per-user rate limit
                        lambda: health.create_record(
                            chosen,
                            record.kind,
                            data,
                            occurred_at=parse_time(record.occurred_at),
                            tags=record.tags,
                            source=source,
                            record_id=record_id,
                        )
                    )
                except ApiError as error:
                    if error.code == "record_id_conflict":
                        return False  # imported before and deleted since: leave it deleted
                    raise
            if progress is not None:
                progress(1)
            return True

        results = await asyncio.gather(*(create(r) for r in incoming.records))
        report.records_created += sum(results)
        report.records_skipped += len(results) - sum(results)
    return report
