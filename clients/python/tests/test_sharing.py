"""Share-link keys and URLs, checked against the constructions of docs/crypto.md."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import unicodedata

import pytest

from normogen_client.crypto import CryptoError, key_to_fragment, link_keys, new_key
from normogen_client.links import (
    PasswordNotExpected,
    PasswordRequired,
    link_url,
    new_link_id,
    open_link,
    parse_link_url,
)


def _hkdf(ikm: bytes, info: bytes) -> bytes:
    """RFC 5869 with an empty salt (32 zero bytes) and one output block, from the stdlib."""
    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def test_link_keys_with_a_password_follow_the_contract() -> None:
    secret = new_key()
    password = "\uff22\uff4c\uff55\uff45 giraffe"  # full-width "Blue": NFKC makes it ASCII
    salt = _hkdf(secret, b"normogen/v2/link-password-salt")
    pw = hashlib.pbkdf2_hmac(
        "sha256", unicodedata.normalize("NFKC", password).encode(), salt, 1000, 32
    )
    content, verifier = link_keys(secret, password, 1000)
    assert content == _hkdf(secret + pw, b"normogen/v2/link-content-key")
    assert verifier == _hkdf(secret + pw, b"normogen/v2/link-verifier")
    assert content != verifier  # two primitives, two subkeys
    assert link_keys(secret, "Blue giraffe", 1000) == (content, verifier)
    # Salted per link: the same password gives other keys on another link.
    assert link_keys(new_key(), password, 1000)[0] != content
    with pytest.raises(CryptoError):
        link_keys(secret, "", 1000)


def test_link_keys_without_a_password_differ_from_the_password_ones() -> None:
    secret = new_key()
    content, verifier = link_keys(secret, None)
    assert verifier is None
    assert content == _hkdf(secret, b"normogen/v2/link-content-key")
    assert content != secret  # the URL secret itself never keys AES
    assert content != link_keys(secret, "pw", 1000)[0]


def test_link_ids_are_32_url_safe_characters() -> None:
    ids = {new_link_id() for _ in range(50)}
    assert len(ids) == 50
    for link_id in ids:
        assert len(link_id) == 32
        assert set(link_id) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )


def test_link_urls_round_trip() -> None:
    key = new_key()
    bare = key_to_fragment(key)
    for has_password, flag in ((True, "1p."), (False, "1n.")):
        url = link_url("https://normogen.example/app/", "A" * 32, key, has_password)
        assert url == f"https://normogen.example/app/s/{'A' * 32}#{flag}{bare}"
        assert parse_link_url(url) == ("https://normogen.example/app", "A" * 32, key, has_password)
    # a link made before the flag: the secret alone, password unknown
    old = f"https://normogen.example/s/{'B' * 32}#{bare}"
    assert parse_link_url(old) == ("https://normogen.example", "B" * 32, key, None)


def test_the_fragment_flag_is_checked_before_any_request() -> None:
    """No request is made (there is no server here): the flag alone decides these refusals."""
    key = new_key()
    with pytest.raises(PasswordRequired):
        asyncio.run(open_link(link_url("http://127.0.0.1:9", "A" * 32, key, True)))
    with pytest.raises(PasswordNotExpected):
        asyncio.run(
            open_link(link_url("http://127.0.0.1:9", "A" * 32, key, False), password="x" * 8)
        )


@pytest.mark.parametrize(
    "url",
    [
        "https://normogen.example/s/abc",  # no key
        "https://normogen.example/x/abc#" + key_to_fragment(bytes(32)),
        "https://normogen.example/s/#" + key_to_fragment(bytes(32)),
        "https://normogen.example/s/abc#not-a-key",
        "https://normogen.example/s/a/b#" + key_to_fragment(bytes(32)),
        "https://normogen.example/s/abc#2p." + key_to_fragment(bytes(32)),  # unknown version
        "https://normogen.example/s/abc#1x." + key_to_fragment(bytes(32)),  # unknown flag
        "https://normogen.example/s/abc#1p" + key_to_fragment(bytes(32)),  # no separator
        "https://normogen.example/s/abc#1p." + key_to_fragment(bytes(32))[:-1],  # short key
        "https://normogen.example/s/abc#1p." + key_to_fragment(bytes(32)) + "A",  # long key
        "https://normogen.example/s/abc#1n.1p." + key_to_fragment(bytes(32)),  # two flags
    ],
)
def test_malformed_link_urls_are_refused(url: str) -> None:
    with pytest.raises(CryptoError):
        parse_link_url(url)
