"""Error codes of profiles: stable API values, listed in docs/api.md."""

from __future__ import annotations

PROFILE_LIMIT = "profile_limit"
PROFILE_ID_CONFLICT = "profile_id_conflict"
ACCESS_REVOKED = "access_revoked"
