"""The neutral export document: profiles with their decrypted records (docs/records.md data).

JSON form (`normogen-decrypted-export`, version 1)::

    {"format": "normogen-decrypted-export", "version": 1, "exported_at": "<instant>",
     "profiles": [{"id", "profile_type", "metadata": {...},
                   "records": [{"id", "kind", "occurred_at", "data", "tags", "source"}]}]}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from normogen_client.health import HealthRecords
from normogen_client.records import KINDS, Profile, Record, parse_time, wire_time

FORMAT = "normogen-decrypted-export"
SERVER_EXPORT = "normogen-export"  # the encrypted export the server streams
VERSION = 1


class ImportFormatError(ValueError):
    """The file is not a document this client can import (the message says where)."""


@dataclass
class ExportRecord:
    kind: str
    occurred_at: str  # RFC 3339 UTC with milliseconds, as the server stores it
    data: Any
    tags: list[str] = field(default_factory=list)
    source: str | None = None
    id: str | None = None  # the record's id where it came from (None: from another app)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "occurred_at": self.occurred_at,
            "data": self.data,
            "tags": self.tags,
            "source": self.source,
        }


@dataclass
class ExportProfile:
    profile_type: str
    metadata: dict[str, Any]
    records: list[ExportRecord] = field(default_factory=list)
    id: str | None = None

    @property
    def name(self) -> str:
        return str(self.metadata.get("name") or self.id or "Imported profile")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "profile_type": self.profile_type,
            "metadata": self.metadata,
            "records": [record.to_json() for record in self.records],
        }


@dataclass
class ExportDocument:
    profiles: list[ExportProfile] = field(default_factory=list)
    exported_at: str = field(default_factory=lambda: wire_time(datetime.now(UTC)))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": self.exported_at,
            "profiles": [profile.to_json() for profile in self.profiles],
        }

    @classmethod
    def from_json(cls, body: Any) -> ExportDocument:
        if isinstance(body, dict) and body.get("format") == SERVER_EXPORT:
            raise ImportFormatError(
                "this is the encrypted server export; export with --decrypted to import it"
            )
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise ImportFormatError(f"not a {FORMAT} document")
        if body.get("version") != VERSION:
            raise ImportFormatError(f"unsupported {FORMAT} version {body.get('version')!r}")
        profiles = []
        for p_index, item in enumerate(body.get("profiles") or []):
            where = f"profiles[{p_index}]"
            if not isinstance(item, dict) or not isinstance(item.get("metadata"), dict):
                raise ImportFormatError(f"{where}: needs a metadata object")
            records = [
                record_from_json(raw, f"{where}.records[{r_index}]")
                for r_index, raw in enumerate(item.get("records") or [])
            ]
            profiles.append(
                ExportProfile(
                    profile_type=str(item.get("profile_type") or "other"),
                    metadata=dict(item["metadata"]),
                    records=records,
                    id=item.get("id"),
                )
            )
        return cls(profiles, str(body.get("exported_at") or wire_time(datetime.now(UTC))))


def canonical_time(text: str, where: str) -> str:
    """An instant in the exact form the server stores (UTC, milliseconds)."""
    try:
        value = parse_time(text)
    except (TypeError, ValueError):
        raise ImportFormatError(f"{where}: {text!r} is not an RFC 3339 instant") from None
    if value.tzinfo is None:
        raise ImportFormatError(f"{where}: {text!r} has no UTC offset")
    return wire_time(value)


def record_from_json(raw: Any, where: str) -> ExportRecord:
    if not isinstance(raw, dict):
        raise ImportFormatError(f"{where}: not an object")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ImportFormatError(f"{where}: unknown kind {kind!r}")
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ImportFormatError(f"{where}: tags must be a list of strings")
    return ExportRecord(
        kind=str(kind),
        occurred_at=canonical_time(str(raw.get("occurred_at")), where),
        data=raw.get("data"),
        tags=list(tags),
        source=raw.get("source"),
        id=raw.get("id"),
    )


def export_record(record: Record) -> ExportRecord:
    return ExportRecord(
        kind=record.kind,
        occurred_at=wire_time(record.occurred_at),
        data=record.data,
        tags=list(record.tags),
        source=record.source,
        id=record.id,
    )


async def collect(health: HealthRecords, profiles: Iterable[Profile]) -> ExportDocument:
    """Every record of `profiles`, decrypted, oldest first."""
    document = ExportDocument()
    for profile in profiles:
        records = [export_record(r) async for r in health.records(profile)]
        records.sort(key=lambda r: (r.occurred_at, r.kind, r.id or ""))
        document.profiles.append(
            ExportProfile(profile.profile_type, dict(profile.metadata), records, profile.id)
        )
    return document
