"""Every collection's indexes and every participant in account export and deletion, listed once.

A repository states what it needs (`INDEXES`, and `OWNED` when users own its documents); this
module is the one list of them, installed before the app or a CLI command touches the database
(`create_app` in app.py, `cli_support.py`). Nothing registers itself by being imported: without
the install, export, deletion and migrations refuse to run, and tests/unit/test_participants.py
fails when a module states an `OwnedData` or indexes that are not listed here.
"""

from __future__ import annotations

from normogen.auth import repository as auth_repository
from normogen.auth import sessions
from normogen.db import indexes
from normogen.db.indexes import CollectionIndexes
from normogen.events import repository as events_repository
from normogen.events import service as events_service
from normogen.families import repository as families_repository
from normogen.links import repository as links_repository
from normogen.profiles import repository as profiles_repository
from normogen.records import repository as records_repository
from normogen.security import ratelimit
from normogen.users import owned
from normogen.users import repository as users_repository
from normogen.users.owned import OwnedData

INDEXES: tuple[CollectionIndexes, ...] = (
    *users_repository.INDEXES,
    *auth_repository.INDEXES,
    *events_repository.INDEXES,
    *families_repository.INDEXES,
    *profiles_repository.INDEXES,
    *records_repository.INDEXES,
    *links_repository.INDEXES,
    *ratelimit.INDEXES,
)

# Deletion runs them by `order` (users/owned.py); export writes one section per name.
OWNED_DATA: tuple[OwnedData, ...] = (
    sessions.OWNED,
    families_repository.OWNED_MEMBERSHIPS,
    families_repository.OWNED_FAMILIES,
    links_repository.OWNED,
    profiles_repository.OWNED,
    records_repository.OWNED,
    events_service.OWNED,
)


def install() -> None:
    """Install both lists, once per process: a later call (another app in the same process)
    keeps what is installed, including entries a test added with `owned.register_owned`."""
    if not indexes.is_installed():
        indexes.install(INDEXES)
    if not owned.is_installed():
        owned.install(OWNED_DATA)
