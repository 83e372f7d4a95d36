"""Recovery phrases: format, checksum, tolerant parsing, and the recovery key schedule."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normogen_client.crypto import (
    CryptoError,
    DecryptionError,
    create_account,
    generate_recovery_phrase,
    login_auth_key,
    normalize_recovery_phrase,
    recover_user_key,
    recovery_keys,
    recovery_material,
    rewrap_for_new_password,
    unlock,
)

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PHRASE_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$")
ITERATIONS = 1000


def spec_phrase(body: str) -> str:
    """The README's phrase format built independently: body + 20-bit SHA-256 check, grouped."""
    check_bits = int.from_bytes(hashlib.sha256(body.encode()).digest()[:3], "big") >> 4
    check = "".join(ALPHABET[(check_bits >> shift) & 31] for shift in (15, 10, 5, 0))
    text = body + check
    return "-".join(text[i : i + 4] for i in range(0, 32, 4))


def test_generated_phrase_format_and_entropy() -> None:
    phrases = {generate_recovery_phrase() for _ in range(200)}
    assert len(phrases) == 200
    for phrase in phrases:
        assert PHRASE_RE.match(phrase), phrase
        assert normalize_recovery_phrase(phrase) == phrase
        assert spec_phrase(phrase.replace("-", "")[:28]) == phrase
    # Every symbol of the alphabet turns up in the random bodies (uniform choice, 140 bits).
    assert set("".join(p.replace("-", "")[:28] for p in phrases)) == set(ALPHABET)


def test_normalisation_tolerates_case_separators_and_lookalikes() -> None:
    phrase = spec_phrase("0123456789ABCDEFGHJKMNPQRSTV")
    assert normalize_recovery_phrase(phrase) == phrase
    squashed = phrase.replace("-", "").lower()
    assert normalize_recovery_phrase(squashed) == phrase
    assert normalize_recovery_phrase("  " + phrase.replace("-", " ") + "\n") == phrase
    lookalikes = phrase.replace("0", "o", 1).replace("1", "I", 1)
    assert normalize_recovery_phrase(lookalikes) == phrase
    assert normalize_recovery_phrase(phrase.replace("1", "l", 1)) == phrase


def test_bad_checksum_symbols_and_lengths_are_rejected() -> None:
    phrase = spec_phrase("7JT06BKWFFWDWGVXV0ERM3G91MCP")
    typo = "8" + phrase[1:]
    assert spec_phrase(typo.replace("-", "")[:28]) != typo  # the typo really breaks the check
    with pytest.raises(CryptoError, match="checksum"):
        normalize_recovery_phrase(typo)
    for bad in [phrase[:-1], phrase + "0", "U" + phrase[1:], phrase.replace("-", "_"), ""]:
        with pytest.raises(CryptoError):
            normalize_recovery_phrase(bad)


@given(
    body=st.text(alphabet=ALPHABET, min_size=28, max_size=28),
    data=st.data(),
)
def test_any_spelling_normalises_to_the_canonical_phrase(body: str, data: st.DataObject) -> None:
    phrase = spec_phrase(body)
    chars = []
    for char in phrase.replace("-", ""):
        if data.draw(st.booleans()):
            char = char.lower()
        chars.append(char + data.draw(st.sampled_from(["", "", "-", " "])))
    assert normalize_recovery_phrase("".join(chars)) == phrase


def test_recovery_material_round_trip_and_reset_flow() -> None:
    account = create_account("forgotten password", ITERATIONS)
    phrase = generate_recovery_phrase()
    auth_key, kdf, wrapped = recovery_material(
        account.user_id, phrase, account.user_key, ITERATIONS
    )
    assert auth_key != account.auth_key
    # The user types the phrase back sloppily; same keys.
    assert recovery_keys(phrase.lower().replace("-", " "), kdf)[0] == auth_key
    user_key = recover_user_key(account.user_id, phrase, kdf, wrapped)
    assert user_key == account.user_key
    # Bound to the account and the purpose: not another user's, not a password wrap.
    with pytest.raises(DecryptionError):
        recover_user_key("0" * 32, phrase, kdf, wrapped)
    # Reset: a new password wraps the same user key, and the private keys still unlock.
    new_auth, new_kdf, new_wrapped = rewrap_for_new_password(
        account.user_id, user_key, "new password", ITERATIONS
    )
    _, new_wrap = login_auth_key("new password", new_kdf)
    assert new_auth == login_auth_key("new password", new_kdf)[0]
    unlocked = unlock(
        account.user_id,
        new_wrap,
        new_wrapped,
        account.wrapped_private_key,
        account.wrapped_identity_key,
        public_key=account.public_key,
        identity_key=account.identity_key,
    )
    assert (unlocked.user_key, unlocked.private_key) == (account.user_key, account.private_key)


def test_recovery_keys_differ_from_password_keys_for_the_same_secret() -> None:
    phrase = generate_recovery_phrase()
    account = create_account(phrase, ITERATIONS)
    assert recovery_keys(phrase, account.kdf) != login_auth_key(phrase, account.kdf)


def test_wrong_phrase_cannot_recover() -> None:
    account = create_account("pw", ITERATIONS)
    _, kdf, wrapped = recovery_material(
        account.user_id, generate_recovery_phrase(), account.user_key, ITERATIONS
    )
    with pytest.raises(DecryptionError):
        recover_user_key(account.user_id, generate_recovery_phrase(), kdf, wrapped)
    with pytest.raises(CryptoError):
        recovery_keys("not a phrase", kdf)
