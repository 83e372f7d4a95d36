"""`records list|add|show|edit|rm` for every kind, with typed options per docs/records.md."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from enum import StrEnum
from typing import Annotated, Any

import typer

from normogen_client.cli import output
from normogen_client.cli.account import JsonOption, runtime
from normogen_client.cli.runtime import CliError, profile_name
from normogen_client.payloads import check, summary
from normogen_client.records import Profile, Record, wire_time

app = typer.Typer(help="Health records: vitals, labs, medications, doses, appointments, notes.")
app.info.no_args_is_help = True


class Kind(StrEnum):
    health_data = "health_data"
    lab_result = "lab_result"
    medication = "medication"
    medication_dose = "medication_dose"
    appointment = "appointment"
    note = "note"


# Which typed option fills which `data` field, per kind (docs/records.md).
FIELDS: dict[str, tuple[str, ...]] = {
    "health_data": (
        "type",
        "systolic",
        "diastolic",
        "pulse",
        "value",
        "unit",
        "context",
    ),
    "lab_result": (
        "test",
        "loinc",
        "value",
        "value_text",
        "unit",
        "low",
        "high",
        "range_text",
        "flag",
        "panel",
        "laboratory",
    ),
    "medication": (
        "name",
        "strength",
        "form",
        "dose",
        "times",
        "days",
        "as_needed",
        "started_on",
        "stopped_on",
        "instructions",
        "prescriber",
        "reason",
    ),
    "medication_dose": ("medication_id", "status", "scheduled_for", "dose", "reason"),
    "appointment": ("title", "duration_minutes", "location", "with", "status", "notes"),
    "note": ("title", "text"),
}


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is local time."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"{text!r} is not a date or date-time (ISO 8601)") from None
    if value.tzinfo is None:
        value = value.astimezone()  # local wall time
    return value


def to_end_of_day(value: datetime, text: str) -> datetime:
    """`--to 2026-03-01` includes that whole day."""
    if len(text) == 10:
        return datetime.combine(value.date(), time.max, value.tzinfo)
    return value


def apply_options(kind: str, base: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """`base` with the typed options overlaid; refuses options another kind uses."""
    allowed = FIELDS[kind]
    wrong = [name for name, value in given.items() if value is not None and name not in allowed]
    if wrong:
        names = ", ".join("--" + name.replace("_", "-") for name in wrong)
        raise CliError(f"{names} cannot be used with --kind {kind}")
    data = dict(base)
    values = {name: _whole(value) for name, value in given.items() if value is not None}
    if kind == "lab_result":
        reference = dict(data.get("reference_range") or {})
        for option, key in (("low", "low"), ("high", "high"), ("range_text", "text")):
            if option in values:
                reference[key] = values.pop(option)
        if reference:
            data["reference_range"] = reference
        if "value" in values:
            data.pop("value_text", None)
        if "value_text" in values:
            data.pop("value", None)
    if kind == "medication":
        schedule = _schedule(data.get("schedule"), values)
        if schedule is not None:
            data["schedule"] = schedule
    data.update(values)
    return data


def _whole(value: Any) -> Any:
    """128.0 from a float option is stored as 128 (the number the user typed)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _schedule(current: Any, values: dict[str, Any]) -> dict[str, Any] | None:
    times, days, as_needed = (values.pop(k, None) for k in ("times", "days", "as_needed"))
    if as_needed:
        return {"kind": "as_needed"}
    if times is None and days is None:
        return None if current else {"kind": "as_needed"}
    previous = current or {}
    time_list = sorted(set(times.split(","))) if times else list(previous.get("times") or [])
    if days:
        return {"kind": "weekly", "days": [d.strip().lower()[:3] for d in days.split(",")],
                "times": time_list}  # fmt: skip
    return {"kind": "daily", "times": time_list}


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


# --- typed options (shared by add and edit) --------------------------------------------------

TypeOpt = Annotated[
    str | None,
    typer.Option(
        "--type",
        help="health_data: blood_pressure, weight, heart_rate, glucose, temperature.",
        rich_help_panel="Vitals",
    ),
]
SystolicOpt = Annotated[float | None, typer.Option(help="mm[Hg]", rich_help_panel="Vitals")]
DiastolicOpt = Annotated[float | None, typer.Option(help="mm[Hg]", rich_help_panel="Vitals")]
PulseOpt = Annotated[float | None, typer.Option(help="/min", rich_help_panel="Vitals")]
ContextOpt = Annotated[
    str | None,
    typer.Option(
        help="glucose: fasting, before_meal, after_meal, bedtime, random.",
        rich_help_panel="Vitals",
    ),
]
ValueOpt = Annotated[
    float | None,
    typer.Option(help="A numeric value (vitals, labs).", rich_help_panel="Vitals and labs"),
]
UnitOpt = Annotated[
    str | None,
    typer.Option(help="UCUM unit, e.g. mmol/L, kg, Cel, %.", rich_help_panel="Vitals and labs"),
]
TestOpt = Annotated[
    str | None, typer.Option(help="The analyte, e.g. HbA1c.", rich_help_panel="Labs")
]
LoincOpt = Annotated[
    str | None, typer.Option(help="LOINC code, e.g. 4548-4.", rich_help_panel="Labs")
]
ValueTextOpt = Annotated[
    str | None,
    typer.Option(help="A textual result (positive, trace).", rich_help_panel="Labs"),
]
LowOpt = Annotated[float | None, typer.Option(help="Reference range low.", rich_help_panel="Labs")]
HighOpt = Annotated[
    float | None, typer.Option(help="Reference range high.", rich_help_panel="Labs")
]
RangeTextOpt = Annotated[
    str | None, typer.Option(help="Reference range as text.", rich_help_panel="Labs")
]
FlagOpt = Annotated[
    str | None,
    typer.Option(
        help="normal, low, high, critical_low, critical_high, abnormal.",
        rich_help_panel="Labs",
    ),
]
PanelOpt = Annotated[
    str | None,
    typer.Option(help="Groups one report's results.", rich_help_panel="Labs"),
]
LabOpt = Annotated[
    str | None,
    typer.Option("--laboratory", help="Who measured it.", rich_help_panel="Labs"),
]
NameOpt = Annotated[
    str | None, typer.Option(help="Medication name.", rich_help_panel="Medications")
]
StrengthOpt = Annotated[str | None, typer.Option(help="e.g. 5 mg", rich_help_panel="Medications")]
FormOpt = Annotated[
    str | None,
    typer.Option(help="tablet, capsule, liquid, inhaler, ...", rich_help_panel="Medications"),
]
DoseOpt = Annotated[
    str | None,
    typer.Option(help="One intake, e.g. '1 tablet'.", rich_help_panel="Medications"),
]
TimesOpt = Annotated[
    str | None,
    typer.Option(help="Daily times, e.g. 08:00,20:00.", rich_help_panel="Medications"),
]
DaysOpt = Annotated[
    str | None,
    typer.Option(help="Weekly: mon,thu (with --times).", rich_help_panel="Medications"),
]
AsNeededOpt = Annotated[
    bool | None,
    typer.Option("--as-needed", help="No fixed schedule.", rich_help_panel="Medications"),
]
StartedOpt = Annotated[str | None, typer.Option(help="YYYY-MM-DD", rich_help_panel="Medications")]
StoppedOpt = Annotated[str | None, typer.Option(help="YYYY-MM-DD", rich_help_panel="Medications")]
InstructionsOpt = Annotated[
    str | None, typer.Option(help="e.g. with food", rich_help_panel="Medications")
]
PrescriberOpt = Annotated[str | None, typer.Option(rich_help_panel="Medications")]
ReasonOpt = Annotated[
    str | None,
    typer.Option(help="What it is for / why skipped.", rich_help_panel="Medications"),
]
MedIdOpt = Annotated[
    str | None,
    typer.Option(help="medication_dose: the medication record.", rich_help_panel="Doses"),
]
StatusOpt = Annotated[
    str | None,
    typer.Option(
        help="dose: taken/skipped; appointment: booked/cancelled/fulfilled.",
        rich_help_panel="Doses and appointments",
    ),
]
ScheduledOpt = Annotated[
    str | None,
    typer.Option(help="The slot a dose answers (RFC 3339).", rich_help_panel="Doses"),
]
TitleOpt = Annotated[
    str | None,
    typer.Option(help="Appointment or note title.", rich_help_panel="Appointments and notes"),
]
DurationOpt = Annotated[
    int | None,
    typer.Option("--duration", help="Minutes.", rich_help_panel="Appointments and notes"),
]
LocationOpt = Annotated[str | None, typer.Option(rich_help_panel="Appointments and notes")]
WithOpt = Annotated[
    str | None,
    typer.Option(
        "--with",
        help="Practitioner or service.",
        rich_help_panel="Appointments and notes",
    ),
]
NotesOpt = Annotated[
    str | None,
    typer.Option(help="Appointment notes.", rich_help_panel="Appointments and notes"),
]
TextOpt = Annotated[
    str | None,
    typer.Option(help="Note text.", rich_help_panel="Appointments and notes"),
]
CommentOpt = Annotated[str | None, typer.Option(help="Free text on any record.")]
DataOpt = Annotated[
    str | None,
    typer.Option(
        "--data",
        help="The whole data object as JSON (typed options override its fields).",
    ),
]
ProfileOpt = Annotated[str | None, typer.Option("--profile", "-p", help="Profile id or name.")]
AtOpt = Annotated[str | None, typer.Option("--at", help="When (ISO 8601; default: now).")]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")]


def typed(**values: Any) -> dict[str, Any]:
    return values


@app.command("add")
def add(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Option("--kind", help="The record kind.")],
    profile: ProfileOpt = None,
    at: AtOpt = None, tag: TagOpt = None, comment: CommentOpt = None, data: DataOpt = None,
    type_: TypeOpt = None, systolic: SystolicOpt = None, diastolic: DiastolicOpt = None,
    pulse: PulseOpt = None, context: ContextOpt = None, value: ValueOpt = None,
    unit: UnitOpt = None, test: TestOpt = None, loinc: LoincOpt = None,
    value_text: ValueTextOpt = None, low: LowOpt = None, high: HighOpt = None,
    range_text: RangeTextOpt = None, flag: FlagOpt = None, panel: PanelOpt = None,
    laboratory: LabOpt = None, name: NameOpt = None, strength: StrengthOpt = None,
    form: FormOpt = None, dose: DoseOpt = None, times: TimesOpt = None, days: DaysOpt = None,
    as_needed: AsNeededOpt = None, started_on: StartedOpt = None, stopped_on: StoppedOpt = None,
    instructions: InstructionsOpt = None, prescriber: PrescriberOpt = None,
    reason: ReasonOpt = None, medication_id: MedIdOpt = None, status: StatusOpt = None,
    scheduled_for: ScheduledOpt = None, title: TitleOpt = None, duration: DurationOpt = None,
    location: LocationOpt = None, with_: WithOpt = None, notes: NotesOpt = None,
    text: TextOpt = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Add a record, e.g. `--kind lab_result --test HbA1c --value 6.1 --unit %`."""
    given = typed(
        type=type_, systolic=systolic, diastolic=diastolic, pulse=pulse, context=context,
        value=value, unit=unit, test=test, loinc=loinc, value_text=value_text, low=low,
        high=high, range_text=range_text, flag=flag, panel=panel, laboratory=laboratory,
        name=name, strength=strength, form=form, dose=dose, times=times, days=days,
        as_needed=as_needed, started_on=started_on, stopped_on=stopped_on,
        instructions=instructions, prescriber=prescriber, reason=reason,
        medication_id=medication_id, status=status, scheduled_for=scheduled_for, title=title,
        duration_minutes=duration, location=location, notes=notes, text=text,
        **{"with": with_},
    )  # fmt: skip
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
def edit(
    ctx: typer.Context,
    record_id: RecordId,
    at: AtOpt = None, tag: TagOpt = None, comment: CommentOpt = None, data: DataOpt = None,
    type_: TypeOpt = None, systolic: SystolicOpt = None, diastolic: DiastolicOpt = None,
    pulse: PulseOpt = None, context: ContextOpt = None, value: ValueOpt = None,
    unit: UnitOpt = None, test: TestOpt = None, loinc: LoincOpt = None,
    value_text: ValueTextOpt = None, low: LowOpt = None, high: HighOpt = None,
    range_text: RangeTextOpt = None, flag: FlagOpt = None, panel: PanelOpt = None,
    laboratory: LabOpt = None, name: NameOpt = None, strength: StrengthOpt = None,
    form: FormOpt = None, dose: DoseOpt = None, times: TimesOpt = None, days: DaysOpt = None,
    as_needed: AsNeededOpt = None, started_on: StartedOpt = None, stopped_on: StoppedOpt = None,
    instructions: InstructionsOpt = None, prescriber: PrescriberOpt = None,
    reason: ReasonOpt = None, medication_id: MedIdOpt = None, status: StatusOpt = None,
    scheduled_for: ScheduledOpt = None, title: TitleOpt = None, duration: DurationOpt = None,
    location: LocationOpt = None, with_: WithOpt = None, notes: NotesOpt = None,
    text: TextOpt = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Change fields of a record; everything not given (and unknown fields) is kept."""
    given = typed(
        type=type_, systolic=systolic, diastolic=diastolic, pulse=pulse, context=context,
        value=value, unit=unit, test=test, loinc=loinc, value_text=value_text, low=low,
        high=high, range_text=range_text, flag=flag, panel=panel, laboratory=laboratory,
        name=name, strength=strength, form=form, dose=dose, times=times, days=days,
        as_needed=as_needed, started_on=started_on, stopped_on=stopped_on,
        instructions=instructions, prescriber=prescriber, reason=reason,
        medication_id=medication_id, status=status, scheduled_for=scheduled_for, title=title,
        duration_minutes=duration, location=location, notes=notes, text=text,
        **{"with": with_},
    )  # fmt: skip
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
