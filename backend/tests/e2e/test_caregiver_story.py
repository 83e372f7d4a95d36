"""End to end with the real crypto: a family looks after a child together.

A parent creates a family and a child profile in it, invites a co-parent as caregiver and a
grandparent as viewer, and confirms both by sealing the family key to their public keys. The
grandparent reads the child's records but cannot write; the parent removes the grandparent
and access ends at once, including the grandparent's sync.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from normogen_client.api import NormogenClient
from normogen_client.crypto import CryptoError
from normogen_client.families import Families, key_fingerprint
from normogen_client.health import HealthRecords, SyncState
from normogen_client.models import ApiError
from tests.accounts import new_email
from tests.e2e.conftest import ClientFactory

PASSWORD = "family passphrase, long enough"
BIRTHDAY = datetime(2026, 2, 14, 7, 45, tzinfo=UTC)


async def account(new_client: ClientFactory) -> tuple[NormogenClient, str]:
    client = new_client()
    email = new_email()
    await client.register(email, PASSWORD)
    return client, email


async def test_the_caregiver_story(new_client: ClientFactory) -> None:
    parent, _ = await account(new_client)
    co_parent, co_parent_email = await account(new_client)
    gran, gran_email = await account(new_client)
    parent_health, co_health, gran_health = (HealthRecords(c) for c in (parent, co_parent, gran))
    parents = Families(parent, parent_health)
    co_parents = Families(co_parent, co_health)
    grans = Families(gran, gran_health)

    # The parent creates the family and the child's profile in it.
    family = await parents.create("The Lovelaces")
    assert family.name == "The Lovelaces"
    child = await parents.create_profile(family, "child", {"name": "Ada"})
    weight = await parent_health.create_record(
        child, "health_data", {"weight_kg": 3.4}, occurred_at=BIRTHDAY, tags=["growth"]
    )

    # Invitations: the invitees see them, accept, and the parent confirms with sealed keys.
    await parents.invite(family.id, co_parent_email, "caregiver")
    await parents.invite(family.id, gran_email, "viewer")
    for families, client in ((co_parents, co_parent), (grans, gran)):
        [invitation] = await families.invitations()
        assert invitation.family_id == family.id
        joined = await families.accept(invitation.id)
        assert (joined.status, joined.key, joined.name) == ("accepted", None, None)
        assert client.keys is not None
        member_id = client.session().user_id
        fingerprint = key_fingerprint(client.keys.public_key)  # read out over the phone
        confirmed = await parents.confirm(family, member_id, expected_fingerprint=fingerprint)
        assert confirmed.status == "confirmed"

    # The grandparent unlocks the family key and reads the child's records.
    [gran_family] = await grans.list_families()
    assert (gran_family.name, gran_family.role, gran_family.key) == (
        "The Lovelaces",
        "viewer",
        family.key,
    )
    [gran_child] = await gran_health.profiles()
    assert (gran_child.id, gran_child.metadata, gran_child.role) == (
        child.id,
        {"name": "Ada"},
        "viewer",
    )
    assert await gran_health.record(gran_child, weight.id) == weight
    state = SyncState()
    await gran_health.sync(gran_child, state)
    assert list(state.records) == [weight.id]

    # ... but cannot write.
    with pytest.raises(ApiError) as denied:
        await gran_health.create_record(gran_child, "note", {"text": "hi"}, occurred_at=BIRTHDAY)
    assert denied.value.status == 403
    with pytest.raises(ApiError) as denied_update:
        await gran_health.update_record(gran_child, weight, data={"weight_kg": 9})
    assert denied_update.value.status == 403

    # The co-parent writes; the parent and the grandparent read it.
    await co_parents.list_families()
    [co_child] = await co_health.profiles()
    note = await co_health.create_record(
        co_child, "note", {"text": "first smile"}, occurred_at=BIRTHDAY
    )
    assert (await parent_health.record(child, note.id)).data == {"text": "first smile"}
    await gran_health.sync(gran_child, state)
    assert set(state.records) == {weight.id, note.id}

    # The parent removes the grandparent: access ends at once.
    gran_id = gran.session().user_id
    await parents.remove(family.id, gran_id)
    with pytest.raises(ApiError) as gone:
        await gran_health.record(gran_child, weight.id)
    assert gone.value.status == 404
    assert await gran_health.profiles() == []
    assert await grans.list_families() == []
    with pytest.raises(ApiError) as revoked:
        await gran_health.sync(gran_child, state)
    assert (revoked.value.status, revoked.value.code) == (403, "access_revoked")
    # The others carry on.
    assert (await co_health.record(co_child, weight.id)).data == {"weight_kg": 3.4}
    members = (await parents.get(family.id)).members
    assert {m.user_id for m in members} == {parent.session().user_id, co_parent.session().user_id}


async def test_a_substituted_public_key_is_refused(new_client: ClientFactory) -> None:
    owner, _ = await account(new_client)
    invitee, invitee_email = await account(new_client)
    families = Families(owner)
    family = await families.create("Family")
    await families.invite(family.id, invitee_email, "viewer")
    theirs = Families(invitee)
    [invitation] = await theirs.invitations()
    await theirs.accept(invitation.id)
    with pytest.raises(CryptoError):
        await families.confirm(
            family, invitee.session().user_id, expected_fingerprint=key_fingerprint(b"\x01" * 32)
        )
    # Nothing was uploaded: the invitee is still waiting.
    [waiting] = [m for m in (await families.get(family.id)).members if m.status == "accepted"]
    assert waiting.user_id == invitee.session().user_id
