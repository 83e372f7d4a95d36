"""CSV: one row per record, lossless through the `data` column, readable through the rest.

Columns (a header row first, UTF-8, RFC 4180 quoting):

| column | meaning |
|---|---|
| `profile` | the profile's name (rows of one profile share it) |
| `profile_type` | `self`, `child`, `adult`, `elder` or `other` |
| `profile_metadata` | the profile's metadata as JSON (optional; default `{"name": profile}`) |
| `id` | the record's id where it came from (optional; makes re-imports idempotent) |
| `kind` | a record kind of docs/records.md |
| `occurred_at` | RFC 3339 instant with offset |
| `tags` | tag names separated by `;` |
| `source` | optional |
| `type`, `name`, `value`, `unit`, `text` | readable columns; on import, `data` when empty |
| `data` | the record's data object as JSON |

Readable columns on import (without `data`): `health_data` uses `type`, `value`, `unit`
(a blood pressure value is `120/80`); `lab_result` `name` (the test), `value` (a number or
text), `unit`; `medication` `name` (as needed unless `data` says otherwise); `appointment`
`name` (the title); `note` `text` and optionally `name` (the title).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from normogen_client.interop.document import (
    ExportDocument,
    ExportProfile,
    ExportRecord,
    ImportFormatError,
    canonical_time,
)
from normogen_client.records import KINDS

COLUMNS = [
    "profile", "profile_type", "profile_metadata", "id", "kind", "occurred_at", "tags", "source",
    "type", "name", "value", "unit", "text", "data",
]  # fmt: skip


def _readable(record: ExportRecord) -> dict[str, str]:
    data = record.data if isinstance(record.data, dict) else {}
    row = {"type": "", "name": "", "value": "", "unit": str(data.get("unit") or ""), "text": ""}
    if record.kind == "health_data":
        row["type"] = str(data.get("type") or "")
        if data.get("type") == "blood_pressure":
            row["value"] = f"{data.get('systolic')}/{data.get('diastolic')}"
        else:
            row["value"] = _text(data.get("value"))
    elif record.kind == "lab_result":
        row["name"] = str(data.get("test") or "")
        row["value"] = _text(data.get("value", data.get("value_text")))
    elif record.kind == "medication":
        row["name"] = str(data.get("name") or "")
        row["text"] = str(data.get("dose") or "")
    elif record.kind == "medication_dose":
        row["type"] = str(data.get("status") or "")
    elif record.kind in ("appointment", "note"):
        row["name"] = str(data.get("title") or "")
        row["text"] = str(data.get("text") or data.get("notes") or "")
    return row


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def write_csv(document: ExportDocument) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for profile in document.profiles:
        metadata = json.dumps(profile.metadata, ensure_ascii=False, separators=(",", ":"))
        for record in profile.records:
            writer.writerow(
                {
                    "profile": profile.name,
                    "profile_type": profile.profile_type,
                    "profile_metadata": metadata,
                    "id": record.id or "",
                    "kind": record.kind,
                    "occurred_at": record.occurred_at,
                    "tags": ";".join(record.tags),
                    "source": record.source or "",
                    **_readable(record),
                    "data": json.dumps(record.data, ensure_ascii=False, separators=(",", ":")),
                }
            )
    return buffer.getvalue()


def _number(text: str, where: str) -> float | int:
    try:
        value = float(text)
    except ValueError:
        raise ImportFormatError(f"{where}: {text!r} is not a number") from None
    return int(value) if value.is_integer() and "." not in text else value


def _data_from_columns(kind: str, row: dict[str, str], where: str) -> dict[str, Any]:
    value, unit = row.get("value", "").strip(), row.get("unit", "").strip()
    name, text = row.get("name", "").strip(), row.get("text", "").strip()
    if kind == "health_data":
        data: dict[str, Any] = {"type": row.get("type", "").strip()}
        if data["type"] == "blood_pressure":
            high, _, low = value.partition("/")
            data |= {"systolic": _number(high, where), "diastolic": _number(low, where)}
        else:
            data["value"] = _number(value, where)
        if unit:
            data["unit"] = unit
        return data
    if kind == "lab_result":
        data = {"test": name}
        try:
            data["value"] = _number(value, where)
        except ImportFormatError:
            data["value_text"] = value
        if unit:
            data["unit"] = unit
        return data
    if kind == "medication":
        return {"name": name, "schedule": {"kind": "as_needed"}, **({"dose": text} if text else {})}
    if kind == "appointment":
        return {"title": name}
    if kind == "note":
        return {"text": text, **({"title": name} if name else {})}
    raise ImportFormatError(f"{where}: a {kind} row needs the data column")


def read_csv(text: str) -> ExportDocument:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"profile", "kind", "occurred_at"} - set(reader.fieldnames or [])
    if missing:
        raise ImportFormatError(f"CSV header lacks: {', '.join(sorted(missing))}")
    profiles: dict[str, ExportProfile] = {}
    for line, row in enumerate(reader, start=2):
        where = f"line {line}"
        kind = (row.get("kind") or "").strip()
        if kind not in KINDS:
            raise ImportFormatError(f"{where}: unknown kind {kind!r}")
        name = (row.get("profile") or "").strip()
        if not name:
            raise ImportFormatError(f"{where}: the profile column is empty")
        profile = profiles.get(name)
        if profile is None:
            raw_meta = (row.get("profile_metadata") or "").strip()
            metadata = _json(raw_meta, where) if raw_meta else {"name": name}
            if not isinstance(metadata, dict):
                raise ImportFormatError(f"{where}: profile_metadata must be a JSON object")
            profile_type = (row.get("profile_type") or "other").strip() or "other"
            profile = profiles[name] = ExportProfile(profile_type, metadata)
        raw_data = (row.get("data") or "").strip()
        data = _json(raw_data, where) if raw_data else _data_from_columns(kind, row, where)
        tags = [t.strip() for t in (row.get("tags") or "").split(";") if t.strip()]
        profile.records.append(
            ExportRecord(
                kind=kind,
                occurred_at=canonical_time((row.get("occurred_at") or "").strip(), where),
                data=data,
                tags=tags,
                source=(row.get("source") or "").strip() or None,
                id=(row.get("id") or "").strip() or None,
            )
        )
    return ExportDocument(list(profiles.values()))


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ImportFormatError(f"{where}: not valid JSON: {text[:40]!r}") from None
