"""Direct routes: the busiest endpoints served by Starlette alone, documented by FastAPI.

Reading a record is what syncing devices do most. Under `python -m bench records`, FastAPI's
per-request machinery for that route (dependency solving, two exit stacks, the included-router
context) cost about 190 µs of the 1.1 ms of CPU a read took; a plain Starlette route skips it.

A direct route is a Starlette `Route` placed ahead of FastAPI's routes with the same path. Its
typed path convertor (`{record_id:uuid}`) matches only well-formed requests, and it calls the
same endpoint function FastAPI documents, with the request and the converted path parameters.
A request it does not match (a malformed id) reaches the FastAPI route, which validates it as
usual (422); that route is also the operation's OpenAPI description. Middleware and exception
handlers are the same for both. An endpoint served this way takes `request: Request` and calls
what would have been its dependencies itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

Endpoint = Callable[..., Awaitable[Response]]


class DirectRoute(Route):
    """A Starlette route that behaves like the FastAPI route behind it: exactly its methods
    (Starlette would add HEAD to GET), and it names itself in the scope when it matches (the
    edge middleware labels metrics and access logs with its path template)."""

    def __init__(
        self,
        path: str,
        endpoint: Callable[[Request], Awaitable[Response]],
        *,
        methods: set[str],
        name: str,
    ) -> None:
        super().__init__(path, endpoint, methods=list(methods), name=name)
        self.methods = methods

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is not Match.NONE:
            child_scope["route"] = self
        return match, child_scope


def direct_get(path: str, endpoint: Endpoint) -> Route:
    """A GET route calling `endpoint(request=..., **path params)` for `path`."""

    async def handle(request: Request) -> Response:
        return await endpoint(request=request, **request.path_params)

    return DirectRoute(path, handle, methods={"GET"}, name=f"{endpoint.__name__}_direct")


def install(app: FastAPI, routes: Sequence[Route]) -> None:
    """Put `routes` ahead of every FastAPI route (the router tries routes in order)."""
    app.router.routes[:0] = routes
