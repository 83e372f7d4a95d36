"""Security headers added to every response (OWASP Secure Headers Project recommendations)."""

from __future__ import annotations

# The API serves JSON only: nothing may be framed, scripted or embedded from it.
API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The docs pages load Swagger UI and ReDoc from this server (normogen/docs_ui.py); both start
# from an inline script, style inline, and ReDoc runs a worker from a blob.
DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})

_COMMON: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    # Two years, as recommended for preload lists; browsers ignore it over plain HTTP.
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    # Health data must never sit in a shared or browser cache.
    (b"cache-control", b"no-store"),
)
API_HEADERS = (*_COMMON, (b"content-security-policy", API_CSP))
DOCS_HEADERS = (*_COMMON, (b"content-security-policy", DOCS_CSP))


def for_path(path: str) -> tuple[tuple[bytes, bytes], ...]:
    return DOCS_HEADERS if path in DOCS_PATHS else API_HEADERS
