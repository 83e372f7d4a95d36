"""`sync`: what changed in each profile since this device last synced (the changes feed)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from normogen_client.cli import output
from normogen_client.cli.account import JsonOption, runtime
from normogen_client.cli.runtime import profile_name
from normogen_client.health import RESYNC_CODES, HealthRecords
from normogen_client.models import ApiError
from normogen_client.payloads import summary
from normogen_client.records import Profile, Record


def sync(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Argument(help="One profile (default: all).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Fetch every change since the last sync (the feed token is kept in the session)."""
    rt = runtime(ctx)

    async def work() -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        async with rt.session() as account:
            tokens: dict[str, str] = dict(account.state.get("sync") or {})
            profiles = [await account.profile(profile)] if profile else await account.profiles()
            for found in profiles:
                token, updated, deleted, reset = await _changes(
                    account.health, found, tokens.get(found.id)
                )
                tokens[found.id] = token
                results.append(
                    {
                        "profile_id": found.id,
                        "profile": profile_name(found),
                        "updated": [
                            {"id": r.id, "kind": r.kind, "summary": summary(r.kind, r.data)}
                            for r in updated.values()
                        ],
                        "deleted": deleted,
                        "reset": reset,
                    }
                )
            account.state["sync"] = tokens
        return results

    results = rt.run(work)
    if as_json:
        output.emit_json(results)
        return
    for item in results:
        note = (
            " (full resync: offline too long, or the server was restored)" if item["reset"] else ""
        )
        output.info(
            f"{item['profile']}: {len(item['updated'])} new or changed, "
            f"{len(item['deleted'])} deleted{note}"
        )
        for change in item["updated"][:20]:
            output.info(f"  {change['id']} {change['kind']}: {change['summary']}")
        if len(item["updated"]) > 20:
            output.info(f"  ... and {len(item['updated']) - 20} more")


async def _changes(
    health: HealthRecords, profile: Profile, since: str | None
) -> tuple[str, dict[str, Record], list[str], bool]:
    """Every change after `since`: (new token, live records, deleted ids, token expired)."""
    token, reset = since, False
    if since is None:
        health.seen.reset_feed(profile.id)  # a first sync on this device starts the feed over
    updated: dict[str, Record] = {}
    deleted: list[str] = []
    while True:
        try:
            changes, following, done, _ = await health.changes(profile, token)
        except ApiError as error:
            if error.code not in RESYNC_CODES or reset:
                raise
            token, reset = None, True  # offline too long, or the server restored: all again
            updated, deleted = {}, []
            health.seen.reset_feed(profile.id)
            continue
        for change in changes:
            health.seen.feed_position(profile.id, change.seq)  # the rollback guard
            if change.record is not None:
                health.seen.record(change.id, change.revision)
                updated[change.id] = change.record
            else:
                health.seen.deleted(change.id, change.revision)
                updated.pop(change.id, None)
                if token is not None or since is not None:
                    deleted.append(change.id)  # the first sync has nothing to delete
        token = following
        if done:
            return token, updated, deleted, reset
