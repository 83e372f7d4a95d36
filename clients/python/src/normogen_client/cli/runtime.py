"""One command's world: the settings, the session store, the logged-in client and its errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import typer

from normogen_client.api import NormogenClient
from normogen_client.cli.config import Config, ConfigError, config_dir, write_private
from normogen_client.cli.store import SessionStore, StoreError, choose_store, is_idle
from normogen_client.crypto import CryptoError, DecryptionError
from normogen_client.families import Families
from normogen_client.health import HealthRecords
from normogen_client.interop.document import ImportFormatError
from normogen_client.links import Links
from normogen_client.models import ApiError, AuthenticationError, NotLoggedIn
from normogen_client.payloads import PayloadError
from normogen_client.records import Profile, Record, open_record
from normogen_client.seen import SeenState
from normogen_client.trust import TrustStore, UntrustedKeyError

T = TypeVar("T")


class CliError(Exception):
    """A failure explained to the user in one line (exit status 1)."""


class SessionEnded(CliError):
    """The stored session is gone (logged out, locked, revoked or expired)."""


def ask_passphrase(new: bool) -> str:
    if not sys.stdin.isatty():
        raise StoreError(
            "the encrypted session file needs a passphrase: set NORMOGEN_SESSION_PASSPHRASE "
            "or run in a terminal"
        )
    if new:
        text: str = typer.prompt(
            "Passphrase to protect this session on disk",
            hide_input=True,
            confirmation_prompt=True,
        )
        return text
    text = typer.prompt("Session passphrase", hide_input=True)
    return text


def default_device() -> str:
    return f"normogen-client on {socket.gethostname()}"[:100]


@dataclass
class Account:
    """The logged-in client and the library's high-level classes over it."""

    client: NormogenClient
    health: HealthRecords
    families: Families
    links: Links
    state: dict[str, Any] = field(default_factory=dict)  # extra stored state (sync tokens)
    _families_open: bool = False

    @classmethod
    def of(cls, client: NormogenClient, state: dict[str, Any] | None = None) -> Account:
        health = HealthRecords(client)
        return cls(client, health, Families(client, health), Links(client), state or {})

    async def unlock_families(self) -> None:
        """Unlock confirmed families' keys, so family profiles open too."""
        if not self._families_open:
            await self.families.list_families()
            self._families_open = True

    async def profiles(self) -> list[Profile]:
        await self.unlock_families()
        return await self.health.profiles()

    async def profile(self, reference: str | None) -> Profile:
        """A profile by id, id prefix or name (case-insensitive); the only one when omitted."""
        profiles = await self.profiles()
        if reference is None:
            if len(profiles) == 1:
                return profiles[0]
            names = ", ".join(profile_name(p) for p in profiles) or "none yet"
            raise CliError(f"name a profile (--profile); this account has: {names}")
        wanted = reference.casefold()
        for matcher in (
            lambda p: p.id == reference,
            lambda p: profile_name(p).casefold() == wanted,
            lambda p: len(reference) >= 4 and p.id.startswith(reference),
        ):
            found = [p for p in profiles if matcher(p)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise CliError(f"{reference!r} matches several profiles; use the id")
        raise CliError(f"no profile {reference!r}")

    async def record(self, record_id: str) -> tuple[Profile, Record]:
        """A record by id, decrypted with its profile's key."""
        body = (await self.client.request("GET", f"/api/v1/records/{record_id}")).json()
        profile = await self.profile(body["profile_id"])
        record = open_record(profile, body)
        self.client.seen.record(record.id, record.revision)  # the rollback guard
        return profile, record


def profile_name(profile: Profile) -> str:
    return str(profile.metadata.get("name") or profile.id)


class Runtime:
    """Settings, the session store and the error policy shared by every command."""

    def __init__(self, server: str | None = None, as_json: bool = False) -> None:
        self.config = Config.load()
        self.explicit_server = bool(server)
        if server:
            self.config.server = server.rstrip("/")
        self.as_json = as_json
        self._store: SessionStore | None = None

    def store(self) -> SessionStore:
        if self._store is None:
            self._store = choose_store(self.config.store, ask_passphrase)
        return self._store

    def new_client(self) -> NormogenClient:
        """A client with this device's trust store (docs/crypto.md, section 7)."""
        return NormogenClient(
            self.config.server,
            iterations=self.config.kdf_iterations,
            min_iterations=self.config.min_iterations,
            trust=TrustStore(config_dir() / "trust.json"),
        )

    @staticmethod
    def _seen_path(user_id: str) -> Path:
        return config_dir() / "seen" / f"{user_id}.json"

    def _load_seen(self, client: NormogenClient) -> None:
        """This device's rollback guard for the account (normogen_client.seen)."""
        path = self._seen_path(client.session().user_id)
        try:
            client.seen = SeenState.from_json(json.loads(path.read_text()))
        except FileNotFoundError:
            client.seen = SeenState()
        except (OSError, ValueError, TypeError, AttributeError) as error:
            raise CliError(f"cannot read {path}: {error}") from None

    def save(self, account: Account) -> None:
        state = account.client.snapshot() | {
            "server": self.config.server,
            "last_used": time.time(),
            "extra": account.state,
        }
        self.store().save(state)
        seen = account.client.seen.to_json()
        write_private(self._seen_path(account.client.session().user_id), json.dumps(seen).encode())

    def adopt(self, account: Account, store: SessionStore) -> None:
        """Make a fresh login the current session (config and store)."""
        self._store = store
        self.save(account)
        self.config.email = account.client.email
        self.config.store = store.name
        self.config.save()

    async def load(self) -> Account:
        """The stored session, unless there is none or it went idle (then it is locked)."""
        if self.config.store is None:
            raise SessionEnded("not logged in; run `normogen-client login`")
        state = self.store().load()
        if state is None:
            raise SessionEnded("not logged in; run `normogen-client login`")
        if not self.explicit_server:  # the server the session belongs to
            self.config.server = str(state.get("server") or self.config.server)
        client = self.new_client()
        client.resume(state)
        self._load_seen(client)
        account = Account.of(client, dict(state.get("extra") or {}))
        if is_idle(state, self.config.idle_timeout):
            await self.end(account, reason="locked")
            minutes = self.config.idle_timeout / 60
            raise SessionEnded(
                f"the session locked after {minutes:g} minutes idle; run `normogen-client login`"
            )
        return account

    async def end(self, account: Account | None, *, reason: str) -> None:
        """Erase the stored session and end it on the server when reachable."""
        self.store().clear()
        if account is not None and account.client.tokens is not None:
            with contextlib.suppress(ApiError, httpx.HTTPError):
                await account.client.logout()
        if account is not None:
            await account.client.aclose()

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[Account]:
        """The logged-in account for one command; rotated tokens are stored again after."""
        account = await self.load()
        initial = account.client.tokens
        succeeded = False
        try:
            yield account
            succeeded = True
        except AuthenticationError:
            if account.client.tokens is None:  # the refresh was refused: the session is over
                self.store().clear()
                raise SessionEnded(
                    "the session ended on the server (logged out, revoked or expired); "
                    "run `normogen-client login`"
                ) from None
            raise
        finally:
            # Saved after success (the idle clock restarts) or when the tokens rotated; a
            # failed command leaves the stored session byte for byte as it was.
            rotated = account.client.tokens is not initial
            if account.client.tokens is not None and (succeeded or rotated):
                with contextlib.suppress(NotLoggedIn):
                    self.save(account)
            await account.client.aclose()

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run one command's coroutine; every expected failure becomes one line and exit 1."""
        try:
            return asyncio.run(_call(work))
        except Exception as error:
            message = explain(error, self.config.server)
            if message is None:
                raise
            raise Failure(message) from None


def explain(error: BaseException, server: str) -> str | None:
    """The one line a user sees for an expected failure (None: a bug, keep the traceback)."""
    if isinstance(error, Failure):
        return str(error)
    if isinstance(error, CliError | StoreError | ConfigError | PayloadError | NotLoggedIn):
        return str(error)
    if isinstance(error, LookupError | ImportFormatError):
        return str(error)
    if isinstance(error, AuthenticationError):
        return f"not authenticated: {error.message}"
    if isinstance(error, ApiError):
        return f"{error.message} ({error.code}, HTTP {error.status})"
    if isinstance(error, DecryptionError):
        return "decryption failed: the data was altered or the key is wrong"
    if isinstance(error, UntrustedKeyError):
        return f"{error} (see `normogen-client family verify`)"
    if isinstance(error, CryptoError):
        return str(error)
    if isinstance(error, httpx.ConnectError):
        return f"cannot reach the server at {server}"
    if isinstance(error, httpx.TimeoutException):
        return f"the server at {server} did not answer in time"
    if isinstance(error, httpx.HTTPError):
        return f"network error talking to {server}: {type(error).__name__}"
    return None


async def _call(work: Callable[[], Awaitable[T]]) -> T:
    return await work()


class Failure(Exception):
    """Raised to `main`: print the message on stderr, exit with status 1."""
