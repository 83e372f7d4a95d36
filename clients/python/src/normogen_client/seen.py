"""What this device has seen: the rollback and resurrection guard (docs/crypto.md section 9).

The server chooses what it serves; the AAD makes it unable to alter a revision, but it could
serve an older genuine one, or a record deleted since. The client remembers the highest
revision per record, the tombstone revision of deletions, the feed position per profile and
the key epochs per profile and family, and refuses anything older.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from normogen_client.crypto import CryptoError


class RollbackError(CryptoError):
    """The server served something older than this device has already seen."""


@dataclass
class SeenState:
    """High-water marks; persist with `to_json` alongside the device's local copy."""

    revisions: dict[str, int] = field(default_factory=dict)
    tombstones: dict[str, int] = field(default_factory=dict)
    feed: dict[str, int] = field(default_factory=dict)
    profile_epochs: dict[str, int] = field(default_factory=dict)
    family_epochs: dict[str, int] = field(default_factory=dict)

    def record(self, record_id: str, revision: int) -> None:
        """A live record at `revision`: refused below what was seen or at/below its deletion."""
        deleted_at = self.tombstones.get(record_id)
        if deleted_at is not None and revision <= deleted_at:
            raise RollbackError(
                f"record {record_id} was deleted at revision {deleted_at}; the server served "
                f"revision {revision} (resurrection refused)"
            )
        seen = self.revisions.get(record_id, 0)
        if revision < seen:
            raise RollbackError(
                f"record {record_id} is at revision {seen} on this device; the server served "
                f"revision {revision} (rollback refused)"
            )
        self.revisions[record_id] = revision

    def deleted(self, record_id: str, revision: int) -> None:
        """A tombstone: remembered so the record cannot come back at an older revision."""
        seen = self.revisions.get(record_id, 0)
        if revision <= seen and record_id in self.revisions:
            raise RollbackError(
                f"record {record_id} is at revision {seen}; a tombstone at revision {revision} "
                "is older"
            )
        self.tombstones[record_id] = max(revision, self.tombstones.get(record_id, 0))
        self.revisions.pop(record_id, None)

    def feed_position(self, profile_id: str, seq: int) -> None:
        """One applied change: the feed must move forward."""
        seen = self.feed.get(profile_id, 0)
        if seq <= seen:
            raise RollbackError(
                f"the changes feed of profile {profile_id} went back from {seen} to {seq}"
            )
        self.feed[profile_id] = seq

    def reset_feed(self, profile_id: str) -> None:
        """A full resync (expired token): positions restart; revisions stay remembered."""
        self.feed.pop(profile_id, None)

    def profile_epoch(self, profile_id: str, epoch: int) -> None:
        self._epoch(self.profile_epochs, "profile", profile_id, epoch)

    def family_epoch(self, family_id: str, epoch: int) -> None:
        self._epoch(self.family_epochs, "family", family_id, epoch)

    @staticmethod
    def _epoch(marks: dict[str, int], what: str, object_id: str, epoch: int) -> None:
        seen = marks.get(object_id, 0)
        if epoch < seen:
            raise RollbackError(
                f"{what} {object_id} is at key epoch {seen} on this device; the server served "
                f"epoch {epoch} (rollback refused)"
            )
        marks[object_id] = epoch

    def to_json(self) -> dict[str, Any]:
        return {
            "revisions": dict(self.revisions),
            "tombstones": dict(self.tombstones),
            "feed": dict(self.feed),
            "profile_epochs": dict(self.profile_epochs),
            "family_epochs": dict(self.family_epochs),
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SeenState:
        return cls(**{name: dict(body.get(name, {})) for name in cls().to_json()})
