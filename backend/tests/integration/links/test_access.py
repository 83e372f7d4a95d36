"""Every id-addressed link route: another user gets the same 404 as for a missing id."""

from __future__ import annotations

import httpx

from tests.accounts import RegisteredUser
from tests.links_support import LINKS, create_link, open_link


async def test_other_users_cannot_read_or_revoke_a_link(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    link = await create_link(auth_http, user, max_access_count=10)
    for method in ("GET", "DELETE"):
        theirs = await auth_http.request(
            method, f"{LINKS}/{link['id']}", headers=other_user.headers
        )
        missing = await auth_http.request(method, f"{LINKS}/{'Z' * 32}", headers=other_user.headers)
        malformed = await auth_http.request(method, f"{LINKS}/x", headers=other_user.headers)
        for response in (theirs, missing, malformed):
            assert response.status_code == 404, (method, response.text)
            assert response.json()["error"] == {
                **theirs.json()["error"],
                "request_id": response.json()["error"]["request_id"],
            }
    assert (await auth_http.get(LINKS, headers=other_user.headers)).json() == {"links": []}
    # Untouched: still open, and the owner sees it active.
    assert (await open_link(auth_http, link["id"])).status_code == 200
    detail = (await auth_http.get(f"{LINKS}/{link['id']}", headers=user.headers)).json()
    assert detail["status"] == "active"
    assert detail["access_count"] == 1


async def test_owner_routes_need_authentication(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    link = await create_link(auth_http, user)
    for method, url in [
        ("GET", LINKS),
        ("POST", LINKS),
        ("GET", f"{LINKS}/{link['id']}"),
        ("DELETE", f"{LINKS}/{link['id']}"),
    ]:
        response = await auth_http.request(method, url)
        assert response.status_code == 401, (method, url)
    assert (await open_link(auth_http, link["id"])).status_code == 200
