"""The Python half of the web app's interoperability test (web/e2e/interop.spec.ts).

`write API EMAIL PASSWORD`: register, create a child profile and a medication record; prints
their ids and plaintext as JSON. `read API EMAIL PASSWORD`: log in to an account the browser
created (unwrapping and checking its keys), decrypt its preferences; prints them as JSON.
`share API EMAIL PASSWORD`: register, write that record and share it by two links, one with
PASSWORD as the link password, one without; prints their URLs (on the API's origin).
`open API URL PASSWORD`: open a share link the browser made (PASSWORD "-": none); prints the
decrypted content as JSON.
Run with the project's venv: .venv/bin/python clients/python/scripts/web_interop.py ...
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from normogen_client.api import NormogenClient
from normogen_client.crypto.aead import Envelope, decrypt_json
from normogen_client.crypto.contexts import preferences_aad
from normogen_client.health import HealthRecords
from normogen_client.links import Links, open_link

MEDICATION = {"name": "Ramipril", "strength": 5, "unit": "mg", "form": "tablet"}


async def write(api: str, email: str, password: str) -> dict[str, Any]:
    async with NormogenClient(api) as client:
        await client.register(email, password)
        health = HealthRecords(client)
        profile = await health.create_profile("child", {"name": "Ada"})
        record = await health.create_record(
            profile,
            "medication",
            MEDICATION,
            occurred_at=datetime(2026, 3, 1, 8, 15, tzinfo=UTC),
            tags=["heart"],
            source="manual",
        )
        return {"profile_id": profile.id, "record_id": record.id, "data": MEDICATION}


async def read(api: str, email: str, password: str) -> dict[str, Any]:
    async with NormogenClient(api) as client:
        await client.login(email, password)
        keys = client.keys
        if keys is None:
            raise SystemExit("login did not unlock the keys")
        settings = await client.settings()
        preferences = settings.get("preferences")
        decrypted = (
            decrypt_json(
                keys.user_key, Envelope.from_json(preferences), preferences_aad(keys.user_id)
            )
            if preferences
            else None
        )
        return {
            "user_id": keys.user_id,
            "timezone": settings.get("timezone"),
            "preferences": decrypted,
        }


async def share(api: str, email: str, password: str) -> dict[str, Any]:
    async with NormogenClient(api) as client:
        await client.register(email, password)
        health = HealthRecords(client)
        profile = await health.create_profile("child", {"name": "Ada"})
        record = await health.create_record(
            profile, "medication", MEDICATION, occurred_at=datetime(2026, 3, 1, 8, 15, tzinfo=UTC)
        )
        links = Links(client)
        lifetime = timedelta(hours=1)
        locked = await links.share_records(
            profile, [record], expires_in=lifetime, password=password
        )
        plain = await links.share_records(profile, [record], expires_in=lifetime)
        return {"with_password": locked.url, "without_password": plain.url, "data": MEDICATION}


NO_PASSWORD = "-"  # noqa: S105  # the argument for "no link password", not a secret


async def open_(api: str, url: str, password: str) -> Any:
    return await open_link(url, None if password == NO_PASSWORD else password, api_base=api)


COMMANDS = {"write": write, "read": read, "share": share, "open": open_}


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] not in COMMANDS:
        sys.stderr.write(__doc__ or "")
        return 2
    command, api, subject, password = argv
    result = asyncio.run(COMMANDS[command](api, subject, password))
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
