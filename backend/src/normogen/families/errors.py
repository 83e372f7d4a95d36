"""Error codes of families: stable API values, listed in docs/api.md."""

from __future__ import annotations

FAMILY_LIMIT = "family_limit"
GRANT_SIGNER_MISMATCH = "grant_signer_mismatch"
FAMILY_ID_CONFLICT = "family_id_conflict"
OWNER_ROLE_FIXED = "owner_role_fixed"
WRAPPED_KEY_REQUIRED = "wrapped_key_required"
OWNER_CANNOT_LEAVE = "owner_cannot_leave"
ROTATION_REQUIRED = "rotation_required"
FAMILY_FULL = "family_full"
ALREADY_MEMBER = "already_member"
ROTATION_MISMATCH = "rotation_mismatch"
