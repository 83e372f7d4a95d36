"""GET /records/{id} is served by a direct route (normogen.direct_routes) for well-formed ids:
it must answer, count and document exactly as the FastAPI route it stands in front of."""

from __future__ import annotations

import httpx

from tests.accounts import RegisteredUser
from tests.records_support import RECORDS, create_profile, create_record

TEMPLATE = "/api/v1/records/{record_id}"


async def test_malformed_ids_reach_the_validating_route(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    response = await auth_http.get(f"{RECORDS}/not-a-uuid", headers=user.headers)
    assert response.status_code == 422, response.text
    assert "record_id" in response.json()["error"]["message"]


async def test_an_uppercase_id_reads_the_same_record(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    record = await create_record(auth_http, user, profile["id"])
    lower = await auth_http.get(f"{RECORDS}/{record['id']}", headers=user.headers)
    upper = await auth_http.get(f"{RECORDS}/{record['id'].upper()}", headers=user.headers)
    assert lower.status_code == upper.status_code == 200
    assert lower.json() == upper.json() == record
    assert lower.headers["etag"] == upper.headers["etag"] == '"1"'


async def test_reads_are_counted_under_the_route_template(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    record = await create_record(auth_http, user, profile["id"])
    for _ in range(2):
        read = await auth_http.get(f"{RECORDS}/{record['id']}", headers=user.headers)
        assert read.status_code == 200
    text = (await auth_http.get("/metrics")).text
    assert f'method="GET",route="{TEMPLATE}",status="200"' in text
    assert record["id"] not in text
    assert ":uuid" not in text


async def test_the_read_is_documented(auth_http: httpx.AsyncClient) -> None:
    schema = (await auth_http.get("/openapi.json")).json()
    operation = schema["paths"][TEMPLATE]["get"]
    assert operation["operationId"].startswith("get_record")
    assert [p["name"] for p in operation["parameters"]] == ["record_id"]
    assert "RecordRead" in str(operation["responses"]["200"])


async def test_methods_match_the_documented_route(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    record = await create_record(auth_http, user, profile["id"])
    for record_id in (record["id"], record["id"].upper()):
        head = await auth_http.head(f"{RECORDS}/{record_id}", headers=user.headers)
        assert head.status_code == 405
        # Every method of the path, as documented (not only the direct route's GET).
        assert head.headers["allow"] == "DELETE, GET, PUT"
