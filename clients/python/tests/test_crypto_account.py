"""Account key schedule: creation, login, unlock, password change, KDF parameter strictness."""

from __future__ import annotations

import hashlib
import hmac
import inspect
import unicodedata
from typing import Any

import pytest

from normogen_client.crypto import (
    MIN_ITERATIONS,
    CryptoError,
    DecryptionError,
    Envelope,
    KdfParams,
    b64d,
    create_account,
    decrypt,
    derive_auth_and_wrap_keys,
    derive_master_key,
    identity_public,
    login_auth_key,
    registration_payload,
    rewrap_for_new_password,
    unlock,
    unwrap_key,
)
from normogen_client.crypto.contexts import identity_key_aad, private_key_aad, user_key_aad

ITERATIONS = 1000


def spec_hkdf(ikm: bytes, info: bytes) -> bytes:
    """RFC 5869 with an absent salt, written from the RFC with the standard library only."""
    prk = hmac.new(b"\x00" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def spec_keys(password: str, kdf: KdfParams) -> tuple[bytes, bytes]:
    """The README's account key schedule, independently of the code under test."""
    secret = unicodedata.normalize("NFKC", password).encode("utf-8")
    master = hashlib.pbkdf2_hmac("sha256", secret, kdf.salt, kdf.iterations, 32)
    return spec_hkdf(master, b"normogen/v2/auth-key"), spec_hkdf(master, b"normogen/v2/wrap-key")


def test_login_keys_follow_the_documented_schedule() -> None:
    kdf = KdfParams.new(ITERATIONS)
    assert login_auth_key("correct horse", kdf) == spec_keys("correct horse", kdf)


def test_recovery_purpose_uses_its_own_hkdf_infos() -> None:
    master = bytes(range(32))
    assert derive_auth_and_wrap_keys(master, "recovery") == (
        spec_hkdf(master, b"normogen/v2/recovery-auth-key"),
        spec_hkdf(master, b"normogen/v2/recovery-wrap-key"),
    )
    with pytest.raises(CryptoError):
        derive_auth_and_wrap_keys(master, "other")  # type: ignore[arg-type]
    with pytest.raises(CryptoError):
        derive_auth_and_wrap_keys(master[:16])


def test_passwords_are_nfkc_normalised() -> None:
    kdf = KdfParams.new(ITERATIONS)
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    assert derive_master_key(composed, kdf) == derive_master_key(decomposed, kdf)
    assert derive_master_key("\ufb01le", kdf) == derive_master_key("file", kdf)
    assert derive_master_key("Cafe", kdf) != derive_master_key("cafe", kdf)
    with pytest.raises(CryptoError):
        derive_master_key("", kdf)


def test_create_account_wraps_with_the_documented_aads() -> None:
    secrets = create_account("correct horse", ITERATIONS)
    assert (secrets.auth_key, secrets.wrap_key) == spec_keys("correct horse", secrets.kdf)
    assert len({secrets.auth_key, secrets.wrap_key, secrets.user_key}) == 3
    uid = secrets.user_id
    assert len(uid) == 32
    assert int(uid, 16) >= 0
    user_key = decrypt(secrets.wrap_key, secrets.wrapped_user_key, user_key_aad(uid))
    assert user_key == secrets.user_key
    private = decrypt(secrets.user_key, secrets.wrapped_private_key, private_key_aad(uid))
    assert private == secrets.private_key
    seed = decrypt(secrets.user_key, secrets.wrapped_identity_key, identity_key_aad(uid))
    assert identity_public(seed) == secrets.identity_key
    with pytest.raises(DecryptionError):
        unwrap_key(secrets.wrap_key, secrets.wrapped_user_key, private_key_aad(uid))
    # Bound to the account: the same wrap under another user id does not open.
    with pytest.raises(DecryptionError):
        unwrap_key(secrets.wrap_key, secrets.wrapped_user_key, user_key_aad("0" * 32))


def test_secrets_stay_out_of_repr() -> None:
    secrets = create_account("correct horse", ITERATIONS)
    text = repr(secrets)
    for value in (
        secrets.auth_key,
        secrets.wrap_key,
        secrets.user_key,
        secrets.private_key,
        secrets.identity_seed,
    ):
        assert repr(value) not in text


def test_registration_payload_shape_and_round_trip() -> None:
    secrets = create_account("correct horse", ITERATIONS)
    payload: dict[str, Any] = registration_payload(secrets)
    assert set(payload) == {
        "user_id",
        "auth_key",
        "kdf",
        "wrapped_user_key",
        "public_key",
        "wrapped_private_key",
        "identity_key",
        "wrapped_identity_key",
    }
    assert payload["user_id"] == secrets.user_id
    assert b64d(payload["auth_key"]) == secrets.auth_key
    assert b64d(payload["public_key"]) == secrets.public_key
    kdf = KdfParams.from_json(payload["kdf"], min_iterations=ITERATIONS)
    assert kdf == secrets.kdf
    auth_key, wrap = login_auth_key("correct horse", kdf)
    assert auth_key == secrets.auth_key
    unlocked = unlock(
        payload["user_id"],
        wrap,
        Envelope.from_json(payload["wrapped_user_key"]),
        Envelope.from_json(payload["wrapped_private_key"]),
        Envelope.from_json(payload["wrapped_identity_key"]),
        public_key=b64d(payload["public_key"]),
        identity_key=b64d(payload["identity_key"]),
    )
    assert (unlocked.user_key, unlocked.private_key, unlocked.identity_seed) == (
        secrets.user_key,
        secrets.private_key,
        secrets.identity_seed,
    )
    flat = repr(payload)
    for secret in (secrets.wrap_key, secrets.user_key, secrets.private_key, secrets.identity_seed):
        assert repr(secret) not in flat


def test_wrong_password_cannot_unlock() -> None:
    secrets = create_account("correct horse", ITERATIONS)
    auth_key, wrap = login_auth_key("correct hors3", secrets.kdf)
    assert auth_key != secrets.auth_key
    with pytest.raises(DecryptionError):
        _unlock(secrets, wrap)


def _unlock(secrets: Any, wrap: bytes, **published: bytes) -> Any:
    return unlock(
        secrets.user_id,
        wrap,
        secrets.wrapped_user_key,
        secrets.wrapped_private_key,
        secrets.wrapped_identity_key,
        public_key=published.get("public_key", secrets.public_key),
        identity_key=published.get("identity_key", secrets.identity_key),
    )


def test_unlock_checks_both_published_public_keys() -> None:
    alice = create_account("alice pw", ITERATIONS)
    bob = create_account("bob pw", ITERATIONS)
    assert _unlock(alice, alice.wrap_key).user_key == alice.user_key
    with pytest.raises(DecryptionError, match="public key"):
        _unlock(alice, alice.wrap_key, public_key=bob.public_key)
    with pytest.raises(DecryptionError, match="identity key"):
        _unlock(alice, alice.wrap_key, identity_key=bob.identity_key)


def test_rewrap_keeps_the_user_key_and_retires_the_old_password() -> None:
    secrets = create_account("old password", ITERATIONS)
    auth_key, kdf, wrapped = rewrap_for_new_password(
        secrets.user_id, secrets.user_key, "new password", ITERATIONS
    )
    assert kdf.salt != secrets.kdf.salt
    assert auth_key != secrets.auth_key
    new_auth, new_wrap = login_auth_key("new password", kdf)
    assert new_auth == auth_key
    secrets.wrapped_user_key = wrapped
    unlocked = _unlock(secrets, new_wrap)
    assert (unlocked.user_key, unlocked.private_key) == (secrets.user_key, secrets.private_key)
    _, old_wrap = login_auth_key("old password", kdf)
    with pytest.raises(DecryptionError):
        _unlock(secrets, old_wrap)


def test_default_iterations_meet_the_owasp_floor() -> None:
    assert MIN_ITERATIONS >= 600_000
    for fn in (create_account, rewrap_for_new_password, KdfParams.new):
        default = inspect.signature(fn).parameters["iterations"].default
        assert default >= 600_000, fn
    secrets = create_account("correct horse")
    assert secrets.kdf.iterations >= 600_000
    assert login_auth_key("correct horse", KdfParams.from_json(secrets.kdf.to_json()))[0] == (
        secrets.auth_key
    )


def test_kdf_json_round_trip_and_downgrade_guard() -> None:
    strong = KdfParams.new()
    assert KdfParams.from_json(strong.to_json()) == strong
    weak = KdfParams.new(ITERATIONS).to_json()
    with pytest.raises(CryptoError, match="at least"):
        KdfParams.from_json(weak)
    assert KdfParams.from_json(weak, min_iterations=ITERATIONS).iterations == ITERATIONS
    with pytest.raises(CryptoError):
        KdfParams.from_json(weak, min_iterations=ITERATIONS + 1)


BAD_KDF: list[tuple[str, dict[str, Any]]] = [
    ("algorithm", {"algorithm": "pbkdf2-sha1"}),
    ("iterations bool", {"iterations": True}),
    ("iterations float", {"iterations": 1000.0}),
    ("iterations string", {"iterations": "1000"}),
    ("iterations zero", {"iterations": 0}),
    ("iterations huge", {"iterations": 10**9}),
    ("salt short", {"salt": "AAAAAAAAAAAAAAAAAAAA"}),
    ("salt not base64", {"salt": "!!!!"}),
    ("extra key", {"hash": "sha256"}),
]


@pytest.mark.parametrize(("label", "change"), BAD_KDF, ids=[b[0] for b in BAD_KDF])
def test_kdf_from_json_is_strict(label: str, change: dict[str, Any]) -> None:
    with pytest.raises(CryptoError):
        KdfParams.from_json({**KdfParams.new(ITERATIONS).to_json(), **change}, min_iterations=1)


def test_kdf_from_json_requires_every_field() -> None:
    obj = KdfParams.new(ITERATIONS).to_json()
    del obj["salt"]
    with pytest.raises(CryptoError, match="salt"):
        KdfParams.from_json(obj, min_iterations=1)
