"""Error codes of auth: stable API values, listed in docs/api.md."""

from __future__ import annotations

USER_ID_TAKEN = "user_id_taken"
INVALID_CREDENTIALS = "invalid_credentials"
INVALID_TOKEN = "invalid_token"
CREDENTIAL_CHANGED = "credential_changed"
TOO_MANY_ATTEMPTS = "too_many_attempts"
SESSION_NOT_FOUND = "session_not_found"
ROTATION_MISMATCH = "rotation_mismatch"
