"""Schema migrations: numbered, ordered, idempotent; the version lives in `meta` (db/meta.py).

Every start and `normogen migrate` first ensure the declared collections and indexes (always
safe to repeat), then apply, in order, each migration above the database's version, recording
the version after each one. A migration must be idempotent: two replicas starting together may
both run it, and a crash between a migration and its record runs it again. A database whose
version is above what this release knows was migrated by a newer release: this one refuses it
(SchemaTooNew) rather than write data a newer schema no longer expects; see the README's
"Upgrading and rolling back".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from normogen.db import meta
from normogen.db.client import Database
from normogen.db.indexes import migrate as ensure_indexes

log = logging.getLogger("normogen.migrate")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Database], Awaitable[None]]


async def _baseline(db: Database) -> None:
    """Version 1: the collections and indexes of 0.1.0 (ensured before every run anyway)."""


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "collections and indexes", _baseline),
    Migration(2, "sync epoch", meta.ensure_epoch),
)
LATEST = MIGRATIONS[-1].version


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer release than this one."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"the database's schema version is {found}, newer than this release's {LATEST}: "
            "run the release that migrated it, or restore a backup taken before the upgrade"
        )
        self.found = found


@dataclass
class MigrationReport:
    indexes: dict[str, list[str]]
    before: int
    after: int
    applied: list[str] = field(default_factory=list)


async def migrate(db: Database) -> MigrationReport:
    """Ensure indexes, then apply the pending migrations in order (see the module docstring)."""
    before = await meta.schema_version(db)
    if before > LATEST:
        raise SchemaTooNew(before)
    indexes = await ensure_indexes(db)
    report = MigrationReport(indexes, before, before)
    for migration in MIGRATIONS:
        if migration.version <= before:
            continue
        await migration.apply(db)
        await meta.record_migration(db, migration.version, migration.name)
        report.after = migration.version
        report.applied.append(f"{migration.version}: {migration.name}")
        log.info(
            "migration applied", extra={"version": migration.version, "migration": migration.name}
        )
    return report
