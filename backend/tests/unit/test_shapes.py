"""The documented request shapes are exactly what validation accepts (normogen/crypto/shapes.py,
normogen/schemas.py): each pattern is checked against an independent definition of the rule."""

from __future__ import annotations

import base64
import re
from importlib.metadata import files
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from normogen.accounts.schemas import TimeZone
from normogen.config import Settings
from normogen.crypto.shapes import (
    B64_PATTERN,
    SUPPORTED_ALGORITHMS,
    Algorithm,
    Envelope,
    KdfParams,
    b64_exact_pattern,
    b64_max_chars,
)
from normogen.profiles.schemas import ProfileUpdate
from normogen.schemas import EMAIL_PATTERN, UUID_PATTERN, Email, Uuid

B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def canonical_b64(text: str) -> bytes | None:
    """The rule in words: standard alphabet, padded, and re-encoding gives the same text."""
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return raw if base64.b64encode(raw).decode() == text else None


@settings(max_examples=400)
@given(
    st.text(alphabet=B64_ALPHABET, max_size=40)
    | st.binary(max_size=30).map(lambda raw: base64.b64encode(raw).decode())
)
def test_the_base64_pattern_is_canonical_base64(text: str) -> None:
    assert (re.fullmatch(B64_PATTERN, text) is not None) == (canonical_b64(text) is not None)


@pytest.mark.parametrize("size", [12, 16, 32])
@settings(max_examples=200)
@given(raw=st.binary(min_size=10, max_size=34), noise=st.text(alphabet=B64_ALPHABET, max_size=48))
def test_exact_patterns_accept_exactly_that_many_bytes(size: int, raw: bytes, noise: str) -> None:
    for text in (base64.b64encode(raw).decode(), noise):
        decoded = canonical_b64(text)
        expected = decoded is not None and len(decoded) == size
        assert (re.fullmatch(b64_exact_pattern(size), text) is not None) == expected, text


@pytest.mark.parametrize(("size", "chars", "largest"), [(12, 16, 12), (4096, 5460, 4095)])
def test_character_bounds_never_admit_more_bytes(size: int, chars: int, largest: int) -> None:
    assert b64_max_chars(size) == chars
    assert len(base64.b64encode(b"x" * largest)) == chars
    assert len(base64.b64encode(b"x" * (largest + 1))) > chars


def envelope(**overrides: Any) -> dict[str, Any]:
    body = {"v": 2, "alg": "aes-256-gcm", "iv": "A" * 16, "data": "", "authTag": "A" * 22 + "=="}
    return {**body, **overrides}


@pytest.mark.parametrize(
    "overrides",
    [
        {"iv": ""},
        {"iv": "A" * 12},
        {"iv": "A" * 15 + "="},
        {"authTag": "A" * 24},
        {"authTag": "A" * 21 + "B=="},  # stray bits before the padding
        {"data": "A"},
        {"data": "AB=="},  # not canonical
        {"alg": "aes-128-gcm"},
    ],
)
def test_envelopes_out_of_shape_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Envelope.model_validate(envelope(**overrides))


def test_a_well_formed_envelope_is_kept_as_sent() -> None:
    body = envelope(data=base64.b64encode(b"ciphertext").decode())
    assert Envelope.model_validate(body).to_doc() == body


def test_the_algorithm_literal_is_the_setting() -> None:
    assert get_args(Algorithm) == SUPPORTED_ALGORITHMS
    assert (
        get_args(Settings.model_fields["ENCRYPTION_ALGORITHM"].annotation) == SUPPORTED_ALGORITHMS
    )


@pytest.mark.parametrize(("value", "kept"), [(1000, 1000), (1000.0, 1000)])
def test_iterations_are_json_integers(value: object, kept: int) -> None:
    kdf = KdfParams.model_validate(
        {"algorithm": "pbkdf2-sha256", "iterations": value, "salt": "A" * 24}
    )
    assert kdf.iterations == kept


@pytest.mark.parametrize("value", ["1000", 1000.5, True, 0, 10_000_001])
def test_iterations_refuse_what_the_schema_refuses(value: object) -> None:
    with pytest.raises(ValidationError):
        KdfParams.model_validate(
            {"algorithm": "pbkdf2-sha256", "iterations": value, "salt": "A" * 24}
        )


EMAILS = TypeAdapter(Email)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("Ann@Example.ORG", "ann@example.org"), (" \tann@example.org\n", "ann@example.org")],
)
def test_emails_are_trimmed_and_lowercased(sent: str, stored: str) -> None:
    assert re.fullmatch(EMAIL_PATTERN, sent)
    assert EMAILS.validate_python(sent) == stored


@pytest.mark.parametrize(
    "sent",
    [
        "ann",
        "ann@example",
        "a b@example.org",
        "@example.org",
        "ann@.org",
        "a@b@c.org",
        "ann@example.org.",
        "x" * 65 + "@example.org",
        "ann\x00@example.org",
    ],
)
def test_what_the_email_pattern_refuses_validation_refuses(sent: str) -> None:
    assert re.fullmatch(EMAIL_PATTERN, sent) is None
    with pytest.raises(ValidationError):
        EMAILS.validate_python(sent)


UUIDS = TypeAdapter(Uuid)


@pytest.mark.parametrize(
    "sent",
    ["0f0e0d0c-0b0a-0908-0706-050403020100", "0F0E0D0C0B0A09080706050403020100"],
)
def test_uuids_are_stored_canonical(sent: str) -> None:
    assert re.fullmatch(UUID_PATTERN, sent)
    assert UUIDS.validate_python(sent) == "0f0e0d0c-0b0a-0908-0706-050403020100"


@pytest.mark.parametrize("sent", ["{0f0e0d0c-0b0a-0908-0706-050403020100}", "0f0e0d0c", "g" * 32])
def test_other_uuid_spellings_are_refused(sent: str) -> None:
    assert re.fullmatch(UUID_PATTERN, sent) is None
    with pytest.raises(ValidationError):
        UUIDS.validate_python(sent)


@pytest.mark.parametrize("body", [{}, {"profile_type": None}, {"profile_type": "x"}])
def test_partial_updates_name_a_real_change(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ProfileUpdate.model_validate(body)
    schema = ProfileUpdate.model_json_schema()
    assert schema["minProperties"] == 1
    assert all("null" not in str(field) for field in schema["properties"].values())


def test_the_time_zone_enum_is_the_pinned_tzdata_list_on_any_host() -> None:
    # The enum comes from the tzdata package (accounts/schemas.py), so the OpenAPI document and
    # the web client generated from it do not depend on the host's /usr/share/zoneinfo, whose
    # extra entries ("localtime", "posixrules", ...) are no time zones at all.
    adapter = TypeAdapter(TimeZone)
    enum = set(adapter.json_schema()["enum"])
    zone_files = {
        str(f).removeprefix("tzdata/zoneinfo/")
        for f in files("tzdata") or []
        if str(f).startswith("tzdata/zoneinfo/") and f.name[0].isupper() and "." not in f.name
    }
    assert {"Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC"} <= enum
    assert "localtime" not in enum
    assert "posixrules" not in enum
    # Every name is a zone file the package ships (the list and the data agree).
    assert enum - {"UTC"} <= zone_files
    assert adapter.validate_python("Asia/Kolkata") == "Asia/Kolkata"
    with pytest.raises(ValidationError):
        adapter.validate_python("localtime")
