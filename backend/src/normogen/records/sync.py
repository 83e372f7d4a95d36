"""Incremental sync per profile: `GET /profiles/{id}/changes`, which never skips a change.

Mechanism. A profile document carries a counter `seq`. Every record write (create, replace,
delete, and each tombstone of a profile deletion) runs in one MongoDB transaction whose first
write is `$inc` on that counter; the record is written in the same transaction with the new
value as its `seq`. The feed returns records with `seq > since` in `seq` order, read from one
snapshot, and `next` is the last `seq` returned.

Claim: a reader never passes a sequence number whose change later becomes visible.

1. Allocation order equals commit order. A transaction that has incremented the counter holds
   the counter document's write until it commits or aborts. A second transaction writing the
   counter meanwhile gets WriteConflict (storage-engine first-writer-wins); so does one whose
   snapshot predates the first one's commit, because the committed version is newer than its
   snapshot. Either way it aborts and retries (TransientTransactionError), and a retry can only
   succeed from a snapshot that contains the earlier commit, i.e. it reads the counter after
   it. Hence if T1 got N and T2 got N' > N, then T1 committed before T2 started its successful
   attempt. (tests/integration/test_records_sequence.py shows the conflicts on our servers.)
2. A snapshot therefore contains the changes of a prefix of the counter values: if the
   change with number N' is visible, every change with N < N' committed earlier and is visible
   too. (A number whose record was written again later has moved to a higher number, which is
   also visible; a number whose transaction aborted was rolled back with it and is unused.)
3. The feed reads its page in one snapshot (a read-only snapshot transaction), so every entry
   it returns has all smaller numbers either returned on this or an earlier page, superseded
   by a higher number the reader will still get, or purged as an expired tombstone (below).
   Any change committed after the snapshot gets a number above the snapshot's counter, hence
   above `next`. So nothing committed is ever behind the reader's token without being seen.

Tombstones expire after RECORD_TOMBSTONE_DAYS (TTL index). A tombstone with a number above
`since` was written after the change `since` names, so tokens carry that change's time; a token
older than the retention period (less a safety margin for clock skew between replicas) might
have lost deletions to the TTL and is refused with 410 `sync_token_expired`: the device then
syncs again from the start.

Restores. `normogen restore` loads an older copy of the data, in which the counters are
behind the tokens devices hold: the feed would answer "nothing new" to a device that has
changes the restore removed, and later hand out the same numbers for other changes. So every
token carries the database's sync epoch (db/meta.py), every page reports it as `epoch`, and
a token of another epoch is refused with 410 `sync_epoch_changed`: the device syncs again
from the start (omit `since`), then uploads whatever it holds that the server no longer has.
Tokens of format 1 (before epochs existed) are accepted until the first restore.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pymongo.asynchronous.client_session import AsyncClientSession
from starlette.responses import Response

from normogen.conditional import json_response
from normogen.db import meta
from normogen.db.client import Database, Document
from normogen.db.transactions import run_transaction
from normogen.dependencies import DatabaseDep, RuntimeDep
from normogen.errors import NormogenError, responses
from normogen.profiles import public as profiles
from normogen.profiles.public import SyncableProfile
from normogen.records import errors as codes
from normogen.records import repository
from normogen.records.schemas import MAX_PAGE, ChangesPage
from normogen.records.service import PAGE_BYTES_BUDGET
from normogen.records.views import change_view, payload_size

DEFAULT_CHANGES_PAGE = 100
# Clock skew between replicas and transaction durations are far below this.
EXPIRY_MARGIN = timedelta(hours=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)

router = APIRouter(prefix="/api/v1/profiles", tags=["sync"])


class SyncTokenExpired(NormogenError):
    status_code = 410
    code = codes.SYNC_TOKEN_EXPIRED
    default_message = "This sync token is too old; sync again from the start (omit `since`)"


class SyncTokenForeign(SyncTokenExpired):
    """A token another profile's feed issued: the remedy is the same, sync from the start."""

    default_message = "This sync token belongs to another profile; sync again (omit `since`)"


# `<seq>.<millis>.<profile prefix>[.<epoch>]`: every text of this shape decodes, so the
# documented pattern is the whole syntax rule; what it names is checked against the profile,
# the clock and the epoch (a token without one is treated as issued before the first restore).
SINCE_PATTERN = r"^[0-9]{1,18}\.[0-9]{1,14}\.[0-9a-f]{8}(\.[A-Za-z0-9_-]{1,64})?$"


class SyncEpochChanged(NormogenError):
    status_code = 410
    code = codes.SYNC_EPOCH_CHANGED
    default_message = (
        "The server's data was restored from a backup since this token was issued; sync again "
        "from the start (omit `since`) and upload local changes the server no longer has"
    )


@dataclass(frozen=True, slots=True)
class SyncToken:
    """Changes up to `seq` were delivered; `at` is when change `seq` happened (None: never).

    `epoch` is the database's sync epoch when the token was issued (None: a format-1 token).
    """

    seq: int
    at: datetime | None
    epoch: str | None = None

    def encode(self, profile_id: str) -> str:
        millis = 0 if self.at is None else (self.at - _EPOCH) // _MS
        epoch = "" if self.epoch is None else f".{self.epoch}"
        return f"{self.seq}.{millis}.{profile_id[:8]}{epoch}"

    @classmethod
    def decode(cls, token: str, profile_id: str) -> SyncToken:
        """A token the route has matched against SINCE_PATTERN (410 if another profile's)."""
        seq, millis, prefix, *epoch = token.split(".")
        if prefix != profile_id[:8]:
            raise SyncTokenForeign()
        at = None if int(millis) == 0 else _EPOCH + int(millis) * _MS
        return cls(int(seq), at, epoch[0] if epoch else None)

    def from_epoch(self, epoch: str, restored: bool) -> bool:
        """Whether this token belongs to the current epoch (format 1: no restore yet)."""
        return (not restored) if self.epoch is None else self.epoch == epoch

    def expired(self, now: datetime, retention: timedelta) -> bool:
        return self.at is not None and now - self.at > retention - EXPIRY_MARGIN


@dataclass(frozen=True, slots=True)
class Changes:
    entries: list[Document]
    next: SyncToken
    done: bool


async def read_changes(
    db: Database, profile_id: str, *, since: SyncToken, limit: int, now: datetime
) -> Changes:
    """One page of changes after `since`, read from a single snapshot (with the epoch)."""

    async def callback(
        session: AsyncClientSession,
    ) -> tuple[list[Document], int, tuple[str, bool]]:
        docs = await repository.changes_after(
            db, profile_id, since=since.seq, limit=limit + 1, session=session
        )
        counter = await profiles.counter_of(db, profile_id, session)
        return docs, counter, await meta.read_epoch(db, session)

    docs, counter, (epoch, restored) = await run_transaction(db.client, callback)
    if not since.from_epoch(epoch, restored) and (since.seq > 0 or since.epoch is not None):
        raise SyncEpochChanged()
    page: list[Document] = []
    used = 0
    for doc in docs[:limit]:
        if page and used + payload_size(doc) > PAGE_BYTES_BUDGET:
            break
        page.append(doc)
        used += payload_size(doc)
    done = len(page) == len(docs)
    if page:
        last = page[-1]
        return Changes(page, SyncToken(int(last["seq"]), last["updated_at"], epoch), done)
    if counter == since.seq:
        # Nothing happened after `since` at all, so no deletion can be lost: renew the time.
        return Changes([], SyncToken(since.seq, now, epoch), True)
    return Changes([], SyncToken(since.seq, since.at, epoch), True)


@router.get("/{profile_id}/changes", response_model=ChangesPage, responses=responses(403, 404, 410))
async def get_changes(
    profile: SyncableProfile,
    db: DatabaseDep,
    runtime: RuntimeDep,
    since: Annotated[str | None, Query(pattern=SINCE_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_CHANGES_PAGE,
) -> Response:
    """Every create, update and delete of the profile's records after `since`, in order.

    410 `sync_token_expired` when `since` is older than the tombstone retention or was issued
    for another profile, 410 `sync_epoch_changed` after a restore: the device syncs again from
    the start.
    """
    now = datetime.now(UTC)
    token = SyncToken(0, None) if since is None else SyncToken.decode(since, profile.id)
    retention = timedelta(days=runtime.settings.RECORD_TOMBSTONE_DAYS)
    if token.expired(now, retention):
        raise SyncTokenExpired()
    changes = await read_changes(db, profile.id, since=token, limit=limit, now=now)
    body: dict[str, Any] = {
        "changes": [change_view(doc) for doc in changes.entries],
        "next": changes.next.encode(profile.id),
        "epoch": changes.next.epoch,
        "done": changes.done,
        "profile_deleted": profile.deleted,
    }
    return json_response(body)
