"""`meds take|skip|adherence`: doses against a medication's schedule (docs/records.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from normogen_client.adherence import Adherence, adherence
from normogen_client.cli import output
from normogen_client.cli.account import JsonOption, runtime
from normogen_client.cli.record_options import parse_instant
from normogen_client.cli.runtime import Account, CliError, profile_name
from normogen_client.payloads import check
from normogen_client.records import Profile, Record, wire_time

app = typer.Typer(help="Medications: record doses and see adherence.", no_args_is_help=True)
MedicationRef = Annotated[str, typer.Argument(help="The medication record's id.")]


async def account_zone(account: Account) -> ZoneInfo:
    """The account's time zone setting (UTC when unset), per docs/records.md."""
    name = (await account.client.settings()).get("time_zone") or "UTC"
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


async def _medication(account: Account, medication_id: str) -> tuple[Profile, Record]:
    profile, record = await account.record(medication_id)
    if record.kind != "medication":
        raise CliError(f"{medication_id} is a {record.kind}, not a medication")
    return profile, record


def _dose(
    ctx: typer.Context,
    medication_id: str,
    status: str,
    at: str | None,
    scheduled_for: str | None,
    dose: str | None,
    reason: str | None,
) -> None:
    rt = runtime(ctx)
    occurred = parse_instant(at) if at else datetime.now(UTC)
    data: dict[str, Any] = {"medication_id": medication_id, "status": status}
    if scheduled_for:
        data["scheduled_for"] = wire_time(parse_instant(scheduled_for))
    data |= {"dose": dose, "reason": reason}
    data = check("medication_dose", data)

    async def work() -> tuple[Record, Record]:
        async with rt.session() as account:
            profile, medication = await _medication(account, medication_id)
            record = await account.health.create_record(
                profile, "medication_dose", data, occurred_at=occurred, source="manual"
            )
            return medication, record

    medication, record = rt.run(work)
    output.info(
        f"Recorded {medication.data.get('name')} as {status} at "
        f"{output.when(record.occurred_at)} ({record.id})."
    )


@app.command("take")
def take(
    ctx: typer.Context,
    medication_id: MedicationRef,
    at: Annotated[str | None, typer.Option(help="When it was taken (default: now).")] = None,
    scheduled_for: Annotated[str | None, typer.Option(help="The slot it answers.")] = None,
    dose: Annotated[str | None, typer.Option(help="If it differs from the usual dose.")] = None,
) -> None:
    """Record a dose as taken."""
    _dose(ctx, medication_id, "taken", at, scheduled_for, dose, None)


@app.command("skip")
def skip(
    ctx: typer.Context,
    medication_id: MedicationRef,
    reason: Annotated[str | None, typer.Option(help="Why it was skipped.")] = None,
    at: Annotated[str | None, typer.Option(help="When (default: now).")] = None,
    scheduled_for: Annotated[str | None, typer.Option(help="The slot it answers.")] = None,
) -> None:
    """Record a dose as skipped."""
    _dose(ctx, medication_id, "skipped", at, scheduled_for, None, reason)


@dataclass(frozen=True)
class Row:
    profile: str
    medication_id: str
    name: str
    schedule: str
    windows: dict[int, Adherence]


@app.command("adherence")
def adherence_command(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Argument(help="Profile (default: every profile).")] = None,
    days: Annotated[
        list[int] | None, typer.Option("--days", min=1, max=366, help="Windows (default 7, 30).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Taken / expected doses per current medication (docs/records.md, "Adherence")."""
    rt = runtime(ctx)
    windows = sorted(set(days or [7, 30]))

    async def work() -> list[Row]:
        rows: list[Row] = []
        async with rt.session() as account:
            zone = await account_zone(account)
            now = datetime.now(UTC)
            profiles = [await account.profile(profile)] if profile else await account.profiles()
            for found in profiles:
                meds: list[Record] = []
                doses: dict[str, list[tuple[datetime, dict[str, Any]]]] = {}
                kinds = ["medication", "medication_dose"]
                async for record in account.health.records(found, kinds=kinds):
                    if record.kind == "medication":
                        meds.append(record)
                    elif isinstance(record.data, dict):
                        key = str(record.data.get("medication_id"))
                        doses.setdefault(key, []).append((record.occurred_at, record.data))
                for med in meds:
                    schedule = (med.data.get("schedule") or {}).get("kind", "?")
                    results = {
                        n: adherence(med.data, doses.get(med.id, []), days=n, now=now, zone=zone)
                        for n in windows
                    }
                    name = str(med.data.get("name"))
                    rows.append(Row(profile_name(found), med.id, name, schedule, results))
        return rows

    rows = rt.run(work)
    if as_json:
        output.emit_json(
            [
                {
                    "profile": row.profile,
                    "medication_id": row.medication_id,
                    "name": row.name,
                    "schedule": row.schedule,
                    "windows": {
                        str(n): {"taken": a.taken, "expected": a.expected, "percent": a.percent}
                        for n, a in row.windows.items()
                    },
                }
                for row in rows
            ]
        )
        return
    output.table(
        "Adherence",
        ["profile", "medication", "id", "schedule", *(f"{n} days" for n in windows)],
        [
            [
                row.profile,
                row.name,
                row.medication_id,
                row.schedule,
                *(f"{a.label()} ({a.taken}/{a.expected})" for a in row.windows.values()),
            ]
            for row in rows
        ],
    )
