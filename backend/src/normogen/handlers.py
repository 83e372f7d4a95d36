"""Exception handlers rendering every failure as the one JSON error body (see errors.py)."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pymongo.errors import PyMongoError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from normogen.core.http import log_unavailable, request_id_of
from normogen.crypto.shapes import VERSION_ERROR
from normogen.db.client import is_unavailable
from normogen.errors import DatabaseUnavailable, InvalidInput, NormogenError, error_body

log = logging.getLogger("normogen.error")
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def _json(
    request: Request,
    status: int,
    *,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    details: list[dict[str, str]] | None = None,
) -> Response:
    body = error_body(code, message, request_id=request_id_of(request.scope), details=details)
    return Response(body, status, headers=headers, media_type="application/json")


async def normogen_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, NormogenError):  # registered for NormogenError only
        raise exc
    if isinstance(exc, DatabaseUnavailable):
        log_unavailable(request.scope, exc)
    details = exc.details if isinstance(exc, InvalidInput) else None
    return _json(
        request,
        exc.status_code,
        code=exc.error_code,
        message=exc.message,
        headers=exc.headers,
        details=details,
    )


async def validation_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, RequestValidationError):  # registered for RequestValidationError only
        raise exc
    # Field paths and messages only: the rejected input may be a key or a password verifier.
    details = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": str(error.get("msg", "invalid")),
            "type": str(error.get("type", "value_error")),
        }
        for error in exc.errors()
    ]
    fields = ", ".join(sorted({d["field"] for d in details})) or "request"
    retired = [d for d in details if d["type"] == VERSION_ERROR]
    if retired:  # a v1-shaped write: say which contract this server speaks
        return _json(
            request, 400, code=VERSION_ERROR, message=retired[0]["message"], details=details
        )
    return _json(
        request, 422, code="validation_error", message=f"Invalid input: {fields}", details=details
    )


async def http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # registered for HTTPException only
        raise exc
    code = _CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return _json(request, exc.status_code, code=code, message=message, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    path = request.scope["path"]
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        regex = getattr(route, "path_regex", None)
        if route.methods and regex is not None and regex.match(path):
            methods |= route.methods
    return sorted(methods)


async def database_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, PyMongoError):  # registered for PyMongoError only
        raise exc
    if is_unavailable(exc):
        unavailable = DatabaseUnavailable()
        log.warning(
            "database unavailable",
            extra={"request_id": request_id_of(request.scope), "error": type(exc).__name__},
        )
        return _json(
            request,
            503,
            code=unavailable.error_code,
            message=unavailable.message,
            headers=unavailable.headers,
        )
    log.error(
        "database error",
        exc_info=exc,
        extra={"request_id": request_id_of(request.scope)},
    )
    return _json(request, 500, code="internal_error", message="Internal server error")


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """Anything not foreseen: 500 with the request id only; the traceback goes to the log."""
    log.error("unhandled error", exc_info=exc, extra={"request_id": request_id_of(request.scope)})
    return _json(request, 500, code="internal_error", message="Internal server error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(NormogenError, normogen_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(PyMongoError, database_error)
    app.add_exception_handler(Exception, unexpected_error)
