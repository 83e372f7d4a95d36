"""Password-protected links: the verifier's hash is stored, guesses are limited per IP and link."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from tests.accounts import auth_settings, register_user
from tests.links_support import LINKS, create_link, open_link, verifier
from tests.support import ThreadedServer, running_server

ATTEMPTS = 3


@pytest.fixture
async def proxied(mongodb_uri: str) -> AsyncIterator[tuple[ThreadedServer, httpx.AsyncClient]]:
    """A server that believes X-Forwarded-For from loopback, so tests can vary the client IP."""
    settings = auth_settings(
        mongodb_uri, TRUSTED_PROXIES="127.0.0.1/32", LINK_PASSWORD_ATTEMPTS=ATTEMPTS
    )
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            yield server, http


def from_ip(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


async def test_only_an_argon2id_hash_of_the_verifier_is_stored(
    proxied: tuple[ThreadedServer, httpx.AsyncClient], mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    server, http = proxied
    owner = await register_user(http)
    secret = verifier()
    link = await create_link(http, owner, password_verifier=secret)
    assert link["has_password"] is True
    stored = await mongo[server.settings.MONGODB_DATABASE]["share_links"].find_one(
        {"_id": link["id"]}
    )
    assert stored is not None
    assert stored["password_hash"].startswith("$argon2id$")
    raw = base64.b64decode(secret)
    dump = repr(stored).encode()
    for form in (secret.encode(), raw, raw.hex().encode(), base64.urlsafe_b64encode(raw)):
        assert form not in dump


async def test_correct_passwords_do_not_use_up_attempts(
    proxied: tuple[ThreadedServer, httpx.AsyncClient],
) -> None:
    _, http = proxied
    owner = await register_user(http)
    secret = verifier()
    link = await create_link(http, owner, password_verifier=secret)
    for _ in range(ATTEMPTS - 1):
        assert (await open_link(http, link["id"], verifier())).status_code == 404
    for _ in range(ATTEMPTS + 2):
        assert (await open_link(http, link["id"], secret)).status_code == 200
    assert (await open_link(http, link["id"], verifier())).status_code == 404  # the last one
    limited = await open_link(http, link["id"], secret)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1


async def test_guesses_are_limited_per_link_across_addresses(
    proxied: tuple[ThreadedServer, httpx.AsyncClient],
) -> None:
    _, http = proxied
    owner = await register_user(http)
    secret = verifier()
    link = await create_link(http, owner, password_verifier=secret)
    other = await create_link(http, owner, password_verifier=secret)
    for n in range(ATTEMPTS):
        wrong = await open_link(http, link["id"], verifier(), from_ip(f"198.51.100.{n}"))
        assert wrong.status_code == 404
    fresh_ip = await open_link(http, link["id"], secret, from_ip("203.0.113.9"))
    assert fresh_ip.status_code == 429
    # Another link, or the same address on it, is unaffected by this link's guesses.
    assert (await open_link(http, other["id"], secret, from_ip("198.51.100.0"))).status_code == 200
    # A link without a password never counts attempts.
    open_one = await create_link(http, owner)
    assert (await open_link(http, open_one["id"], verifier())).status_code == 200


async def test_guesses_are_limited_per_address_across_links(
    proxied: tuple[ThreadedServer, httpx.AsyncClient],
) -> None:
    _, http = proxied
    owner = await register_user(http)
    secret = verifier()
    links = [await create_link(http, owner, password_verifier=secret) for _ in range(ATTEMPTS + 1)]
    guesser = from_ip("192.0.2.77")
    for link in links[:ATTEMPTS]:
        assert (await open_link(http, link["id"], verifier(), guesser)).status_code == 404
    assert (await open_link(http, links[-1]["id"], secret, guesser)).status_code == 429
    # Guesses for links that do not exist count too (no probing for free).
    assert (await open_link(http, "C" * 32, verifier(), guesser)).status_code == 429
    # Someone else opens the untouched link with the password.
    assert (
        await open_link(http, links[-1]["id"], secret, from_ip("192.0.2.78"))
    ).status_code == 200
    detail = (await http.get(f"{LINKS}/{links[-1]['id']}", headers=owner.headers)).json()
    assert detail["accesses"][0]["ip"] == "192.0.2.0/24"
