"""Error codes of the users collection (auth, accounts): stable API values, in docs/api.md."""

from __future__ import annotations

EMAIL_TAKEN = "email_taken"
