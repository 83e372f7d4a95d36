"""Account key material: creation, registration payload, login, unlock and password change."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any

from normogen_client.crypto.aead import Envelope
from normogen_client.crypto.encoding import b64e
from normogen_client.crypto.errors import DecryptionError
from normogen_client.crypto.kdf import (
    MIN_ITERATIONS,
    KdfParams,
    derive_auth_and_wrap_keys,
    derive_master_key,
)
from normogen_client.crypto.keys import (
    AAD_PRIVATE_KEY,
    AAD_USER_KEY,
    generate_keypair,
    new_key,
    public_key_from_private,
    unwrap_key,
    wrap_key,
)


@dataclass
class AccountSecrets:
    """Everything a client holds for an account; secret fields are kept out of repr()."""

    kdf: KdfParams
    auth_key: bytes = field(repr=False)
    wrap_key: bytes = field(repr=False)
    user_key: bytes = field(repr=False)
    private_key: bytes = field(repr=False)
    public_key: bytes
    wrapped_user_key: Envelope
    wrapped_private_key: Envelope


def login_auth_key(password: str, kdf: KdfParams) -> tuple[bytes, bytes]:
    """(auth_key, wrap_key) for a password and the account's KDF parameters."""
    return derive_auth_and_wrap_keys(derive_master_key(password, kdf), "password")


def create_account(password: str, iterations: int = MIN_ITERATIONS) -> AccountSecrets:
    """Fresh account material: random user key and X25519 pair, both wrapped."""
    kdf = KdfParams.new(iterations)
    auth_key, wrap = login_auth_key(password, kdf)
    user_key = new_key()
    private_key, public_key = generate_keypair()
    return AccountSecrets(
        kdf=kdf,
        auth_key=auth_key,
        wrap_key=wrap,
        user_key=user_key,
        private_key=private_key,
        public_key=public_key,
        wrapped_user_key=wrap_key(wrap, user_key, AAD_USER_KEY),
        wrapped_private_key=wrap_key(user_key, private_key, AAD_PRIVATE_KEY),
    )


def registration_payload(secrets: AccountSecrets) -> dict[str, Any]:
    """The JSON key fields of a registration request (no password, no plaintext keys)."""
    return {
        "auth_key": b64e(secrets.auth_key),
        "kdf": secrets.kdf.to_json(),
        "wrapped_user_key": secrets.wrapped_user_key.to_json(),
        "public_key": b64e(secrets.public_key),
        "wrapped_private_key": secrets.wrapped_private_key.to_json(),
    }


def unlock(
    wrap_key: bytes,
    wrapped_user_key: Envelope,
    wrapped_private_key: Envelope,
    *,
    expected_public_key: bytes | None = None,
) -> tuple[bytes, bytes]:
    """(user_key, private_key) from the wrapped copies; DecryptionError on a wrong key.

    With `expected_public_key`, also check the private key matches the published public key.
    """
    user_key = unwrap_key(wrap_key, wrapped_user_key, AAD_USER_KEY)
    private_key = unwrap_key(user_key, wrapped_private_key, AAD_PRIVATE_KEY)
    if expected_public_key is not None and not hmac.compare_digest(
        public_key_from_private(private_key), expected_public_key
    ):
        raise DecryptionError("private key does not match the public key")
    return user_key, private_key


def rewrap_for_new_password(
    user_key: bytes, new_password: str, iterations: int = MIN_ITERATIONS
) -> tuple[bytes, KdfParams, Envelope]:
    """(new auth_key, new kdf, user key wrapped under the new password's wrap key)."""
    kdf = KdfParams.new(iterations)
    auth_key, wrap = login_auth_key(new_password, kdf)
    return auth_key, kdf, wrap_key(wrap, user_key, AAD_USER_KEY)
