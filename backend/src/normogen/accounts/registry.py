"""Every domain's user-owned data, so account deletion and export reach all of it.

A domain that stores objects a user owns registers one `OwnedData` at import (next to its
repository). Account deletion calls every `delete` (lowest `order` first) and then removes the
user document last; export streams every `export` as one JSON section named `name`.

Contract for `delete`: idempotent, scoped to the user, and safe to re-run after a crash at any
point: deletion marks the user `deleting` first and resumes until the user document is gone, so
a `delete` may run several times. An entry must not rely on data that a lower-`order` entry has
already removed (e.g. records deleted before the profiles that name them: give records a lower
order, or store the owner on every record).

Contract for `export`: yields JSON-ready dicts (str, int, float, bool, None, list, dict; datetimes
may be returned as `datetime`, which the exporter renders as ISO 8601) holding ciphertext and
plaintext metadata only, never a secret verifier (password hashes, token hashes).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from normogen.db.client import Database

ExportFn = Callable[[Database, str], AsyncIterator[dict[str, Any]]]
DeleteFn = Callable[[Database, str], Awaitable[None]]

# Order bands: other domains' data first, the account's own bookkeeping last.
ORDER_DOMAIN = 100
ORDER_ACCOUNT = 900


@dataclass(frozen=True)
class OwnedData:
    """One domain's data owned by a user: an export section and a deleter."""

    name: str
    export: ExportFn
    delete: DeleteFn
    order: int = ORDER_DOMAIN


_REGISTRY: dict[str, OwnedData] = {}


def register_owned(owned: OwnedData) -> OwnedData:
    """Register (or replace, by name) a domain's owned data; call at import time."""
    _REGISTRY[owned.name] = owned
    return owned


def unregister_owned(name: str) -> None:
    """Remove an entry (tests use it to add temporary domains)."""
    _REGISTRY.pop(name, None)


def registered() -> list[OwnedData]:
    """Every entry in deletion order (then by name, so the export order is stable)."""
    return sorted(_REGISTRY.values(), key=lambda owned: (owned.order, owned.name))
