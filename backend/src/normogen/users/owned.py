"""Every domain's user-owned data, so account deletion and export reach all of it.

A domain that stores objects a user owns states one `OwnedData` next to its repository, and
normogen/participants.py lists every one of them and installs the list here once. Account
deletion calls every `delete` (lowest `order` first) and then removes the user document last;
export streams every `export` as one JSON section named `name`.

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

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
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


_REGISTRY: dict[str, OwnedData] | None = None


def install(entries: Iterable[OwnedData]) -> None:
    """Set the complete list (normogen/participants.py); a name listed twice is an error."""
    global _REGISTRY
    registry: dict[str, OwnedData] = {}
    for owned in entries:
        if owned.name in registry:
            raise ValueError(f"owned data {owned.name!r} is listed twice")
        registry[owned.name] = owned
    _REGISTRY = registry


def is_installed() -> bool:
    return _REGISTRY is not None


def _installed() -> dict[str, OwnedData]:
    # Refuse to export or delete anything without the list, rather than leave data behind.
    if _REGISTRY is None:
        raise RuntimeError("normogen.participants.install() has not run")
    return _REGISTRY


def register_owned(owned: OwnedData) -> None:
    """Add (or replace, by name) one entry after the install (tests add temporary domains)."""
    _installed()[owned.name] = owned


def unregister_owned(name: str) -> None:
    """Remove an entry added by `register_owned`."""
    _installed().pop(name, None)


def registered() -> list[OwnedData]:
    """Every entry in deletion order (then by name, so the export order is stable)."""
    return sorted(_installed().values(), key=lambda owned: (owned.order, owned.name))
