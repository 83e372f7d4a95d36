"""A generated demo household: two parents, a child and a grandparent in one family, with six
months of medications and doses (with adherence gaps), vitals, two lab panels, appointments,
notes and one active share link. Every person and value is generated; none is real.
"""

from __future__ import annotations

import asyncio
import random
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from normogen_client.api import NormogenClient
from normogen_client.families import Families
from normogen_client.health import HealthRecords
from normogen_client.links import Links
from normogen_client.payloads import check
from normogen_client.records import Profile, Record, wire_time
from normogen_client.retry import patiently
from normogen_client.trust import TrustStore

DAYS = 182  # six months
CONCURRENCY = 8


@dataclass
class Household:
    clients: list[NormogenClient]
    logins: list[tuple[str, str, str]]  # (who, email, password)
    share_url: str = ""
    counts: dict[str, int] = field(default_factory=dict)


class _Writer:
    """Creates records concurrently (bounded), counting them per profile."""

    def __init__(self, health: HealthRecords, profile: Profile) -> None:
        self.health = health
        self.profile = profile
        self.pending: list[Awaitable[Record]] = []
        self.gate = asyncio.Semaphore(CONCURRENCY)

    def add(self, kind: str, data: dict[str, Any], at: datetime, source: str = "manual",
            tags: tuple[str, ...] = ()) -> str:  # fmt: skip
        record_id = _uuid()
        payload = check(kind, data)

        async def create() -> Record:
            async with self.gate:
                return await patiently(  # a large household meets the per-user rate limit
                    lambda: self.health.create_record(
                        self.profile, kind, payload, occurred_at=at, tags=tags, source=source,
                        record_id=record_id,
                    )
                )  # fmt: skip

        self.pending.append(create())
        return record_id

    async def flush(self) -> list[Record]:
        done = await asyncio.gather(*self.pending)
        self.pending = []
        return list(done)


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, UTC)


def _medication(
    w: _Writer, rng: random.Random, today: date, *, name: str, strength: str, times: list[str],
    miss: float, reason: str, started: date, tags: tuple[str, ...] = (),
) -> str:  # fmt: skip
    """A daily medication since `started`, with a dose per slot except realistic gaps."""
    med = w.add(
        "medication",
        {"name": name, "strength": strength, "form": "tablet", "dose": "1 tablet",
         "schedule": {"kind": "daily", "times": times}, "started_on": started.isoformat(),
         "reason": reason, "prescriber": "Dr. A. Example (generated)"},
        _at(started, time(9)), tags=tags,
    )  # fmt: skip
    now = datetime.now(UTC)
    day = started
    holiday = today - timedelta(days=rng.randint(40, 120))  # a few days away, doses forgotten
    while day <= today:
        for text in times:
            slot = _at(day, time.fromisoformat(text))
            if slot > now:
                continue
            away = holiday <= day < holiday + timedelta(days=4)
            busy = (day - started).days % 11 == 5  # a busy day every week and a half: forgotten
            roll = rng.random()
            if away or busy or roll < miss:
                continue  # missed: no record at all
            if roll < miss + 0.02:
                w.add("medication_dose", {"medication_id": med, "status": "skipped",
                                          "scheduled_for": wire_time(slot),
                                          "reason": rng.choice(["felt unwell", "ran out"])},
                      slot + timedelta(minutes=5))  # fmt: skip
                continue
            taken = min(slot + timedelta(minutes=rng.randint(-20, 75)), now)
            w.add("medication_dose", {"medication_id": med, "status": "taken",
                                      "scheduled_for": wire_time(slot)}, taken)  # fmt: skip
        day += timedelta(days=1)
    return med


def _vitals(w: _Writer, rng: random.Random, today: date, *, bp: tuple[int, int], every: int,
            glucose: bool = False, weight: float | None = None) -> None:  # fmt: skip
    for offset in range(DAYS, -1, -every):
        day = today - timedelta(days=offset)
        morning = _at(day, time(7, rng.randint(0, 59)))
        if morning > datetime.now(UTC):
            continue
        systolic = bp[0] + rng.randint(-9, 12)
        w.add("health_data", {"type": "blood_pressure", "systolic": systolic,
                              "diastolic": bp[1] + rng.randint(-6, 8),
                              "pulse": rng.randint(58, 84), "unit": "mm[Hg]"},
              morning, source="device", tags=("blood pressure",))  # fmt: skip
        if glucose:
            w.add("health_data", {"type": "glucose", "value": round(rng.uniform(5.4, 8.2), 1),
                                  "unit": "mmol/L", "context": "fasting"},
                  morning + timedelta(minutes=10), source="device")  # fmt: skip
        if weight is not None and offset % 28 < every:
            w.add("health_data", {"type": "weight", "unit": "kg",
                                  "value": round(weight + rng.uniform(-1.2, 1.2), 1)},
                  morning + timedelta(minutes=2), source="device")  # fmt: skip


def _panel(w: _Writer, day: date, panel: str, results: list[dict[str, Any]]) -> list[str]:
    ids = []
    for item in results:
        data = {**item, "panel": panel, "laboratory": "Example Community Laboratory"}
        ids.append(w.add("lab_result", data, _at(day, time(8, 30)), source="lab",
                         tags=("labs",)))  # fmt: skip
    return ids


async def create_household(
    new_client: Callable[[], NormogenClient],
    *,
    domain: str = "example.org",
    password: str | None = None,
    seed: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Household:
    """Register four accounts, build the family and fill it; returns their logins."""
    say = progress or (lambda _message: None)
    rng = random.Random(seed)  # noqa: S311 - generated demo values, not a security use
    suffix = secrets.token_hex(3)
    people = [("Alex (parent, family owner)", "alex"), ("Sam (parent, caregiver)", "sam"),
              ("Jo (grandparent, viewer)", "jo")]  # fmt: skip
    clients: list[NormogenClient] = []
    logins: list[tuple[str, str, str]] = []
    for who, handle in people:
        secret = password or f"demo-{secrets.token_urlsafe(9)}"
        email = f"{handle}.demo-{suffix}@{domain}"
        client = new_client()
        if clients:
            client.trust = TrustStore()  # only the first parent's pins are kept (logged in)
        say(f"Registering {email} ...")
        await client.register(email, secret, device_name="normogen-client demo")
        clients.append(client)
        logins.append((who, email, secret))
    alex, sam, jo = clients
    families = Families(alex, HealthRecords(alex))
    family = await families.create("The Demo family")
    for member, role in ((sam, "caregiver"), (jo, "viewer")):
        if member.email is None or member.keys is None:
            raise RuntimeError("a demo account is not logged in")
        await families.invite(family.id, member.email, role)
        own = Families(member)
        [invitation] = await own.invitations()
        if invitation.owner is None:
            raise RuntimeError("the invitation does not show the owner's keys")
        # Both devices are here, so each side's safety number is compared directly.
        await own.accept(invitation, safety_number=own.safety_number(invitation.owner))
        number = families.safety_number(member.keys.party)
        await families.confirm(family, member.keys.user_id, safety_number=number)
    say("Family created; filling six months of records ...")

    today = datetime.now(UTC).date()
    health = families.health
    alex_profile = await health.create_profile("self", {"name": "Alex", "birth_date": "1984-05-12"})
    robin = await families.create_profile(
        family, "child", {"name": "Robin", "birth_date": "2017-09-03"}
    )
    grandpa = await families.create_profile(
        family, "elder", {"name": "Jo", "birth_date": "1949-02-20"}
    )
    sam_health = HealthRecords(sam)
    sam_profile = await sam_health.create_profile(
        "self", {"name": "Sam", "birth_date": "1986-11-30"}
    )

    w = _Writer(health, grandpa)
    _medication(
        w,
        rng,
        today,
        name="Ramipril",
        strength="5 mg",
        times=["08:00"],
        miss=0.08,
        reason="blood pressure",
        started=today - timedelta(days=DAYS),
        tags=("heart",),
    )
    _medication(
        w,
        rng,
        today,
        name="Metformin",
        strength="500 mg",
        times=["08:00", "20:00"],
        miss=0.15,
        reason="type 2 diabetes",
        started=today - timedelta(days=DAYS),
        tags=("diabetes",),
    )
    _vitals(w, rng, today, bp=(138, 84), every=3, glucose=True, weight=78.0)
    lab_ids = _panel(w, today - timedelta(days=9), "Diabetes review", [
        {"test": "HbA1c", "loinc": "4548-4", "value": 7.1, "unit": "%",
         "reference_range": {"low": 4.0, "high": 6.0}, "flag": "high"},
        {"test": "Creatinine", "loinc": "2160-0", "value": 1.1, "unit": "mg/dL",
         "reference_range": {"low": 0.7, "high": 1.3}, "flag": "normal"},
        {"test": "eGFR", "loinc": "33914-3", "value": 68, "unit": "mL/min/{1.73_m2}",
         "reference_range": {"low": 60}},
    ])  # fmt: skip
    w.add("appointment", {"title": "Cardiology follow-up", "duration_minutes": 30,
                          "location": "Example Heart Clinic", "with": "Dr. B. Example",
                          "status": "fulfilled", "notes": "Keep Ramipril, recheck in 3 months"},
          _at(today - timedelta(days=35), time(10, 30)))  # fmt: skip
    w.add("appointment", {"title": "GP diabetes review", "duration_minutes": 20,
                          "location": "Example Health Centre", "with": "Dr. C. Example"},
          _at(today + timedelta(days=12), time(9, 15)))  # fmt: skip
    w.add("note", {"title": "Dizzy in the morning", "text": "Felt light-headed after standing "
                   "up quickly; BP 112/70. Mentioned at cardiology."},
          _at(today - timedelta(days=40), time(8, 5)), tags=("heart",))  # fmt: skip
    jo_records = await w.flush()
    say(f"  Jo: {len(jo_records)} records")

    w = _Writer(health, alex_profile)
    _medication(
        w,
        rng,
        today,
        name="Atorvastatin",
        strength="20 mg",
        times=["20:00"],
        miss=0.1,
        reason="cholesterol",
        started=today - timedelta(days=150),
    )
    _vitals(w, rng, today, bp=(126, 80), every=7, weight=82.5)
    _panel(w, today - timedelta(days=60), "Lipid panel", [
        {"test": "Total cholesterol", "loinc": "2093-3", "value": 5.6, "unit": "mmol/L",
         "reference_range": {"high": 5.0}},
        {"test": "LDL cholesterol", "loinc": "13457-7", "value": 3.4, "unit": "mmol/L",
         "reference_range": {"high": 3.0}, "flag": "high"},
        {"test": "HDL cholesterol", "loinc": "2085-9", "value": 1.3, "unit": "mmol/L",
         "reference_range": {"low": 1.0}},
        {"test": "Triglycerides", "loinc": "2571-8", "value": 1.6, "unit": "mmol/L",
         "reference_range": {"high": 1.7}, "flag": "normal"},
    ])  # fmt: skip
    w.add("note", {"title": "Diet", "text": "Cutting back on cheese; walking 30 minutes a day."},
          _at(today - timedelta(days=55), time(21)))  # fmt: skip
    alex_records = await w.flush()

    w = _Writer(health, robin)
    fever = today - timedelta(days=21)
    ibuprofen = w.add("medication", {"name": "Ibuprofen", "strength": "100 mg/5 ml",
                                     "form": "liquid", "dose": "7.5 ml",
                                     "schedule": {"kind": "as_needed"}, "reason": "fever"},
                      _at(fever, time(7)))  # fmt: skip
    for hour, temp in ((7, 38.6), (13, 38.9), (19, 38.2), (31, 37.6), (43, 37.0)):
        at = _at(fever, time(0)) + timedelta(hours=hour)
        w.add("health_data", {"type": "temperature", "value": temp, "unit": "Cel"}, at)
        if temp >= 38:
            w.add("medication_dose", {"medication_id": ibuprofen, "status": "taken"},
                  at + timedelta(minutes=10))  # fmt: skip
    w.add("appointment", {"title": "Paediatrician check-up", "duration_minutes": 15,
                          "with": "Dr. D. Example", "status": "fulfilled"},
          _at(fever + timedelta(days=2), time(16)))  # fmt: skip
    w.add("note", {"title": "Vaccination", "text": "School-age booster given; no reaction."},
          _at(today - timedelta(days=100), time(15)), tags=("vaccines",))  # fmt: skip
    robin_records = await w.flush()

    w = _Writer(sam_health, sam_profile)
    _vitals(w, rng, today, bp=(118, 76), every=14, weight=64.0)
    w.add("health_data", {"type": "heart_rate", "value": 64, "unit": "/min"},
          _at(today - timedelta(days=3), time(6, 45)), source="device")  # fmt: skip
    w.add(
        "note", {"text": "Started running twice a week."}, _at(today - timedelta(days=80), time(19))
    )
    sam_records = await w.flush()

    labs = [r for r in jo_records if r.id in lab_ids]
    shared = await Links(alex).share_records(
        grandpa, labs, expires_in=timedelta(days=14), max_access_count=5,
        label="Jo's diabetes review for the new GP",
    )  # fmt: skip
    counts = {"Jo": len(jo_records), "Alex": len(alex_records), "Robin": len(robin_records),
              "Sam": len(sam_records)}  # fmt: skip
    say("Records: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    say(f"Share link (Jo's lab panel, 14 days, 5 opens): {shared.url}")
    return Household(clients, logins, shared.url, counts)
