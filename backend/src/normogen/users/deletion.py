"""Account deletion that leaves no orphans, even when interrupted.

1. The user is marked `deleting`: login, refresh, every session check (`auth.dependencies`)
   and re-registration of the email stop.
2. Every registered owned-data `delete` runs (sessions first, so access tokens stop at once).
3. The user document is removed last.

A crash anywhere leaves the user `deleting`, never half-alive: `resume_deletions` (run at
start-up) and a re-registration of the same email finish the job. Every step is idempotent.

Requests already in flight when step 1 happens may still write afterwards (a login between its
key check and its session insert, a profile created by a request authorised a moment earlier).
Every such writer calls `settle` after its last write: it reads the account's state and, if
the account is no longer active, sweeps the owned data again. Either the writer's read comes
before step 1, so its write precedes step 2's sweep, or it sees the mark and sweeps after its
own write. No write outlives the account either way, without waiting for timeouts.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from normogen.db.client import Database
from normogen.users import repository
from normogen.users.owned import registered

log = logging.getLogger("normogen.accounts")


async def start_deletion(db: Database, user_id: str) -> bool:
    """Mark the account `deleting`; False when it is not an active account."""
    started = await repository.mark_deleting(db, user_id, datetime.now(UTC))
    if started:
        # Its security events are deleted with it: the log keeps the (pseudonymous) record.
        log.info("account deletion started", extra={"user_id": user_id})
    return started


async def finish_deletion(db: Database, user_id: str) -> None:
    """Delete everything the user owns, then the user (only if already marked `deleting`)."""
    if not await repository.is_deleting(db, user_id):
        return
    await sweep(db, user_id)
    await repository.delete_user(db, user_id)
    log.info("account deleted", extra={"user_id": user_id})


async def sweep(db: Database, user_id: str) -> None:
    """Run every registered owned-data `delete` for the user (idempotent)."""
    for owned in registered():
        await owned.delete(db, user_id)


async def settle(db: Database, user_id: str) -> bool:
    """After a write on behalf of `user_id`: True while the account is active; otherwise sweep
    its owned data again (the write may have landed after the deletion's sweep) and False."""
    state = await repository.credential_state(db, user_id)
    if state is not None and state.get("status") == repository.ACTIVE:
        return True
    await sweep(db, user_id)
    return False


async def delete_account(db: Database, user_id: str) -> bool:
    """Both steps; False when the account was not active."""
    if not await start_deletion(db, user_id):
        return False
    await finish_deletion(db, user_id)
    return True


async def resume_deletions(db: Database) -> int:
    """Finish every deletion an earlier process started but did not complete."""
    pending = await repository.deleting_user_ids(db)
    for user_id in pending:
        log.warning("resuming an interrupted account deletion", extra={"user_id": user_id})
        await finish_deletion(db, user_id)
    return len(pending)
