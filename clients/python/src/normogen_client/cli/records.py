"""`records list|add|show|edit|rm` for every kind, with typed options per docs/records.md."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from normogen_client.cli import output
from normogen_client.cli.account import JsonOption, runtime
from normogen_client.cli.record_options import (
    AtOpt,
    CommentOpt,
    DataOpt,
    Kind,
    ProfileOpt,
    TagOpt,
    apply_options,
    parse_instant,
    to_end_of_day,
    with_data_options,
)
from normogen_client.cli.runtime import CliError, profile_name
from normogen_client.payloads import check, summary
from normogen_client.records import Profile, Record, wire_time

app = typer.Typer(help="Health records: vitals, labs, medications, doses, appointments, notes.")
app.info.no_args_is_help = True


def record_json(record: Record, profile: Profile | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": record.id,
        "profile_id": record.profile_id,
        "kind": record.kind,
        "occurred_at": wire_time(record.occurred_at),
        "data": record.data,
        "tags": record.tags,
        "source": record.source,
        "revision": record.revision,
        "created_at": wire_time(record.created_at),
        "updated_at": wire_time(record.updated_at),
    }
    if profile is not None:
        body["profile"] = profile_name(profile)
    return body


def records_table(title: str, records: list[Record]) -> None:
    output.table(
        title,
        ["id", "when", "kind", "summary", "tags"],
        [
            [
                r.id,
                output.when(r.occurred_at),
                r.kind,
                summary(r.kind, r.data),
                ", ".join(r.tags),
            ]
            for r in records
        ],
    )


@app.command("add")
@with_data_options
def add(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Option("--kind", help="The record kind.")],
    given: dict[str, Any],
    profile: ProfileOpt = None,
    at: AtOpt = None,
    tag: TagOpt = None,
    comment: CommentOpt = None,
    data: DataOpt = None,
    as_json: JsonOption = False,
) -> None:
    """Add a record, e.g. `--kind lab_result --test HbA1c --value 6.1 --unit %`."""
    base = _json_object(data) if data else {}
    payload = apply_options(kind.value, base, given)
    if comment is not None:
        payload["comment"] = comment
    payload = check(kind.value, payload)
    occurred = parse_instant(at) if at else _default_time(kind.value, payload)
    rt = runtime(ctx)

    async def work() -> tuple[Profile, Record]:
        async with rt.session() as account:
            found = await account.profile(profile)
            record = await account.health.create_record(
                found, kind.value, payload, occurred_at=occurred, tags=tag or (), source="manual"
            )
            return found, record

    found, record = rt.run(work)
    if as_json:
        output.emit_json(record_json(record, found))
        return
    output.info(f"Added {kind.value} {record.id} to {profile_name(found)}: "
                f"{summary(record.kind, record.data)}")  # fmt: skip


def _default_time(kind: str, data: dict[str, Any]) -> datetime:
    if kind == "medication" and data.get("started_on"):
        return datetime.fromisoformat(data["started_on"]).replace(tzinfo=UTC)
    return datetime.now(UTC)


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise CliError(f"--data is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise CliError("--data must be a JSON object")
    return value


@app.command("list")
def list_(
    ctx: typer.Context,
    profile: Annotated[
        str | None, typer.Argument(help="Profile id or name (default: the only one).")
    ] = None,
    kind: Annotated[
        list[Kind] | None, typer.Option("--kind", help="Only these kinds (repeatable).")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Any of these tags.")] = None,
    since: Annotated[str | None, typer.Option("--from", help="From this date or instant.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Up to this date (inclusive).")] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="At most this many (newest first).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """A profile's records, newest first."""
    rt = runtime(ctx)
    start = parse_instant(since) if since else None
    end = to_end_of_day(parse_instant(until), until) if until else None

    async def work() -> tuple[Profile, list[Record]]:
        found_records: list[Record] = []
        async with rt.session() as account:
            found = await account.profile(profile)
            async for record in account.health.records(
                found,
                kinds=[k.value for k in kind or ()],
                tags=tag or (),
                start=start,
                end=end,
            ):
                found_records.append(record)
                if limit is not None and len(found_records) >= limit:
                    break
            return found, found_records

    found, records = rt.run(work)
    if as_json:
        output.emit_json([record_json(r) for r in records])
        return
    records_table(f"{profile_name(found)}: {len(records)} records", records)


RecordId = Annotated[str, typer.Argument(help="The record's id.")]


@app.command("show")
def show(ctx: typer.Context, record_id: RecordId, as_json: JsonOption = False) -> None:
    """One record, decrypted."""
    rt = runtime(ctx)

    async def work() -> tuple[Profile, Record]:
        async with rt.session() as account:
            return await account.record(record_id)

    found, record = rt.run(work)
    body = record_json(record, found)
    if as_json:
        output.emit_json(body)
        return
    output.info(f"{record.kind} in {profile_name(found)} at {output.when(record.occurred_at)}")
    output.info(summary(record.kind, record.data))
    output.info(json.dumps(record.data, indent=2, ensure_ascii=False))


@app.command("edit")
@with_data_options
def edit(
    ctx: typer.Context,
    record_id: RecordId,
    given: dict[str, Any],
    at: AtOpt = None,
    tag: TagOpt = None,
    comment: CommentOpt = None,
    data: DataOpt = None,
    as_json: JsonOption = False,
) -> None:
    """Change fields of a record; everything not given (and unknown fields) is kept."""
    rt = runtime(ctx)
    occurred = parse_instant(at) if at else None

    async def work() -> Record:
        async with rt.session() as account:
            found, record = await account.record(record_id)
            base = dict(record.data) if isinstance(record.data, dict) else {}
            if data:
                base |= _json_object(data)
            payload = apply_options(record.kind, base, given)
            if comment is not None:
                payload["comment"] = comment
            payload = check(record.kind, payload)
            return await account.health.update_record(
                found, record, data=payload, occurred_at=occurred,
                tags=None if tag is None else tag,
            )  # fmt: skip

    record = rt.run(work)
    if as_json:
        output.emit_json(record_json(record))
        return
    output.info(f"Updated {record.id} (revision {record.revision}): "
                f"{summary(record.kind, record.data)}")  # fmt: skip


@app.command("rm")
def remove(
    ctx: typer.Context,
    record_ids: Annotated[list[str], typer.Argument(help="Record ids.")],
) -> None:
    """Delete records."""
    rt = runtime(ctx)

    async def work() -> int:
        async with rt.session() as account:
            for record_id in record_ids:
                _, record = await account.record(record_id)
                await account.health.delete_record(record)
            return len(record_ids)

    count = rt.run(work)
    output.info(f"Deleted {count} record{'s' if count != 1 else ''}.")
