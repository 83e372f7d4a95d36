"""Revisions as ETags, `If-Match` preconditions (RFC 9110 §13.1.1) and fast JSON responses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Header
from starlette.responses import Response

from normogen.errors import PreconditionRequired

_MAX_IF_MATCH_TAGS = 16
# `*` or up to 16 entity tags (RFC 9110 §8.8.3); a well-formed tag that is not one of our
# revisions (weak, or not digits) is valid syntax that never matches: 412, not 422.
_ETAG = r'(W/)?"[!#-~]*"'
IF_MATCH_PATTERN = (
    rf"^[ \t]*(\*|{_ETAG}([ \t]*,[ \t]*{_ETAG}){{0,{_MAX_IF_MATCH_TAGS - 1}}})[ \t]*$"
)
# What a write that binds its next revision needs (PUT /records: 428 for `*` or a list).
ONE_ETAG_PATTERN = rf"^[ \t]*{_ETAG}[ \t]*$"
IfMatchHeader = Annotated[str | None, Header(alias="If-Match", pattern=IF_MATCH_PATTERN)]


def etag(revision: int) -> str:
    """A strong entity tag for a revision: `"7"`."""
    return f'"{revision}"'


@dataclass(frozen=True, slots=True)
class IfMatch:
    """A parsed `If-Match`: `*` (any current representation) or a set of strong tags."""

    any: bool
    revisions: frozenset[int]

    def revision_filter(self) -> dict[str, list[int]] | None:
        """The `revision` clause of an atomic conditional write; None means any revision."""
        return None if self.any else {"$in": sorted(self.revisions)}

    def matches(self, revision: int) -> bool:
        return self.any or revision in self.revisions


def require_if_match(value: str | None) -> IfMatch:
    """The precondition a write must carry: missing → 428 (RFC 6585 §3)."""
    condition = parse_if_match(value)
    if condition is None:
        raise PreconditionRequired("This request needs If-Match with the current ETag")
    return condition


def parse_if_match(value: str | None) -> IfMatch | None:
    """An optional precondition (None when the header is absent).

    Weak tags never match (If-Match uses the strong comparison) and malformed tags are kept as
    unmatchable, so a request carrying only those fails with 412 rather than being unconditional.
    """
    if value is None or not value.strip():
        return None
    if value.strip() == "*":
        return IfMatch(any=True, revisions=frozenset())
    revisions: set[int] = set()
    for raw in value.split(",")[:_MAX_IF_MATCH_TAGS]:
        tag = raw.strip()
        if len(tag) >= 3 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit():
            digits = tag[1:-1]
            if len(digits) <= 18:
                revisions.add(int(digits))
    return IfMatch(any=False, revisions=frozenset(revisions))


def iso(value: datetime) -> str:
    """UTC, millisecond precision (what MongoDB stores), with a `Z`."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def as_exported(view: dict[str, Any]) -> dict[str, Any]:
    """A view with datetimes written as the API writes them (for the account export)."""
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in view.items()}


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


# One encoder, built once: `json.dumps` with options builds a new encoder on every call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_default)


def dumps(body: Any) -> bytes:
    return _ENCODER.encode(body).encode()


def json_response(
    body: Any, status: int = 200, *, revision: int | None = None, location: str | None = None
) -> Response:
    """A JSON response built without re-validating stored ciphertext (the hot read path)."""
    headers: dict[str, str] = {}
    if revision is not None:
        headers["ETag"] = etag(revision)
    if location is not None:
        headers["Location"] = location
    return Response(dumps(body), status, headers=headers, media_type="application/json")
