"""The typed options of `records add|edit` and how they become a record's data (docs/records.md)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import datetime, time
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer

from normogen_client.cli.runtime import CliError


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


R = TypeVar("R")

# Every typed option: (parameter name, the `data` field it fills, its annotation).
_DATA_OPTIONS: tuple[tuple[str, str, Any], ...] = (
    ("type_", "type", TypeOpt), ("systolic", "systolic", SystolicOpt),
    ("diastolic", "diastolic", DiastolicOpt), ("pulse", "pulse", PulseOpt),
    ("context", "context", ContextOpt), ("value", "value", ValueOpt), ("unit", "unit", UnitOpt),
    ("test", "test", TestOpt), ("loinc", "loinc", LoincOpt),
    ("value_text", "value_text", ValueTextOpt), ("low", "low", LowOpt), ("high", "high", HighOpt),
    ("range_text", "range_text", RangeTextOpt), ("flag", "flag", FlagOpt),
    ("panel", "panel", PanelOpt), ("laboratory", "laboratory", LabOpt),
    ("name", "name", NameOpt), ("strength", "strength", StrengthOpt), ("form", "form", FormOpt),
    ("dose", "dose", DoseOpt), ("times", "times", TimesOpt), ("days", "days", DaysOpt),
    ("as_needed", "as_needed", AsNeededOpt), ("started_on", "started_on", StartedOpt),
    ("stopped_on", "stopped_on", StoppedOpt), ("instructions", "instructions", InstructionsOpt),
    ("prescriber", "prescriber", PrescriberOpt), ("reason", "reason", ReasonOpt),
    ("medication_id", "medication_id", MedIdOpt), ("status", "status", StatusOpt),
    ("scheduled_for", "scheduled_for", ScheduledOpt), ("title", "title", TitleOpt),
    ("duration", "duration_minutes", DurationOpt), ("location", "location", LocationOpt),
    ("with_", "with", WithOpt), ("notes", "notes", NotesOpt), ("text", "text", TextOpt),
)  # fmt: skip


def with_data_options(command: Callable[..., R]) -> Callable[..., R]:
    """Give a command every typed option; it receives them as `given`, keyed by `data` field.

    Typer reads a command's options from its signature, so the shared options are appended to
    the command's own signature rather than repeated in `records add` and `records edit`.
    """
    own = inspect.signature(command, eval_str=True)
    params = [p for p in own.parameters.values() if p.name != "given"]
    params += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=hint)
        for name, _, hint in _DATA_OPTIONS
    ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        given = {field: kwargs.pop(name, None) for name, field, _ in _DATA_OPTIONS}
        return command(*args, given=given, **kwargs)

    wrapper.__dict__["__signature__"] = own.replace(parameters=params)
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper
