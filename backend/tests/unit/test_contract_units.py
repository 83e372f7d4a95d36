"""Pure pieces of the contract, without a database: the OpenAPI document's shared parts, page
cursors and sync tokens (every text of the documented pattern decodes), If-Match parsing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normogen.app import create_app
from normogen.conditional import IF_MATCH_PATTERN, parse_if_match
from normogen.events import service as events
from normogen.records import service as records
from normogen.records.sync import SINCE_PATTERN, SyncToken, SyncTokenExpired
from tests.support import test_settings

PROFILE = "0f0e0d0c-0b0a-0908-0706-050403020100"
PUBLIC = {
    ("post", "/api/v1/auth/prelogin"),
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/recovery/prelogin"),
    ("post", "/api/v1/auth/recovery/unlock"),
    ("post", "/api/v1/auth/recovery/complete"),
    ("get", "/api/v1/server"),
    ("post", "/api/v1/public/links/{link_id}"),
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    # Building the app opens no connection: that happens in its lifespan.
    app = create_app(test_settings("mongodb://127.0.0.1:1", KDF_MIN_ITERATIONS=700_000))
    return app.openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_documents_the_shared_answers(document: dict[str, Any]) -> None:
    found = operations(document)
    assert len(found) >= 40
    for method, path, operation in found:
        statuses = set(operation["responses"])
        assert {"429", "500", "503"} <= statuses, (method, path)
        secured = (method, path) not in PUBLIC
        assert secured == ("security" in operation), (method, path)
        if secured:
            assert "401" in statuses, (method, path)
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= statuses, (method, path)
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]["$ref"]
                expected = "ValidationErrorBody" if status == "422" else "ErrorBody"
                assert schema == f"#/components/schemas/{expected}", (method, path, status)


def test_bearer_scheme_and_no_framework_error_shape(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes == {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": schemes["bearer"]["description"],
        }
    }
    assert "HTTPValidationError" not in document["components"]["schemas"]
    error = document["components"]["schemas"]["ValidationErrorInfo"]
    assert set(error["required"]) == {"code", "message", "request_id", "details"}


def test_settings_bound_the_document(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["KdfParams"]["properties"]["iterations"]["minimum"] == 700_000
    record_data = schemas["RecordPayload"]["properties"]["data"]
    assert record_data["maxLength"] == 4 * (256 * 1024 // 3)  # MAX_RECORD_BYTES default
    link_data = schemas["LinkEnvelope"]["properties"]["data"]
    assert link_data["maxLength"] == 4 * (512 * 1024 // 3)  # LINK_MAX_BYTES default


def test_if_match_is_required_where_its_absence_is_428(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        for parameter in operation.get("parameters", ()):
            if parameter["name"] == "If-Match":
                assert parameter["required"] == ("428" in operation["responses"]), (method, path)


@given(seq=st.integers(0, 10**18 - 1), millis=st.integers(0, 10**14 - 1))
def test_every_since_of_the_pattern_decodes(seq: int, millis: int) -> None:
    text = f"{seq}.{millis}.{PROFILE[:8]}"
    assert re.fullmatch(SINCE_PATTERN, text)
    token = SyncToken.decode(text, PROFILE)
    assert token.seq == seq
    assert token.encode(PROFILE) == text


def test_a_since_of_another_profile_is_410() -> None:
    with pytest.raises(SyncTokenExpired):
        SyncToken.decode(f"1.0.{'a' * 8}", PROFILE)


def test_a_token_expires_after_the_retention_less_the_margin() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    retention = timedelta(days=90)
    assert not SyncToken(5, now - timedelta(days=88)).expired(now, retention)
    assert SyncToken(5, now - timedelta(days=90)).expired(now, retention)
    assert not SyncToken(0, None).expired(now, retention)


@given(
    millis=st.integers(0, 16**14 - 1),
    record_id=st.uuids().map(str),
)
def test_record_cursors_round_trip(millis: int, record_id: str) -> None:
    key = f"{millis:014x}|{record_id}"
    cursor = records.encode_cursor({"sort_key": key})
    assert re.fullmatch(records.CURSOR_PATTERN, cursor)
    assert records.decode_cursor(cursor) == key


@given(millis=st.integers(0, 10**14 - 1))
def test_event_cursors_round_trip(millis: int) -> None:
    created = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis)
    doc = {"created_at": created, "_id": "0" * 12 + "ab" * 10}
    cursor = events._encode_cursor(doc)
    assert re.fullmatch(events.CURSOR_PATTERN, cursor)
    assert events._decode_cursor(cursor) == (created, doc["_id"])


@pytest.mark.parametrize(
    ("header", "revisions", "any_"),
    [
        ("*", set(), True),
        (' "3" ', {3}, False),
        ('"3", W/"4", "x", "5"', {3, 5}, False),
    ],
)
def test_if_match_parsing(header: str, revisions: set[int], any_: bool) -> None:
    assert re.fullmatch(IF_MATCH_PATTERN, header)
    parsed = parse_if_match(header)
    assert parsed is not None
    assert parsed.any == any_
    assert parsed.revisions == revisions


@pytest.mark.parametrize("header", ["3", '"3" "4"', '"3",', "**", ", ".join(['"1"'] * 17)])
def test_if_match_out_of_syntax_does_not_match_the_pattern(header: str) -> None:
    assert re.fullmatch(IF_MATCH_PATTERN, header) is None
