"""What other domains may use of families: a family and a user's memberships, for access."""

from __future__ import annotations

from normogen.families.repository import confirmed_memberships, find_family, removed_family_ids

__all__ = ["confirmed_memberships", "find_family", "removed_family_ids"]
