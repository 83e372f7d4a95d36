"""The unlocked session between commands: in the OS keyring, or in a passphrase-encrypted file.

What is kept is `NormogenClient.snapshot()` (tokens and the unwrapped account keys) plus the
time of the last command. Neither store ever writes it in clear to disk:

- `keyring`: the OS secret store (Secret Service, macOS Keychain, Windows Credential Locker).
- `file`: `<config dir>/session.json`, mode 0600, an AES-256-GCM envelope (README.md,
  "Ciphertext envelope") under a key derived with scrypt (N=2^15, r=8, p=1, 16-byte salt) from
  a passphrase asked for at login and on every command (or `$NORMOGEN_SESSION_PASSPHRASE`).

A session unused for longer than the idle timeout is locked: the stored state is erased.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from normogen_client.cli.config import config_dir, write_private
from normogen_client.crypto import (
    DecryptionError,
    Envelope,
    b64d,
    b64e,
    decrypt_json,
    encrypt_json,
)

KEYRING_SERVICE = "normogen-client"
AAD_SESSION_FILE = b"normogen/v1/cli-session"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SALT_BYTES = 16
UNLOCK_VARIABLE = "NORMOGEN_SESSION_PASSPHRASE"
STORE_ENV = "NORMOGEN_SESSION_STORE"

# Asks the user for the file store's passphrase; `new=True` when choosing one (confirm it).
PassphrasePrompt = Callable[[bool], str]


class StoreError(Exception):
    """The session store cannot be read or written (the message says why)."""


class SessionStore(Protocol):
    name: str

    def prepare(self) -> None:
        """Ask for what saving will need (a passphrase) before any network work."""

    def load(self) -> dict[str, Any] | None: ...

    def save(self, state: dict[str, Any]) -> None: ...

    def clear(self) -> None: ...


class KeyringStore:
    """The snapshot as one secret in the OS keyring, keyed by the configuration directory."""

    name = "keyring"

    def __init__(self) -> None:
        self.account = str(config_dir().resolve())

    def prepare(self) -> None:
        return  # the OS keyring asks for nothing here

    def load(self) -> dict[str, Any] | None:
        import keyring.errors

        try:
            text = keyring.get_password(KEYRING_SERVICE, self.account)
        except keyring.errors.KeyringError as error:
            raise StoreError(f"the OS keyring failed: {type(error).__name__}") from None
        return None if text is None else dict(json.loads(text))

    def save(self, state: dict[str, Any]) -> None:
        import keyring.errors

        try:
            keyring.set_password(KEYRING_SERVICE, self.account, json.dumps(state))
        except keyring.errors.KeyringError as error:
            raise StoreError(
                f"the OS keyring refused the session ({type(error).__name__}); "
                f"set {STORE_ENV}=file to use an encrypted file instead"
            ) from None

    def clear(self) -> None:
        import keyring.errors

        try:
            keyring.delete_password(KEYRING_SERVICE, self.account)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as error:
            raise StoreError(f"the OS keyring failed: {type(error).__name__}") from None


class FileStore:
    """The snapshot encrypted under a passphrase-derived key, in a 0600 file."""

    name = "file"

    def __init__(self, prompt: PassphrasePrompt) -> None:
        self.path: Path = config_dir() / "session.json"
        self.prompt = prompt
        self._key: tuple[bytes, bytes] | None = None  # (salt, key) once derived

    def _passphrase(self, new: bool) -> str:
        passphrase = os.environ.get(UNLOCK_VARIABLE) or self.prompt(new)
        if not passphrase:
            raise StoreError("a session passphrase is required for the encrypted session file")
        return passphrase

    @staticmethod
    def _derive(passphrase: str, salt: bytes) -> bytes:
        kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
        return kdf.derive(passphrase.encode("utf-8"))

    def prepare(self) -> None:
        """Choose the passphrase of a new session file now (a fresh salt, the key derived)."""
        salt = os.urandom(SALT_BYTES)
        self._key = (salt, self._derive(self._passphrase(True), salt))

    def load(self) -> dict[str, Any] | None:
        try:
            document = json.loads(self.path.read_bytes())
            salt = b64d(document["salt"])
            envelope = Envelope.from_json(document["envelope"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            raise StoreError(f"{self.path} is damaged; run `normogen-client logout`") from None
        if self._key is None or self._key[0] != salt:
            self._key = (salt, self._derive(self._passphrase(False), salt))
        try:
            return dict(decrypt_json(self._key[1], envelope, AAD_SESSION_FILE))
        except DecryptionError:
            self._key = None
            raise StoreError("wrong session passphrase") from None

    def save(self, state: dict[str, Any]) -> None:
        if self._key is None:
            salt = os.urandom(SALT_BYTES)
            self._key = (salt, self._derive(self._passphrase(True), salt))
        salt, key = self._key
        envelope = encrypt_json(key, state, AAD_SESSION_FILE)
        document = {
            "version": 1,
            "kdf": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
        }
        document |= {"salt": b64e(salt), "envelope": envelope.to_json()}
        write_private(self.path, json.dumps(document).encode())

    def clear(self) -> None:
        self._key = None
        try:
            self.path.unlink()
        except FileNotFoundError:
            return


def keyring_usable() -> bool:
    """True when the OS offers a real secret store (not the fail/null/empty backends)."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null

        backend = keyring.get_keyring()
    except Exception:
        return False  # any failure to import or probe a backend means there is no keyring
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def choose_store(name: str | None, prompt: PassphrasePrompt) -> SessionStore:
    """`name` (or $NORMOGEN_SESSION_STORE): keyring or file; default: keyring when usable."""
    wanted = name or os.environ.get(STORE_ENV)
    if wanted not in (None, "keyring", "file"):
        raise StoreError(f"{STORE_ENV} must be keyring or file")
    if wanted == "keyring" or (wanted is None and keyring_usable()):
        return KeyringStore()
    return FileStore(prompt)


def is_idle(state: dict[str, Any], idle_timeout: int, now: float | None = None) -> bool:
    """Whether the session went unused for longer than `idle_timeout` seconds."""
    now = time.time() if now is None else now
    return now - float(state.get("last_used", 0)) > idle_timeout
