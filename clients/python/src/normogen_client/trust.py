"""The trust store: pinned identities of other users, by safety number or on first use.

docs/crypto.md section 7: a client never seals a family key to, or accepts one from, a user
it has not pinned; a pinned user whose keys change is refused loudly until the user verifies
the new safety number. The store is per device; persist it with `path` or `to_json`.

    trust = TrustStore(path="~/.normogen/trust.json")
    trust.verify(their_party, my_party, "12345 67890 ...")   # compared out of band
    trust.pin_on_first_use(their_party)                      # explicit, never implicit
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from normogen_client.crypto import (
    CryptoError,
    Party,
    fingerprint,
    normalize_safety_number,
    safety_number,
)

Method = Literal["verified", "tofu"]


class TrustError(CryptoError):
    """A user's keys cannot be trusted (base class)."""


class UntrustedKeyError(TrustError):
    """The user has not been verified or pinned on this device."""


class KeyChangedError(TrustError):
    """The user's keys differ from the pinned ones: possible key substitution."""


class VerificationError(TrustError):
    """The safety number given does not match the keys being verified."""


@dataclass(frozen=True)
class Pin:
    """One pinned identity: the fingerprint of (user id, identity key, public key)."""

    user_id: str
    fingerprint: str  # hex
    method: Method
    pinned_at: str


def party_fingerprint(party: Party) -> bytes:
    return fingerprint(party.user_id, party.identity_key, party.public_key)


def safety_number_of(me: Party, them: Party) -> str:
    """The 60-digit number both users see for each other (12 groups of 5)."""
    return safety_number(party_fingerprint(me), party_fingerprint(them))


class TrustStore:
    """User id → pin; saved to `path` (JSON, mode 0600) after each change when given."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path).expanduser()
        self._pins: dict[str, Pin] = {}
        if self.path is not None and self.path.exists():
            self._load(json.loads(self.path.read_text("utf-8")))

    def pin_of(self, user_id: str) -> Pin | None:
        return self._pins.get(user_id)

    def check(self, party: Party) -> Pin:
        """The pin matching `party`; UntrustedKeyError if none, KeyChangedError if different."""
        pin = self._pins.get(party.user_id)
        if pin is None:
            raise UntrustedKeyError(
                f"user {party.user_id} is not verified on this device: compare the safety "
                "number out of band (verify) or pin on first use"
            )
        if not hmac.compare_digest(pin.fingerprint, party_fingerprint(party).hex()):
            raise KeyChangedError(
                f"the keys of user {party.user_id} changed since they were pinned "
                f"({pin.method}): refusing them; verify the new safety number to continue"
            )
        return pin

    def pin_on_first_use(self, party: Party) -> Pin:
        """Pin a user not pinned yet (an explicit user action); a different pin is refused."""
        if party.user_id in self._pins:
            return self.check(party)
        return self._pin(party, "tofu")

    def verify(self, party: Party, me: Party, number: str) -> Pin:
        """Pin (or re-pin) after the user compared the safety number out of band."""
        expected = safety_number_of(me, party)
        if not hmac.compare_digest(normalize_safety_number(number), expected):
            raise VerificationError(
                f"the safety number does not match user {party.user_id}'s keys as served"
            )
        return self._pin(party, "verified")

    def forget(self, user_id: str) -> None:
        self._pins.pop(user_id, None)
        self._save()

    def _pin(self, party: Party, method: Method) -> Pin:
        pin = Pin(
            party.user_id,
            party_fingerprint(party).hex(),
            method,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self._pins[party.user_id] = pin
        self._save()
        return pin

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "pins": {
                pin.user_id: {
                    "fingerprint": pin.fingerprint,
                    "method": pin.method,
                    "pinned_at": pin.pinned_at,
                }
                for pin in self._pins.values()
            },
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> TrustStore:
        store = cls()
        store._load(body)
        return store

    def _load(self, body: dict[str, Any]) -> None:
        for user_id, item in body.get("pins", {}).items():
            method = item["method"]
            if method not in ("verified", "tofu"):
                raise CryptoError("trust store: unknown pin method")
            self._pins[user_id] = Pin(user_id, item["fingerprint"], method, item["pinned_at"])

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            json.dump(self.to_json(), f, indent=2)
        temporary.replace(self.path)
