"""A database outage is a 503 on authenticated routes, never a 401 that would log clients out."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from normogen.db.embedded import EmbeddedMongo
from normogen_client.crypto import b64e, create_account, registration_payload
from tests.accounts import TEST_KDF_ITERATIONS, new_email
from tests.support import TEST_JWT_SECRET, ServerProcess, unique_db_name, wait_until


def test_auth_routes_answer_503_while_the_database_is_down(
    engine: EmbeddedMongo, tmp_path: Path
) -> None:
    env = {
        "NORMOGEN_ENV": "development",
        "KDF_MIN_ITERATIONS": str(TEST_KDF_ITERATIONS),
        "MONGODB_URI": engine.uri,
        "MONGODB_DATABASE": unique_db_name(),
        "JWT_SECRET": TEST_JWT_SECRET,
        "SHUTDOWN_DRAIN_SECONDS": "0",
    }
    api = ServerProcess(env, tmp_path / "api.log").start()
    try:
        with httpx.Client(base_url=api.url, timeout=15) as http:
            secrets = create_account("outage passphrase", TEST_KDF_ITERATIONS)
            email = new_email()
            registered = http.post(
                "/api/v1/auth/register", json={"email": email, **registration_payload(secrets)}
            )
            assert registered.status_code == 201
            bearer = {"Authorization": f"Bearer {registered.json()['access_token']}"}
            engine.stop()
            wait_until(lambda: http.get("/ready").status_code == 503, 10, "still ready")
            calls = [
                http.get("/api/v1/users/me", headers=bearer),
                http.get(f"/api/v1/records/{uuid.uuid4()}", headers=bearer),  # a direct route
                http.post(
                    "/api/v1/auth/login",
                    json={"email": email, "auth_key": b64e(secrets.auth_key)},
                ),
                http.post(
                    "/api/v1/auth/refresh",
                    json={"refresh_token": registered.json()["refresh_token"]},
                ),
            ]
            for response in calls:
                assert response.status_code == 503, response.text
                assert response.json()["error"]["code"] == "database_unavailable"
    finally:
        api.stop()
