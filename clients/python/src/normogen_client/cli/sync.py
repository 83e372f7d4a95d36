"""`sync`: what changed in each profile since this device last synced (the changes feed)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from normogen_client.cli import output
from normogen_client.cli.account import JsonOption, runtime
from normogen_client.cli.runtime import profile_name
from normogen_client.health import SyncState
from normogen_client.payloads import summary


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
                state = SyncState(token=tokens.get(found.id))
                result = await account.health.sync(found, state)
                if state.token is not None:
                    tokens[found.id] = state.token
                changed = [state.records[i] for i in result.updated if i in state.records]
                results.append(
                    {
                        "profile_id": found.id,
                        "profile": profile_name(found),
                        "updated": [
                            {"id": r.id, "kind": r.kind, "summary": summary(r.kind, r.data)}
                            for r in changed
                        ],
                        "deleted": result.deleted,
                        "reset": result.reset,
                    }
                )
            account.state["sync"] = tokens
        return results

    results = rt.run(work)
    if as_json:
        output.emit_json(results)
        return
    for item in results:
        note = " (full resync: offline too long)" if item["reset"] else ""
        output.info(
            f"{item['profile']}: {len(item['updated'])} new or changed, "
            f"{len(item['deleted'])} deleted{note}"
        )
        for change in item["updated"][:20]:
            output.info(f"  {change['id']} {change['kind']}: {change['summary']}")
        if len(item["updated"]) > 20:
            output.info(f"  ... and {len(item['updated']) - 20} more")
