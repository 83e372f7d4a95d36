"""The OpenAPI document as an exact contract: shared error responses, bearer security, and the
bounds this deployment's settings impose (docs/api.md describes what every route shares).

Routes declare their own error statuses (`errors.responses`); this module adds what every
route shares because middleware, a dependency or the framework answers it: 429, 500 and 503
on every /api operation, 401 and the bearer requirement on those that take `CurrentUser`, 400
(unreadable body) and 413 where there is a body, 422 where a body or parameters are validated.
tests/contract runs schemathesis against the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel

from normogen.auth.dependencies import BEARER_SCHEME as BEARER
from normogen.auth.dependencies import CurrentUser, current_user
from normogen.conditional import ONE_ETAG_PATTERN
from normogen.config import Settings
from normogen.crypto.shapes import b64_max_chars
from normogen.errors import ErrorBody, ValidationErrorBody

_REF = "#/components/schemas/{model}"
_METHODS = ("get", "put", "post", "delete", "patch")
_SHARED: dict[str, tuple[str, type[BaseModel], dict[str, Any]]] = {
    "400": ("The body cannot be read as text", ErrorBody, {}),
    "401": ("Missing, invalid or expired access token", ErrorBody, {"WWW-Authenticate": {}}),
    "413": ("Request body larger than MAX_REQUEST_BYTES", ErrorBody, {}),
    "422": ("Invalid input; `details` names each rejected field", ValidationErrorBody, {}),
    "429": ("Rate limited; retry after `Retry-After` seconds", ErrorBody, {"Retry-After": {}}),
    "500": ("Unexpected error; the body has the request id only", ErrorBody, {}),
    "503": ("The database is unavailable; retry shortly", ErrorBody, {"Retry-After": {}}),
}


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the completed document at the app's `openapi_url` (built once, on first use)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = complete(document, app.routes, settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def complete(document: dict[str, Any], routes: Iterable[Any], settings: Settings) -> dict[str, Any]:
    """Add the shared responses, security and settings-dependent bounds to `document`."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for model in (ErrorBody, ValidationErrorBody):
        found = model.model_json_schema(ref_template=_REF)
        schemas.update(found.pop("$defs", {}))
        schemas[model.__name__] = found
    # FastAPI's own 422 shape is not what the server answers (normogen/handlers.py).
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    components["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "The access token of POST /api/v1/auth/login, register or refresh",
        }
    }
    secured = {
        (route.path, method.lower())
        for route in iter_route_contexts(list(routes))
        if _needs_token(route.original_route)
        for method in route.methods or ()
    }
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is not None:
                _complete_operation(operation, (path, method) in secured or "security" in operation)
    _apply_settings(schemas, settings)
    _link_created_resources(document["paths"])
    return document


def _complete_operation(operation: dict[str, Any], needs_token: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    shared = ["429", "500", "503"]
    if needs_token:
        operation["security"] = [{BEARER: []}]
        shared.append("401")
    if "requestBody" in operation:
        shared += ["400", "413"]
    if "requestBody" in operation or operation.get("parameters"):
        shared.append("422")
    for status in shared:
        description, model, headers = _SHARED[status]
        response = responses.setdefault(status, {"description": description})
        response["content"] = {
            "application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}
        }
        if headers:
            response["headers"] = {
                name: {"schema": {"type": "string"}, **spec} for name, spec in headers.items()
            }
    for status, response in responses.items():
        if status == "422":  # a route's own 422 has the same body as the validator's
            response["content"] = {
                "application/json": {
                    "schema": {"$ref": _REF.format(model=ValidationErrorBody.__name__)}
                }
            }
    operation["responses"] = dict(sorted(responses.items()))
    if "428" in responses:  # a route that answers 428 needs If-Match naming one revision
        for parameter in operation.get("parameters", ()):
            if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
                parameter["required"] = True
                parameter["schema"] = {"type": "string", "pattern": ONE_ETAG_PATTERN}


# What a route depends on when it takes `CurrentUser` (whatever that alias wraps today).
_TOKEN_CHECKS = frozenset({current_user, get_args(CurrentUser)[1].dependency})


def _needs_token(route: Any) -> bool:
    return isinstance(route, APIRoute) and any(
        dependant.call in _TOKEN_CHECKS for dependant in _walk(route.dependant)
    )


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _walk(child)


def _apply_settings(schemas: dict[str, Any], settings: Settings) -> None:
    """Bounds the settings decide: the KDF minimum and the largest payloads."""
    _set(schemas, "KdfParams", "iterations", minimum=settings.KDF_MIN_ITERATIONS)
    _set(schemas, "RecordPayload", "data", maxLength=b64_max_chars(settings.MAX_RECORD_BYTES))
    _set(schemas, "LinkEnvelope", "data", maxLength=b64_max_chars(settings.LINK_MAX_BYTES))


def _set(schemas: dict[str, Any], name: str, field: str, **bounds: int) -> None:
    for key in (name, f"{name}-Input", f"{name}-Output"):
        schema = schemas.get(key)
        if schema is not None:
            schema["properties"][field].update(bounds)


def _link_created_resources(paths: dict[str, Any]) -> None:
    """OpenAPI links from each create (a 201 whose body has the new `id`) to the operations on
    that resource and below it (`POST /profiles` → `GET /profiles/{profile_id}`, its changes,
    and `GET /records?profile_id=`; a link to its public opening), so clients and stateful
    testers can follow them."""
    for path, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        links: dict[str, Any] = {}
        for target, target_item in paths.items():
            match = re.fullmatch(re.escape(path) + r"/\{(\w+)\}(/.*)?", target)
            if match is None:
                continue
            for method in _METHODS:
                operation = target_item.get(method)
                if operation is not None:
                    links[operation["operationId"]] = {
                        "operationId": operation["operationId"],
                        "parameters": {f"path.{match[1]}": "$response.body#/id"},
                    }
        if path == "/api/v1/profiles":  # a profile's records are listed by a query parameter
            listing = paths["/api/v1/records"]["get"]
            links[listing["operationId"]] = {
                "operationId": listing["operationId"],
                "parameters": {"query.profile_id": "$response.body#/id"},
            }
        if path == "/api/v1/links":  # and a link is opened under /public
            opening = paths["/api/v1/public/links/{link_id}"]["post"]
            links[opening["operationId"]] = {
                "operationId": opening["operationId"],
                "parameters": {"path.link_id": "$response.body#/id"},
            }
        if links:
            created["links"] = links
