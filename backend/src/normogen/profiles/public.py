"""What other domains may use of profiles: access decisions, the profile dependencies, and the
per-profile counters and keys that records, families and auth change with a profile."""

from __future__ import annotations

from normogen.profiles.access import Access, AuthorizedProfile, Role, find_with_role, scope_fields
from normogen.profiles.dependencies import (
    ReadableProfile,
    SyncableProfile,
    writable_profile,
)
from normogen.profiles.repository import (
    allocate_seq,
    counter_of,
    key_epoch_of,
    list_profiles,
    rekey_profile,
    rewrap_personal,
)
from normogen.profiles.service import delete_profile

__all__ = [
    "Access",
    "AuthorizedProfile",
    "ReadableProfile",
    "Role",
    "SyncableProfile",
    "allocate_seq",
    "counter_of",
    "delete_profile",
    "find_with_role",
    "key_epoch_of",
    "list_profiles",
    "rekey_profile",
    "rewrap_personal",
    "scope_fields",
    "writable_profile",
]
