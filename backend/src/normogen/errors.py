"""Domain errors and the one JSON error body every failure is rendered as.

    NormogenError (500 internal_error)
    ├── Unauthorized (401 unauthorized)
    ├── Forbidden (403 forbidden)
    ├── NotFound (404 not_found)
    ├── Conflict (409 conflict)
    ├── PreconditionFailed (412 precondition_failed)
    ├── PreconditionRequired (428 precondition_required)
    ├── PayloadTooLarge (413 payload_too_large)
    ├── InvalidInput (422 validation_error)
    ├── RateLimited (429 rate_limited)
    └── ServiceUnavailable (503 service_unavailable)
        └── DatabaseUnavailable (503 database_unavailable)

Body: {"error": {"code": <stable snake_case>, "message": <human text>, "request_id": <id>}}
plus "details" for validation errors. Clients never see driver or framework text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from pydantic import BaseModel, Field

# A code several domains answer with: the client wrapped a key under an epoch that is no longer
# current (a profile's or a family's key was rotated meanwhile; docs/crypto.md).
STALE_KEY_EPOCH = "stale_key_epoch"


class NormogenError(Exception):
    """Base of every error the API reports on purpose; carries its own status and code."""

    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    default_message: ClassVar[str] = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.error_code = code or self.code
        self.headers = dict(headers or {})
        super().__init__(self.message)


class Unauthorized(NormogenError):
    status_code = 401
    code = "unauthorized"
    default_message = "Authentication required"

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(NormogenError):
    status_code = 403
    code = "forbidden"
    default_message = "Not allowed"


class NotFound(NormogenError):
    status_code = 404
    code = "not_found"
    default_message = "Not found"


class Conflict(NormogenError):
    status_code = 409
    code = "conflict"
    default_message = "Conflict"


class PreconditionFailed(NormogenError):
    status_code = 412
    code = "precondition_failed"
    default_message = "The resource changed since it was read"


class PreconditionRequired(NormogenError):
    status_code = 428
    code = "precondition_required"
    default_message = "This request must be conditional (If-Match)"


class PayloadTooLarge(NormogenError):
    status_code = 413
    code = "payload_too_large"
    default_message = "Request body too large"


class InvalidInput(NormogenError):
    """Well-formed input that breaks a rule only known at run time (e.g. a configured minimum);
    answered like the validator's 422, with `details` naming the field."""

    status_code = 422
    code = "validation_error"
    default_message = "Invalid input"

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"Invalid input: {field}")
        self.details = [{"field": field, "message": problem, "type": "value_error"}]


class RateLimited(NormogenError):
    status_code = 429
    code = "rate_limited"
    default_message = "Too many requests"


class ServiceUnavailable(NormogenError):
    status_code = 503
    code = "service_unavailable"
    default_message = "Service temporarily unavailable"


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"
    default_message = "The database is unavailable; retry shortly"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": "2"})


def error_body(
    code: str,
    message: str,
    *,
    request_id: str | None,
    details: Sequence[Mapping[str, Any]] | None = None,
) -> bytes:
    """The serialized error envelope shared by handlers and raw ASGI middleware."""
    error: dict[str, Any] = {"code": code, "message": message, "request_id": request_id}
    if details is not None:
        error["details"] = list(details)
    return json.dumps({"error": error}, separators=(",", ":")).encode()


class ErrorDetail(BaseModel):
    """One rejected field of a 422: where (`body.email`, `query.limit`) and why."""

    field: str
    message: str
    type: str


class ErrorInfo(BaseModel):
    code: str = Field(description="Stable snake_case code; branch on this, not the message")
    message: str
    request_id: str | None = Field(description="Also in the X-Request-ID response header")


class ValidationErrorInfo(ErrorInfo):
    details: list[ErrorDetail]


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorInfo


class ValidationErrorBody(BaseModel):
    """The body of a 422: the error with the rejected fields."""

    error: ValidationErrorInfo


_HEADERS = {
    "ETag": "The revision, to send back as If-Match",
    "Location": "The URL of the created resource",
}


def responses(
    *statuses: int, headers: Mapping[int, Sequence[str]] | None = None
) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: the error statuses it answers beyond those every route
    shares (429, 500, 503, and 400/401/413/422 where they apply; normogen/openapi.py adds
    those), and the headers its success responses always carry (`{201: ["Location"]}`)."""
    documented: dict[int | str, dict[str, Any]] = {
        status: {
            "model": ValidationErrorBody if status == 422 else ErrorBody,
            "description": HTTPStatus(status).phrase,
        }
        for status in statuses
    }
    for status, names in (headers or {}).items():
        documented.setdefault(status, {})["headers"] = {
            name: {"description": _HEADERS[name], "required": True, "schema": {"type": "string"}}
            for name in names
        }
    return documented
