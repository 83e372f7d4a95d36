"""What an auth operation needs: settings, database, hasher, session cache and request origin."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from normogen.config import Settings
from normogen.core.hashing import KeyHasher
from normogen.core.session_cache import SessionCache
from normogen.db.client import Database
from normogen.events.public import Origin
from normogen.runtime import Runtime


@dataclass(frozen=True)
class AuthContext:
    """Built per request by `normogen.auth.dependencies.get_auth_context`."""

    runtime: Runtime
    db: Database
    hasher: KeyHasher
    cache: SessionCache
    origin: Origin

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    def derived_key(self, label: str) -> bytes:
        """A server key for one purpose, derived from JWT_SECRET (same on every replica)."""
        return hmac.new(
            self.runtime.jwt_secret, f"normogen/v1/{label}".encode(), hashlib.sha256
        ).digest()

    def keyed_digest(self, label: str, message: str) -> bytes:
        """HMAC-SHA256 of `message` under the `label` key: deterministic, unguessable."""
        return hmac.new(self.derived_key(label), message.encode(), hashlib.sha256).digest()
