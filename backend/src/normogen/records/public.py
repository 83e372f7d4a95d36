"""What other domains may use of records: tombstoning a deleted profile's records."""

from __future__ import annotations

from normogen.records.tombstones import live_record_ids, tombstone_records

__all__ = ["live_record_ids", "tombstone_records"]
