"""Schemathesis hooks for tests/contract/test_schemathesis.py (loaded via SCHEMATHESIS_HOOKS).

Authentication: every request carries the access token of an account this hook registered
over HTTP with the reference client's crypto. Fuzzed requests may end that session (`logout`,
`logout-all`, a stateful `DELETE /auth/sessions/{id}`) or lock the account out (wrong auth
keys on re-authenticating routes count as failed logins); the next request then gets 401, and
schemathesis asks this hook again and replays it (its reactive re-authentication): the hook
registers a new account, so a locked-out one does not end the run.

State- and time-relative rules: JSON Schema cannot say "in the future", "issued for this
profile" or "the current revision", so a schema-valid request may be refused for them (422 for
a link expiry in the past, 410 for a sync token of another profile, 412 for a stale
If-Match). For positive cases only, these hooks replace such values with ones that hold now,
so `positive_data_acceptance` stays meaningful for those operations; negative cases are sent
as generated.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import schemathesis
from schemathesis.core.parameters import ParameterLocation

from normogen_client.crypto import create_account, registration_payload

BASE_URL = os.environ["NORMOGEN_ST_URL"]
PASSWORD = "schemathesis password"  # a throwaway account on a test server
KDF_ITERATIONS = 1000  # the test server's development minimum


def register() -> str:
    """The access token of a newly registered account."""
    secrets = create_account(PASSWORD, KDF_ITERATIONS)
    body = {"email": f"st-{uuid.uuid4().hex}@example.org", **registration_payload(secrets)}
    response = httpx.post(f"{BASE_URL}/api/v1/auth/register", json=body, timeout=30)
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


@schemathesis.auth(refresh_interval=3600, retry_on=[401])
class NormogenAuth:
    def get(self, case: Any, ctx: Any) -> str:
        return register()

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def _positive(case: Any, location: ParameterLocation) -> bool:
    meta = case.meta
    return meta is not None and not meta.is_negative_at(location)


def _expire_tomorrow(case: Any) -> None:
    if isinstance(case.body, dict) and isinstance(case.body.get("expires_at"), str):
        case.body["expires_at"] = (datetime.now(UTC) + timedelta(days=1)).isoformat()


def _since_for_this_profile(case: Any) -> None:
    since = (case.query or {}).get("since")
    if isinstance(since, str) and since.count(".") in (2, 3):
        # Without the epoch part: a token from before any restore, valid on this server.
        seq, millis, *_ = since.split(".")
        at = 0 if int(millis) == 0 else int(datetime.now(UTC).timestamp() * 1000)
        profile_id = str((case.path_parameters or {}).get("profile_id", ""))
        case.query["since"] = f"{seq}.{at}.{profile_id[:8]}"


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Make positive cases hold now (see the module docstring); negative ones go as they are."""
    operation = (case.method.upper(), case.operation.path)
    if operation == ("POST", "/api/v1/links") and _positive(case, ParameterLocation.BODY):
        _expire_tomorrow(case)
    if operation == ("GET", "/api/v1/profiles/{profile_id}/changes") and _positive(
        case, ParameterLocation.QUERY
    ):
        _since_for_this_profile(case)
    # A well-formed If-Match names some revision; the current one is the resource's ETag.
    headers = case.headers or {}
    if "If-Match" in headers and _positive(case, ParameterLocation.HEADER):
        _current_etag(case, headers)


def _current_etag(case: Any, headers: dict[str, Any]) -> None:
    auth = {"Authorization": headers["Authorization"]} if "Authorization" in headers else {}
    current = httpx.get(f"{BASE_URL}{case.formatted_path}", headers=auth, timeout=30)
    if current.status_code == 200 and "etag" in current.headers:
        headers["If-Match"] = current.headers["etag"]
