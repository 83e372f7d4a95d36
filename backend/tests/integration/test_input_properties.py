"""Property: no date, time, cursor, token or limit a client sends can make the API answer 5xx.

Hypothesis generates values for every such input of the API (record listing `from`/`to`/
`cursor`/`limit`, `occurred_at` on create and replace, a link's `expires_at`, the changes
feed's `since`/`limit`, the security events' `cursor`/`limit`, refresh and access tokens)
and sends them over real HTTP to a real server. Each answer must be a success or a 4xx with the
JSON error body; a 422 names the offending field. Strategies mix well-formed values at the edges
of what a datetime or a BSON date holds (years 1 and 9999 with offsets that push them over),
tokens that decode to out-of-range numbers, and arbitrary text.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normogen_client.crypto import create_account, registration_payload
from tests.accounts import TEST_KDF_ITERATIONS, auth_settings, new_email
from tests.links_support import LINKS, link_body
from tests.records_support import PROFILES, RECORDS, profile_body, record_body
from tests.support import ThreadedServer, running_server

EXAMPLES = 120
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Api:
    """A client and a registered user's profile and record (its repr shows no token)."""

    def __init__(
        self, http: httpx.Client, headers: dict[str, str], profile_id: str, record_id: str
    ) -> None:
        self.http = http
        self.headers = headers
        self.profile_id = profile_id
        self.record_id = record_id

    def __repr__(self) -> str:
        return f"Api(profile_id={self.profile_id!r})"


@pytest.fixture(scope="module")
def api(mongodb_uri: str) -> Iterator[Api]:
    """A server and a registered user with a profile and a record."""
    with running_server(auth_settings(mongodb_uri)) as server:
        yield from _with_account(server)


def _with_account(server: ThreadedServer) -> Iterator[Api]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        secrets = create_account("property tests", TEST_KDF_ITERATIONS)
        body = {"email": new_email(), **registration_payload(secrets)}
        tokens = http.post("/api/v1/auth/register", json=body).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        profile = http.post(PROFILES, json=profile_body(), headers=headers).json()
        record = http.post(RECORDS, json=record_body(profile["id"]), headers=headers).json()
        yield Api(http, headers, profile["id"], record["id"])


# --- strategies ------------------------------------------------------------------------------

_offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
_edges = st.sampled_from(
    [
        "0001-01-01T00:00:00+01:00",
        "0001-01-01T00:00:00-01:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59-01:00",
        "9999-12-31T23:59:59.999999Z",
        "9999-12-31T23:59:59+23:59",
        "0001-01-01T00:00:00+23:59",
        "1970-01-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01",
        "2026-01-01T00:00:00",
        "10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z",
        "",
    ]
)


def _iso(value: datetime) -> str:
    return value.isoformat()


dates = st.one_of(
    _edges,
    st.datetimes().flatmap(lambda naive: _offsets.map(lambda tz: _iso(naive.replace(tzinfo=tz)))),
    st.datetimes().map(_iso),  # naive
    st.text(max_size=40),
)
# Around the limits of a BSON date in milliseconds (year 9999 is about 2.5e14) and of int64.
_huge = st.one_of(
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.integers(2**47, 2**51),
    st.sampled_from([2**62, 2**63]),
)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _json_b64(value: Any) -> str:
    return _b64(json.dumps(value).encode())


cursors = st.one_of(
    st.text(max_size=60),
    st.binary(max_size=60).map(_b64),
    # Record cursors: a sort key (14 hex digits of milliseconds, then an id).
    st.tuples(st.text("0123456789abcdef", min_size=1, max_size=16), st.uuids()).map(
        lambda t: _b64(f"{t[0]}|{t[1]}".encode())
    ),
    # Event cursors: {"t": an ISO time, "i": an id}.
    st.tuples(_edges, st.text(max_size=30)).map(lambda t: _json_b64({"t": t[0], "i": t[1]})),
    st.tuples(dates, st.one_of(st.text(max_size=30), _huge, st.none())).map(
        lambda t: _json_b64({"t": t[0], "i": t[1]})
    ),
    st.one_of(_huge, st.text(max_size=10), st.lists(st.integers(), max_size=3)).map(
        lambda t: _json_b64({"t": t, "i": "x"})
    ),
)


def _sync_tokens(profile_prefix: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=60),
        st.binary(max_size=60).map(_b64),
        # Well-formed but for the time: version 1, this profile, a small sequence number.
        st.tuples(st.integers(0, 5), _huge).map(lambda t: _json_b64([1, profile_prefix, *t])),
        st.tuples(
            st.integers(0, 3), st.sampled_from([profile_prefix, "xxxxxxxx"]), _huge, _huge
        ).map(lambda t: _json_b64([t[0], t[1], t[2], t[3]])),
        st.lists(st.one_of(_huge, st.text(max_size=8), st.none()), max_size=5).map(_json_b64),
    )


limits = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.integers(-5, 250).map(str),
    st.text(max_size=12),
    st.sampled_from(["1e3", "0x10", "1.5", " 5", "NaN", "-0", "+5"]),
)
tokens = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=64).map(_b64),
    st.sampled_from(["a.b.c", "Bearer", "eyJhbGciOiJub25lIn0.e30.", ""]),
)


# --- assertions ------------------------------------------------------------------------------


def _assert_client_error_at_most(response: httpx.Response, *fields: str) -> None:
    """Success, or a 4xx with the error body; never 5xx. A 422 names one of `fields`."""
    assert response.status_code < 500, response.text
    if response.status_code < 400:
        return
    error = response.json()["error"]
    assert error["code"]
    assert error["message"]
    if response.status_code == 422 and fields:
        # Named in the field paths of `details`, or in the message of a checked rule.
        named = [detail["field"] for detail in error.get("details", [])] + [error["message"]]
        assert any(field in name for name in named for field in fields), error


def _text_param(value: str) -> str:
    # httpx cannot send a NUL or lone surrogate in a URL; such bytes never reach a server.
    return value.encode("utf-8", "replace").decode().replace("\x00", "")


# --- properties ------------------------------------------------------------------------------


@PROPERTY
@given(
    occurred_from=st.one_of(st.none(), dates),
    occurred_to=st.one_of(st.none(), dates),
    cursor=st.one_of(st.none(), cursors),
    limit=st.one_of(st.none(), limits),
)
def test_record_listing_parameters_never_cause_5xx(
    api: Api,
    occurred_from: str | None,
    occurred_to: str | None,
    cursor: str | None,
    limit: str | None,
) -> None:
    http, ctx = api.http, api
    params = {"profile_id": ctx.profile_id}
    for name, value in (("from", occurred_from), ("to", occurred_to), ("cursor", cursor)):
        if value is not None:
            params[name] = _text_param(value)
    if limit is not None:
        params["limit"] = _text_param(limit)
    response = http.get(RECORDS, params=params, headers=ctx.headers)
    _assert_client_error_at_most(response, "from", "to", "cursor", "limit")


@PROPERTY
@given(occurred_at=dates, replace=st.booleans())
def test_record_occurred_at_never_causes_5xx(api: Api, occurred_at: str, replace: bool) -> None:
    http, ctx = api.http, api
    body = record_body(ctx.profile_id, occurred_at=occurred_at)
    if replace:
        url = f"{RECORDS}/{ctx.record_id}"
        current = http.get(url, headers=ctx.headers)
        assert current.status_code == 200
        headers = {**ctx.headers, "If-Match": current.headers["ETag"]}
        del body["profile_id"]
        response = http.put(url, json=body, headers=headers)
    else:
        body["id"] = str(uuid.uuid4())
        response = http.post(RECORDS, json=body, headers=ctx.headers)
    _assert_client_error_at_most(response, "occurred_at")


@PROPERTY
@given(expires_at=dates)
def test_link_expiry_never_causes_5xx(api: Api, expires_at: str) -> None:
    http, ctx = api.http, api
    response = http.post(LINKS, json=link_body(expires_at=expires_at), headers=ctx.headers)
    _assert_client_error_at_most(response, "expires_at")
    if response.status_code == 201:  # keep under the per-owner cap of open links
        http.delete(f"{LINKS}/{response.json()['id']}", headers=ctx.headers)


@PROPERTY
@given(data=st.data(), limit=st.one_of(st.none(), limits))
def test_sync_token_and_limit_never_cause_5xx(
    api: Api, data: st.DataObject, limit: str | None
) -> None:
    http, ctx = api.http, api
    since = data.draw(st.one_of(st.none(), _sync_tokens(ctx.profile_id[:8])))
    params = {}
    if since is not None:
        params["since"] = _text_param(since)
    if limit is not None:
        params["limit"] = _text_param(limit)
    url = f"{PROFILES}/{ctx.profile_id}/changes"
    response = http.get(url, params=params, headers=ctx.headers)
    _assert_client_error_at_most(response, "since", "limit")


@PROPERTY
@given(cursor=st.one_of(st.none(), cursors), limit=st.one_of(st.none(), limits))
def test_event_cursor_and_limit_never_cause_5xx(
    api: Api, cursor: str | None, limit: str | None
) -> None:
    http, ctx = api.http, api
    params = {}
    if cursor is not None:
        params["cursor"] = _text_param(cursor)
    if limit is not None:
        params["limit"] = _text_param(limit)
    response = http.get("/api/v1/users/me/events", params=params, headers=ctx.headers)
    _assert_client_error_at_most(response, "cursor", "limit")


@PROPERTY
@given(token=tokens)
def test_tokens_never_cause_5xx(api: Api, token: str) -> None:
    http = api.http
    refreshed = http.post("/api/v1/auth/refresh", json={"refresh_token": token})
    _assert_client_error_at_most(refreshed, "refresh_token")
    # What an HTTP header can carry: visible ASCII.
    header = "".join(char for char in token if "!" <= char <= "~")
    bearer = {"Authorization": f"Bearer {header}".rstrip()}
    _assert_client_error_at_most(http.get("/api/v1/users/me", headers=bearer))


def test_the_reported_out_of_range_values_are_named_422s(
    api: Api,
) -> None:
    """The values from the report, each answered 422/400 naming the field (not 500)."""
    http, ctx = api.http, api
    for name, value in (("from", "0001-01-01T00:00:00+01:00"), ("to", "9999-12-31T23:59:59-01:00")):
        params = {"profile_id": ctx.profile_id, name: value}
        response = http.get(RECORDS, params=params, headers=ctx.headers)
        assert response.status_code == 422, response.text
        assert [d["field"] for d in response.json()["error"]["details"]] == [f"query.{name}"]
    for value in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        body = record_body(ctx.profile_id, occurred_at=value)
        created = http.post(RECORDS, json=body, headers=ctx.headers)
        assert created.status_code == 422, created.text
        assert created.json()["error"]["details"][0]["field"] == "body.occurred_at"
        link = http.post(LINKS, json=link_body(expires_at=value), headers=ctx.headers)
        assert link.status_code == 422, link.text
        assert link.json()["error"]["details"][0]["field"] == "body.expires_at"
    beyond = datetime(9999, 12, 31, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    millis = int(beyond.total_seconds() * 1000) + 2 * 86_400_000
    since = _json_b64([1, ctx.profile_id[:8], 0, millis])
    changes = http.get(
        f"{PROFILES}/{ctx.profile_id}/changes", params={"since": since}, headers=ctx.headers
    )
    assert changes.status_code == 400, changes.text
    assert changes.json()["error"]["code"] == "invalid_sync_token"
    cursor = _json_b64({"t": "0001-01-01T00:00:00+01:00", "i": "x"})
    events = http.get("/api/v1/users/me/events", params={"cursor": cursor}, headers=ctx.headers)
    assert events.status_code == 400, events.text
    assert events.json()["error"]["code"] == "invalid_cursor"
