"""Security headers of every web-app response, the Content-Security-Policy first."""

from __future__ import annotations

# Scripts, styles, workers and connections from this origin only: no inline script, no eval
# (no 'unsafe-inline' / 'unsafe-eval'), no plugins, no framing, no <base> rewriting. The API is
# same-origin (proxied under /api), so connect-src 'self' is all the app needs. blob: images are
# the app's own generated files (QR codes, charts exported as PNG). worker-src: the KDF worker
# and the service worker (web/pwa/sw.js); manifest-src: the PWA manifest, both from this origin.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "frame-src 'none'",
    )
)

# camera=(self): scanning a safety-number QR code; everything else the app never uses is off.
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "interest-cohort=()"
)


def security_headers(*, https: bool) -> list[tuple[bytes, bytes]]:
    """The headers added to every response of the web server (HSTS only over HTTPS)."""
    headers = {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "permissions-policy": PERMISSIONS_POLICY,
    }
    if https:
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
