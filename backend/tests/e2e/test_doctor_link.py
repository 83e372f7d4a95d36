"""End to end with the real crypto: a parent shows a doctor one lab result through a link.

The link is password protected and may be opened once: the doctor opens it from its URL with
the password, a second attempt is the uniform 404. The database never holds the link secret,
its content or password keys, the family key (before or after a rotation), any profile key or
identity key in usable form, nor the password or its verifier. A copy of the database plus the
URL still cannot decrypt the link without its password.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from normogen_client.api import NormogenClient
from normogen_client.crypto import (
    CryptoError,
    DecryptionError,
    Envelope,
    decrypt_json,
    link_keys,
)
from normogen_client.crypto.contexts import link_payload_aad
from normogen_client.crypto.linkkeys import password_key
from normogen_client.families import Families
from normogen_client.health import HealthRecords
from normogen_client.links import Links, PasswordRequired, open_link, parse_link_url
from normogen_client.models import ApiError
from tests.accounts import new_email
from tests.e2e.conftest import ClientFactory
from tests.e2e.scan import dump_database, secret_forms
from tests.support import ThreadedServer

PASSWORD = "parent passphrase, long enough"
LINK_PASSWORD = "blue giraffe 42"
TAKEN = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
RESULT = {"test": "HbA1c", "value": 5.4, "unit": "%"}


async def test_a_doctor_opens_a_password_link_once(
    new_client: ClientFactory,
    auth_server: ThreadedServer,
    mongo: AsyncMongoClient[dict[str, Any]],
) -> None:
    parent: NormogenClient = new_client()
    await parent.register(new_email(), PASSWORD)
    health = HealthRecords(parent)
    families = Families(parent, health)
    family = await families.create("The Curies")
    child = await families.create_profile(family, "child", {"name": "Irène"})
    lab = await health.create_record(child, "lab_result", RESULT, occurred_at=TAKEN, tags=["lab"])
    private = await health.create_record(
        child, "note", {"text": "not for the doctor"}, occurred_at=TAKEN
    )

    links = Links(parent)
    shared = await links.share_records(
        child, [lab], expires_in=timedelta(days=7), max_access_count=1, password=LINK_PASSWORD
    )
    assert shared.url.startswith(f"{auth_server.url}/s/{shared.id}#")
    link_key = parse_link_url(shared.url)[2]

    # A database thief with the URL but not the password: the stored payload does not open
    # under the key the URL alone gives (the password is part of the key).
    stored = await mongo[auth_server.settings.MONGODB_DATABASE]["share_links"].find_one(
        {"_id": shared.id}
    )
    assert stored is not None
    payload = Envelope.from_json(stored["payload"])
    url_only, _ = link_keys(link_key, None)
    with pytest.raises(DecryptionError):
        decrypt_json(url_only, payload, link_payload_aad(shared.id))
    content_key, verifier = link_keys(link_key, LINK_PASSWORD)
    assert verifier is not None
    assert decrypt_json(content_key, payload, link_payload_aad(shared.id))["records"]

    # Wrong or missing passwords: the same 404, and they do not use up the one access. The URL
    # says a password is needed (docs/crypto.md §8), so the client asks for one before any
    # request; the URL without that flag (or with it flipped) goes to the server and is refused.
    with pytest.raises(PasswordRequired):
        await open_link(shared.url)
    base, fragment = shared.url.split("#", 1)
    assert fragment.startswith("1p.")
    for url, attempt in (
        (f"{base}#{fragment[3:]}", None),
        (f"{base}#1n.{fragment[3:]}", None),
        (shared.url, "wrong password"),
    ):
        with pytest.raises(ApiError) as refused:
            await open_link(url, attempt)
        assert (refused.value.status, refused.value.code) == (404, "not_found")

    content = await open_link(shared.url, LINK_PASSWORD)  # the doctor, without an account
    assert content["profile"]["metadata"] == {"name": "Irène"}
    assert [r["data"] for r in content["records"]] == [RESULT]
    assert content["records"][0]["occurred_at"] == "2026-03-02T08:15:00.000Z"
    with pytest.raises(ApiError) as second:
        await open_link(shared.url, LINK_PASSWORD)
    assert (second.value.status, second.value.code) == (404, "not_found")

    info = await links.get(shared.id)
    assert (info.status, info.access_count, info.has_password) == ("exhausted", 1, True)
    assert [a["ip"] for a in info.accesses] == ["127.0.0.0/24"]
    assert info.accesses[0]["agent"] == "python-httpx"

    # A revoked link behaves like a missing one.
    again = await links.create({"note": "x"}, expires_in=timedelta(hours=1), label="for Dr Who")
    assert (await links.get(again.id)).label == "for Dr Who"
    await links.revoke(again.id)
    with pytest.raises(ApiError) as revoked:
        await open_link(again.url)
    assert revoked.value.status == 404

    # The owner rotates the family key (as removing a member does): the new keys are not
    # stored either.
    old_family_key = family.key or b""
    rotated = await families.rotate(family)
    [rotated_child] = [p for p in await health.profiles() if p.id == child.id]
    assert rotated.key_epoch == 2
    assert rotated_child.key_epoch == 2
    assert rotated.key != old_family_key
    assert rotated_child.keys[1] == child.key  # the old key travels in the key history

    # The database holds no usable key, password or plaintext.
    assert parent.keys is not None
    secrets = {
        "link key": link_key,
        "second link key": parse_link_url(again.url)[2],
        "family key": old_family_key,
        "rotated family key": rotated.key or b"",
        "profile key": child.key,
        "rotated profile key": rotated_child.key,
        "user key": parent.keys.user_key,
        "private key": parent.keys.private_key,
        "identity key seed": parent.keys.identity_seed,
        "link content key": content_key,
        "link password key": password_key(link_key, LINK_PASSWORD),
        "link password": LINK_PASSWORD.encode(),
        "link password verifier": verifier,
        "family name": b"The Curies",
        "child's name": "Irène".encode(),
        "lab test name": b"HbA1c",
        "private note": b"not for the doctor",
    }
    dump = await dump_database(mongo, auth_server.settings.MONGODB_DATABASE)
    assert shared.id.encode() in dump  # it is the right dump
    assert private.id.encode() in dump
    for name, secret in secrets.items():
        assert secret
        for form in secret_forms(secret):
            assert form not in dump, f"the database holds the {name}"


async def test_a_link_url_without_its_key_is_useless(new_client: ClientFactory) -> None:
    parent = new_client()
    await parent.register(new_email(), PASSWORD)
    shared = await Links(parent).create({"value": 1}, expires_in=timedelta(minutes=30))
    base, _ = shared.url.split("#", 1)
    async with httpx.AsyncClient(base_url=parent.base_url) as http:
        raw = await http.post(f"/api/v1/public/links/{shared.id}", json={})
    assert raw.status_code == 200
    assert "value" not in raw.text  # ciphertext only
    with pytest.raises(CryptoError, match="share-link URL"):
        await open_link(base)
    assert await open_link(shared.url) == {"value": 1}
