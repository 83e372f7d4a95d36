"""Stored record documents rendered as API bodies (plain dicts: no re-validation on reads)."""

from __future__ import annotations

from typing import Any

from normogen.db.client import Document


def public_id(doc: Document) -> str:
    """The id clients know a record by: its `_id`, or `id` where that is stored separately
    (a client-chosen id another profile's record already had: see `records.repository`)."""
    return str(doc.get("id") or doc["_id"])


def record_view(doc: Document) -> dict[str, Any]:
    """A live record as `RecordRead` describes it (datetimes are serialised by the caller)."""
    return {
        "id": public_id(doc),
        "profile_id": doc["profile_id"],
        "kind": doc["kind"],
        "key_epoch": doc.get("key_epoch", 1),
        "payload": doc["payload"],
        "occurred_at": doc["occurred_at"],
        "tags": doc.get("tags", []),
        "source": doc.get("source"),
        "revision": doc["revision"],
        "created_at": doc["created_at"],
        "updated_at": doc["updated_at"],
        "created_by": doc["created_by"],
        "updated_by": doc["updated_by"],
    }


def change_view(doc: Document) -> dict[str, Any]:
    """One changes-feed entry: the record's latest state, or its tombstone."""
    deleted = bool(doc.get("deleted"))
    return {
        "id": public_id(doc),
        "seq": doc["seq"],
        "revision": doc["revision"],
        "deleted": deleted,
        "record": None if deleted else record_view(doc),
    }


def payload_size(doc: Document) -> int:
    """Approximate bytes a record adds to a response (its ciphertext dominates)."""
    payload = doc.get("payload")
    return len(payload.get("data", "")) if isinstance(payload, dict) else 0
