"""Error codes of links: stable API values, listed in docs/api.md."""

from __future__ import annotations

LINK_TOO_LARGE = "link_too_large"
LINK_LIMIT = "link_limit"
LINK_ID_CONFLICT = "link_id_conflict"
