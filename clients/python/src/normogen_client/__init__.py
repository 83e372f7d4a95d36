"""Normogen reference client: client-side crypto, an async API client, payloads and interop."""

from normogen_client.adherence import Adherence, adherence
from normogen_client.api import NormogenClient, RecoveryResult, UnlockedKeys
from normogen_client.crypto import CryptoError, DecryptionError
from normogen_client.families import Families, Family, Invitation, Member
from normogen_client.health import HealthRecords, SyncResult, SyncState
from normogen_client.links import LinkInfo, Links, SharedLink, open_link
from normogen_client.models import ApiError, AuthenticationError, NotLoggedIn
from normogen_client.payloads import PayloadError, check, summary
from normogen_client.records import KINDS, Profile, Record
from normogen_client.seen import SeenState
from normogen_client.trust import TrustStore

__all__ = [
    "KINDS",
    "Adherence",
    "ApiError",
    "AuthenticationError",
    "CryptoError",
    "DecryptionError",
    "Families",
    "Family",
    "HealthRecords",
    "Invitation",
    "LinkInfo",
    "Links",
    "Member",
    "NormogenClient",
    "NotLoggedIn",
    "PayloadError",
    "Profile",
    "Record",
    "RecoveryResult",
    "SeenState",
    "SharedLink",
    "SyncResult",
    "SyncState",
    "TrustStore",
    "UnlockedKeys",
    "adherence",
    "check",
    "open_link",
    "summary",
]
