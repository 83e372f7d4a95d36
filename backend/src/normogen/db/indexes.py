"""Every domain's index declarations, created idempotently by `normogen migrate` and at start."""

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


_REGISTRY: dict[str, CollectionIndexes] = {}


def declare(collection: str, *indexes: IndexModel) -> None:
    """Register a collection's indexes; domain modules call this at import."""
    _REGISTRY[collection] = CollectionIndexes(collection, tuple(indexes))


def declared() -> Iterable[CollectionIndexes]:
    return list(_REGISTRY.values())


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
