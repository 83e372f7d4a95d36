"""Error codes of records: stable API values, listed in docs/api.md."""

from __future__ import annotations

RECORD_TOO_LARGE = "record_too_large"
RECORD_ID_CONFLICT = "record_id_conflict"
SYNC_TOKEN_EXPIRED = "sync_token_expired"
SYNC_EPOCH_CHANGED = "sync_epoch_changed"
