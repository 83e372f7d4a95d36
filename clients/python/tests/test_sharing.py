"""Share-link and family helpers, checked against the documented constructions."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

import pytest

from normogen_client.crypto import CryptoError, key_to_fragment, new_key
from normogen_client.families import key_fingerprint
from normogen_client.links import (
    INFO_LINK_PASSWORD,
    link_url,
    parse_link_url,
    password_verifier,
)


def _hkdf(ikm: bytes, info: bytes) -> bytes:
    """RFC 5869 with an empty salt (32 zero bytes) and one output block, from the stdlib."""
    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def test_password_verifier_is_the_documented_construction() -> None:
    key = new_key()
    password = "\uff22\uff4c\uff55\uff45 giraffe"  # full-width "Blue": NFKC makes it ASCII
    master = hashlib.pbkdf2_hmac(
        "sha256", unicodedata.normalize("NFKC", password).encode(), key, 1000, 32
    )
    assert password_verifier(password, key, 1000) == _hkdf(master, INFO_LINK_PASSWORD)
    assert password_verifier("Blue giraffe", key, 1000) == password_verifier(password, key, 1000)
    # Salted by the link key: the same password gives another verifier on another link.
    assert password_verifier(password, new_key(), 1000) != password_verifier(password, key, 1000)
    with pytest.raises(CryptoError):
        password_verifier("", key, 1000)


def test_link_urls_round_trip() -> None:
    key = new_key()
    url = link_url("https://normogen.example/app/", "A" * 32, key)
    assert url == f"https://normogen.example/app/s/{'A' * 32}#{key_to_fragment(key)}"
    assert parse_link_url(url) == ("https://normogen.example/app", "A" * 32, key)


@pytest.mark.parametrize(
    "url",
    [
        "https://normogen.example/s/abc",  # no key
        "https://normogen.example/x/abc#" + key_to_fragment(bytes(32)),
        "https://normogen.example/s/#" + key_to_fragment(bytes(32)),
        "https://normogen.example/s/abc#not-a-key",
        "https://normogen.example/s/a/b#" + key_to_fragment(bytes(32)),
    ],
)
def test_malformed_link_urls_are_refused(url: str) -> None:
    with pytest.raises(CryptoError):
        parse_link_url(url)


def test_fingerprints_are_stable_and_distinct() -> None:
    first = key_fingerprint(bytes(32))
    assert first == key_fingerprint(bytes(32))
    assert first != key_fingerprint(b"\x01" + bytes(31))
    assert len(first.replace(" ", "")) == 32
    expected = hashlib.sha256(b"normogen/v1/fingerprint|" + bytes(32)).hexdigest()[:32]
    assert first.replace(" ", "") == expected
