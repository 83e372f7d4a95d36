"""Idle database connections: dropped ones cost no request, and the pool retires them first.

The embedded engine closes a client connection after 300 s of silence, and so do many proxies,
NATs and firewalls (often without telling either side). A proxy between the API and the
database plays that part here, on demand (`drop_idle`) or after its own idle limit.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pymongo.uri_parser import parse_uri

from normogen.db.client import create_client
from tests.accounts import auth_settings, register_user
from tests.support import running_server, wait_until
from tests.tcp_proxy import IdleDroppingProxy, idle_dropping_proxy

PRELOGIN = "/api/v1/auth/prelogin"
ROUNDS = 10
URI_OPTIONS = "directConnection=true&retryWrites=false"


@pytest.fixture
def database_address(mongodb_uri: str) -> tuple[str, int]:
    host, port = parse_uri(mongodb_uri)["nodelist"][0]
    return str(host), int(port)


@pytest.fixture
def proxy(database_address: tuple[str, int]) -> Iterator[IdleDroppingProxy]:
    with idle_dropping_proxy(database_address) as running:
        yield running


async def test_a_connection_dropped_while_idle_costs_no_request(proxy: IdleDroppingProxy) -> None:
    settings = auth_settings(proxy.uri(URI_OPTIONS))
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            user = await register_user(http)
            for round_no in range(ROUNDS):
                assert proxy.drop_idle() > 0  # everything the API holds is dead now
                # First the strict limiter's write, then the user lookup: the report's route.
                response = await http.post(PRELOGIN, json={"email": user.email})
                assert response.status_code == 200, (round_no, response.text)
                assert proxy.drop_idle() > 0
                me = await http.get("/api/v1/users/me", headers=user.headers)
                assert me.status_code == 200, (round_no, me.text)


async def test_pooled_connections_retire_before_the_network_drops_them(
    database_address: tuple[str, int],
) -> None:
    # The network drops connections idle for 5 s; the pool retires its own after 1 s.
    with idle_dropping_proxy(database_address, idle_seconds=5) as proxy:
        settings = auth_settings(
            proxy.uri(URI_OPTIONS), MONGODB_MAX_IDLE_TIME_MS=1000, MONGODB_HEARTBEAT_MS=500
        )
        with running_server(settings) as server:
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
                user = await register_user(http)
                assert (await http.post(PRELOGIN, json={"email": user.email})).status_code == 200
                gauge = server.runtime.metrics.pool_open

                def pool_empty() -> bool:
                    return bool(gauge._value.get() == 0)

                wait_until(pool_empty, 30, "idle pooled connections were never retired")
                # The pool closed them itself: the network never had to.
                assert proxy.dropped == 0
                response = await http.post(PRELOGIN, json={"email": user.email})
                assert response.status_code == 200, response.text


def test_the_idle_limit_reaches_the_driver(mongodb_uri: str) -> None:
    settings = auth_settings(mongodb_uri, MONGODB_MAX_IDLE_TIME_MS=123_000)
    client = create_client(settings)
    assert client.options.pool_options.max_idle_time_seconds == 123
    default = create_client(auth_settings(mongodb_uri)).options.pool_options
    # Below the 300 s after which the embedded engine closes an idle connection.
    assert default.max_idle_time_seconds is not None
    assert default.max_idle_time_seconds < 300
