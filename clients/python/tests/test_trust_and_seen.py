"""Grants, the trust store and the rollback guard, offline (docs/crypto.md sections 6, 7, 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normogen_client.crypto import (
    Party,
    SignatureError,
    generate_identity,
    generate_keypair,
    make_grant,
    new_key,
    open_grant,
    safety_number,
)
from normogen_client.seen import RollbackError, SeenState
from normogen_client.trust import (
    KeyChangedError,
    TrustStore,
    UntrustedKeyError,
    VerificationError,
    party_fingerprint,
    safety_number_of,
)

FAMILY = "2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a3c5e7f"


def person(user_id: str) -> tuple[Party, bytes, bytes]:
    """(party, identity seed, X25519 private key)."""
    seed, identity = generate_identity()
    private, public = generate_keypair()
    return Party(user_id, identity, public), seed, private


def test_a_grant_opens_only_for_its_recipient_family_epoch_and_signer() -> None:
    owner, owner_seed, _ = person("a" * 32)
    member, _, member_private = person("b" * 32)
    stranger, stranger_seed, _ = person("c" * 32)
    key = new_key()
    grant = make_grant(
        family_id=FAMILY,
        family_epoch=3,
        key=key,
        signer_id=owner.user_id,
        signer_seed=owner_seed,
        recipient=member,
    )
    opened = open_grant(
        grant, family_id=FAMILY, family_epoch=3, me=member, private_key=member_private, signer=owner
    )
    assert opened == key
    for family_id, epoch, signer in (
        ("2c4e6a8b-0d1f-4a3c-8e5b-000000000000", 3, owner),  # moved to another family
        (FAMILY, 2, owner),  # served at another epoch
        (FAMILY, 3, stranger),  # a signer the member did not expect
    ):
        with pytest.raises(SignatureError):
            open_grant(
                grant,
                family_id=family_id,
                family_epoch=epoch,
                me=member,
                private_key=member_private,
                signer=signer,
            )
    forged = make_grant(
        family_id=FAMILY,
        family_epoch=3,
        key=new_key(),
        signer_id=owner.user_id,  # claims the owner, signed by the stranger
        signer_seed=stranger_seed,
        recipient=member,
    )
    with pytest.raises(SignatureError, match="does not verify"):
        open_grant(
            forged,
            family_id=FAMILY,
            family_epoch=3,
            me=member,
            private_key=member_private,
            signer=owner,
        )
    for broken in (
        {k: v for k, v in grant.items() if k != "signature"},
        {**grant, "v": 1},
        {**grant, "signature": grant["signature"][:-4] + "AAA="},
        "not a grant",
    ):
        with pytest.raises(SignatureError):
            open_grant(
                broken,  # type: ignore[arg-type]  # deliberately malformed input
                family_id=FAMILY,
                family_epoch=3,
                me=member,
                private_key=member_private,
                signer=owner,
            )


def test_the_safety_number_is_symmetric_and_covers_every_key() -> None:
    alice, _, _ = person("a" * 32)
    bob, _, _ = person("b" * 32)
    number = safety_number_of(alice, bob)
    assert number == safety_number_of(bob, alice)
    groups = number.split(" ")
    assert len(groups) == 12
    assert all(len(g) == 5 and g.isdigit() for g in groups)
    other, _, _ = person("b" * 32)
    for changed in (
        Party(bob.user_id, other.identity_key, bob.public_key),
        Party(bob.user_id, bob.identity_key, other.public_key),
        Party("d" * 32, bob.identity_key, bob.public_key),
    ):
        assert safety_number_of(alice, changed) != number
    assert number == safety_number(party_fingerprint(bob), party_fingerprint(alice))


def test_trust_store_pins_verifies_and_refuses_changes(tmp_path: Path) -> None:
    me, _, _ = person("a" * 32)
    bob, _, _ = person("b" * 32)
    impostor, _, _ = person("b" * 32)
    path = tmp_path / "trust.json"
    store = TrustStore(path)
    with pytest.raises(UntrustedKeyError):
        store.check(bob)
    with pytest.raises(VerificationError):
        store.verify(bob, me, safety_number_of(me, impostor))
    with pytest.raises(UntrustedKeyError):
        store.check(bob)  # a failed verification pins nothing
    typed = safety_number_of(me, bob).replace(" ", "-")  # typed with other separators
    assert store.verify(bob, me, typed).method == "verified"
    assert store.check(bob).method == "verified"
    with pytest.raises(KeyChangedError):
        store.check(impostor)
    with pytest.raises(KeyChangedError):
        store.pin_on_first_use(impostor)
    # Persisted with owner-only permissions, and reloaded.
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text())["pins"][bob.user_id]["method"] == "verified"
    again = TrustStore(path)
    assert again.check(bob).fingerprint == party_fingerprint(bob).hex()
    # Only an explicit verification replaces a pin.
    assert again.verify(impostor, me, safety_number_of(me, impostor)).method == "verified"
    with pytest.raises(KeyChangedError):
        again.check(bob)


def test_seen_state_refuses_rollback_resurrection_and_feed_regressions() -> None:
    seen = SeenState()
    seen.record("r", 1)
    seen.record("r", 3)
    seen.record("r", 3)  # the same revision again is fine
    with pytest.raises(RollbackError, match="rollback"):
        seen.record("r", 2)
    seen.deleted("r", 4)
    for revision in (1, 3, 4):
        with pytest.raises(RollbackError, match="resurrection"):
            seen.record("r", revision)
    seen.feed_position("p", 5)
    with pytest.raises(RollbackError):
        seen.feed_position("p", 5)
    seen.reset_feed("p")
    seen.feed_position("p", 1)
    seen.family_epoch("f", 2)
    with pytest.raises(RollbackError):
        seen.family_epoch("f", 1)
    seen.profile_epoch("q", 3)
    with pytest.raises(RollbackError):
        seen.profile_epoch("q", 2)
    restored = SeenState.from_json(json.loads(json.dumps(seen.to_json())))
    assert restored == seen
    with pytest.raises(RollbackError):
        restored.record("r", 4)
