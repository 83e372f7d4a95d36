"""Index declarations, created idempotently by `normogen migrate` and at start.

Each repository states its collections' indexes as `INDEXES`; normogen/participants.py lists
every one of them and installs the list here once, before the first migration.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pymongo import IndexModel

from normogen.db.client import Database

log = logging.getLogger("normogen.migrate")


@dataclass(frozen=True)
class CollectionIndexes:
    """The indexes one collection needs (declared next to the repository that queries it)."""

    collection: str
    indexes: tuple[IndexModel, ...] = field(default_factory=tuple)


_INSTALLED: list[CollectionIndexes] | None = None


def of(collection: str, *indexes: IndexModel) -> CollectionIndexes:
    """A collection's indexes, for a repository's `INDEXES`."""
    return CollectionIndexes(collection, tuple(indexes))


def install(specs: Iterable[CollectionIndexes]) -> None:
    """Set the complete list (normogen/participants.py); a collection listed twice is an error."""
    global _INSTALLED
    specs = list(specs)
    names = [spec.collection for spec in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"a collection's indexes are listed twice: {sorted(names)}")
    _INSTALLED = specs


def is_installed() -> bool:
    return _INSTALLED is not None


def declared() -> list[CollectionIndexes]:
    """The installed list; refusing to run without one, rather than create no indexes."""
    if _INSTALLED is None:
        raise RuntimeError("normogen.participants.install() has not run")
    return list(_INSTALLED)


async def migrate(db: Database) -> dict[str, list[str]]:
    """Create every declared index; existing identical indexes are left as they are."""
    created: dict[str, list[str]] = {}
    for spec in declared():
        if spec.indexes:
            names = await db[spec.collection].create_indexes(list(spec.indexes))
            created[spec.collection] = names
            log.info("indexes ensured", extra={"collection": spec.collection, "indexes": names})
    return created


def ttl(field_name: str, **kwargs: Any) -> IndexModel:
    """A TTL index expiring documents at the instant stored in `field_name`."""
    return IndexModel([(field_name, 1)], expireAfterSeconds=0, **kwargs)
