"""The database never holds a password, auth key, key or token in usable form; real KDF cost."""

from __future__ import annotations

from typing import Any

import httpx
from pymongo import AsyncMongoClient

from normogen_client.api import NormogenClient
from normogen_client.crypto import MIN_ITERATIONS, KdfParams, login_auth_key, recovery_keys
from tests.accounts import TEST_KDF_ITERATIONS, auth_settings, new_email
from tests.e2e.scan import dump_database, secret_forms
from tests.support import running_server, test_settings

PASSWORD = "zero knowledge passphrase"
NEW_PASSWORD = "another zero knowledge passphrase"


async def test_the_database_holds_no_usable_secret(
    mongodb_uri: str, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    settings = auth_settings(mongodb_uri)
    secrets: dict[str, bytes] = {}
    email = new_email()
    with running_server(settings) as server:
        fast = TEST_KDF_ITERATIONS
        async with NormogenClient(server.url, iterations=fast, min_iterations=fast) as client:
            await client.register(email, PASSWORD, device_name="laptop")
            assert client.tokens is not None
            assert client.keys is not None
            secrets["first refresh token"] = client.tokens.refresh_token.encode()
            secrets["first access token"] = client.tokens.access_token.encode()
            kdf = await client.prelogin(email)
            secrets["auth key"], secrets["wrap key"] = login_auth_key(PASSWORD, kdf)
            secrets["user key"] = client.keys.user_key
            secrets["private key"] = client.keys.private_key
            await client.refresh()
            secrets["rotated refresh token"] = client.tokens.refresh_token.encode()
            phrase = await client.setup_recovery(PASSWORD)
            secrets["recovery phrase"] = phrase.encode()
            async with httpx.AsyncClient(base_url=server.url) as http:
                recovery_kdf = await http.post(
                    "/api/v1/auth/recovery/prelogin", json={"email": email}
                )
            rkdf = KdfParams.from_json(recovery_kdf.json()["kdf"], min_iterations=1)
            secrets["recovery auth key"], secrets["recovery wrap key"] = recovery_keys(phrase, rkdf)
            await client.change_password(PASSWORD, NEW_PASSWORD)
            new_kdf = await client.prelogin(email)
            secrets["new auth key"], secrets["new wrap key"] = login_auth_key(NEW_PASSWORD, new_kdf)
            secrets["new refresh token"] = client.tokens.refresh_token.encode()
            secrets["password"] = PASSWORD.encode()
            secrets["new password"] = NEW_PASSWORD.encode()
            dump = await dump_database(mongo, settings.MONGODB_DATABASE)
    assert email.encode() in dump  # the dump really holds the account
    for name, secret in secrets.items():
        for form in secret_forms(secret):
            assert form not in dump, f"the database holds the {name}"
    user = await mongo[settings.MONGODB_DATABASE]["users"].find_one({"email": email})
    assert user is not None
    assert user["auth_hash"].startswith("$argon2id$")
    assert user["recovery"]["auth_hash"].startswith("$argon2id$")


async def test_enumeration_resistance_with_the_real_kdf_cost(mongodb_uri: str) -> None:
    # Production settings: the OWASP minimum of 600,000 PBKDF2 iterations is enforced.
    settings = test_settings(mongodb_uri)
    assert settings.KDF_MIN_ITERATIONS == MIN_ITERATIONS == 600_000
    email = new_email()
    with running_server(settings) as server:
        async with NormogenClient(server.url) as client:
            await client.register(email, PASSWORD)
            async with httpx.AsyncClient(base_url=server.url) as http:
                weak = await http.post(
                    "/api/v1/auth/register",
                    json={"email": new_email(), "kdf": {"iterations": 1000}},
                )
                assert weak.status_code == 422
                known = await http.post("/api/v1/auth/prelogin", json={"email": email})
                unknown = await http.post("/api/v1/auth/prelogin", json={"email": new_email()})
            known_kdf, unknown_kdf = known.json()["kdf"], unknown.json()["kdf"]
            # Same status, same fields, same algorithm and cost, same salt size.
            assert known.status_code == unknown.status_code == 200
            assert {k: v for k, v in known_kdf.items() if k != "salt"} == {
                k: v for k, v in unknown_kdf.items() if k != "salt"
            }
            assert len(known_kdf["salt"]) == len(unknown_kdf["salt"])
            # A second device logs in with the real cost and unlocks the same user key.
            other = NormogenClient(server.url)
            await other.login(email, PASSWORD)
            assert other.keys is not None
            assert client.keys is not None
            assert other.keys.user_key == client.keys.user_key
            await other.aclose()
