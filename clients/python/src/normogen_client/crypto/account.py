"""Account key material: creation, registration payload, login, unlock and password change."""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field
from typing import Any

from normogen_client.crypto.aead import Envelope
from normogen_client.crypto.contexts import identity_key_aad, private_key_aad, user_key_aad
from normogen_client.crypto.encoding import b64e
from normogen_client.crypto.errors import DecryptionError
from normogen_client.crypto.identity import generate_identity, identity_public
from normogen_client.crypto.kdf import (
    MIN_ITERATIONS,
    KdfParams,
    derive_auth_and_wrap_keys,
    derive_master_key,
)
from normogen_client.crypto.keys import (
    generate_keypair,
    new_key,
    public_key_from_private,
    unwrap_key,
    wrap_key,
)

USER_ID_BYTES = 16  # user ids are 32 lowercase hex characters, chosen by the client


def new_user_id() -> str:
    """A fresh random user id (128 bits as lowercase hex)."""
    return os.urandom(USER_ID_BYTES).hex()


@dataclass
class AccountSecrets:
    """Everything a client holds for an account; secret fields are kept out of repr()."""

    user_id: str
    kdf: KdfParams
    auth_key: bytes = field(repr=False)
    wrap_key: bytes = field(repr=False)
    user_key: bytes = field(repr=False)
    private_key: bytes = field(repr=False)
    public_key: bytes
    identity_seed: bytes = field(repr=False)
    identity_key: bytes
    wrapped_user_key: Envelope
    wrapped_private_key: Envelope
    wrapped_identity_key: Envelope


def login_auth_key(password: str, kdf: KdfParams) -> tuple[bytes, bytes]:
    """(auth_key, wrap_key) for a password and the account's KDF parameters."""
    return derive_auth_and_wrap_keys(derive_master_key(password, kdf), "password")


def create_account(password: str, iterations: int = MIN_ITERATIONS) -> AccountSecrets:
    """Fresh account material: id, user key, X25519 and Ed25519 pairs, all wrapped."""
    user_id = new_user_id()
    kdf = KdfParams.new(iterations)
    auth_key, wrap = login_auth_key(password, kdf)
    user_key = new_key()
    private_key, public_key = generate_keypair()
    identity_seed, identity_key = generate_identity()
    return AccountSecrets(
        user_id=user_id,
        kdf=kdf,
        auth_key=auth_key,
        wrap_key=wrap,
        user_key=user_key,
        private_key=private_key,
        public_key=public_key,
        identity_seed=identity_seed,
        identity_key=identity_key,
        wrapped_user_key=wrap_key(wrap, user_key, user_key_aad(user_id)),
        wrapped_private_key=wrap_key(user_key, private_key, private_key_aad(user_id)),
        wrapped_identity_key=wrap_key(user_key, identity_seed, identity_key_aad(user_id)),
    )


def registration_payload(secrets: AccountSecrets) -> dict[str, Any]:
    """The JSON key fields of a registration request (no password, no plaintext keys)."""
    return {
        "user_id": secrets.user_id,
        "auth_key": b64e(secrets.auth_key),
        "kdf": secrets.kdf.to_json(),
        "wrapped_user_key": secrets.wrapped_user_key.to_json(),
        "public_key": b64e(secrets.public_key),
        "wrapped_private_key": secrets.wrapped_private_key.to_json(),
        "identity_key": b64e(secrets.identity_key),
        "wrapped_identity_key": secrets.wrapped_identity_key.to_json(),
    }


@dataclass
class Unlocked:
    """The account's keys after unlocking (checked against the published public keys)."""

    user_key: bytes = field(repr=False)
    private_key: bytes = field(repr=False)
    identity_seed: bytes = field(repr=False)


def unlock_with_user_key(
    user_id: str,
    user_key: bytes,
    wrapped_private_key: Envelope,
    wrapped_identity_key: Envelope,
    *,
    public_key: bytes,
    identity_key: bytes,
) -> Unlocked:
    """Unwrap both private keys and check they match the published public halves."""
    private_key = unwrap_key(user_key, wrapped_private_key, private_key_aad(user_id))
    identity_seed = unwrap_key(user_key, wrapped_identity_key, identity_key_aad(user_id))
    if not hmac.compare_digest(public_key_from_private(private_key), public_key):
        raise DecryptionError("private key does not match the published public key")
    if not hmac.compare_digest(identity_public(identity_seed), identity_key):
        raise DecryptionError("identity key does not match the published identity key")
    return Unlocked(user_key, private_key, identity_seed)


def unlock(
    user_id: str,
    wrap_key: bytes,
    wrapped_user_key: Envelope,
    wrapped_private_key: Envelope,
    wrapped_identity_key: Envelope,
    *,
    public_key: bytes,
    identity_key: bytes,
) -> Unlocked:
    """All account keys from the wrapped copies; DecryptionError on a wrong key or a swap."""
    user_key = unwrap_key(wrap_key, wrapped_user_key, user_key_aad(user_id))
    return unlock_with_user_key(
        user_id,
        user_key,
        wrapped_private_key,
        wrapped_identity_key,
        public_key=public_key,
        identity_key=identity_key,
    )


def rewrap_for_new_password(
    user_id: str, user_key: bytes, new_password: str, iterations: int = MIN_ITERATIONS
) -> tuple[bytes, KdfParams, Envelope]:
    """(new auth_key, new kdf, user key wrapped under the new password's wrap key)."""
    kdf = KdfParams.new(iterations)
    auth_key, wrap = login_auth_key(new_password, kdf)
    return auth_key, kdf, wrap_key(wrap, user_key, user_key_aad(user_id))
