"""End to end with the real crypto: a family looks after a child together.

A parent creates a family and a child profile in it, invites a co-parent as caregiver and a
grandparent as viewer; each side verifies the other's safety number, then the parent grants
the family key (sealed and signed). The grandparent reads the child's records but cannot
write; the parent removes the grandparent, which rotates the family key: access ends at once,
and nothing written afterwards opens with the keys the grandparent kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from normogen_client.api import NormogenClient
from normogen_client.crypto import DecryptionError, Envelope, decrypt_json
from normogen_client.crypto.contexts import record_aad
from normogen_client.families import Families, VerificationRequired
from normogen_client.health import HealthRecords, SyncState
from normogen_client.models import ApiError
from normogen_client.records import wire_time
from tests.accounts import new_email
from tests.e2e.conftest import ClientFactory
from tests.support import ThreadedServer

PASSWORD = "family passphrase, long enough"
BIRTHDAY = datetime(2026, 2, 14, 7, 45, tzinfo=UTC)


async def account(new_client: ClientFactory) -> tuple[NormogenClient, str]:
    client = new_client()
    email = new_email()
    await client.register(email, PASSWORD)
    return client, email


async def test_the_caregiver_story(
    new_client: ClientFactory, auth_server: ThreadedServer, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
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

    # Invitations: each side compares the safety number out of band (both see the same one),
    # the invitee accepts, the parent grants the family key.
    await parents.invite(family.id, co_parent_email, "caregiver")
    await parents.invite(family.id, gran_email, "viewer")
    assert parent.keys is not None
    for families, client in ((co_parents, co_parent), (grans, gran)):
        [invitation] = await families.invitations()
        assert invitation.family_id == family.id
        assert invitation.owner == parent.keys.party
        assert client.keys is not None
        number = parents.safety_number(client.keys.party)
        assert number == families.safety_number(parent.keys.party)
        assert len(number.split()) == 12
        with pytest.raises(VerificationRequired):
            await families.accept(invitation)  # verification is not optional
        joined = await families.accept(invitation, safety_number=number)
        assert (joined.status, joined.key, joined.name) == ("accepted", None, None)
        member_id = client.session().user_id
        with pytest.raises(VerificationRequired):
            await parents.confirm(family, member_id)
        confirmed = await parents.confirm(family, member_id, safety_number=number)
        assert confirmed.status == "confirmed"

    # The grandparent unlocks the family key and reads the child's records.
    [gran_family] = await grans.list_families()
    assert (gran_family.name, gran_family.role, gran_family.key) == (
        "The Lovelaces",
        "viewer",
        family.key,
    )
    # The member's client shows which owner signed the key, and the number to compare.
    assert gran_family.signed_by == parent.session().user_id
    assert gran_family.owner_safety_number == grans.safety_number(parent.keys.party)
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

    # The parent removes the grandparent: the family key rotates, access ends at once.
    kept_family_key = gran_family.key
    kept_profile_keys = dict(gran_child.keys)
    gran_id = gran.session().user_id
    await parents.remove(family, gran_id)
    with pytest.raises(ApiError) as gone:
        await gran_health.record(gran_child, weight.id)
    assert gone.value.status == 404
    assert await gran_health.profiles() == []
    assert await grans.list_families() == []
    with pytest.raises(ApiError) as revoked:
        await gran_health.sync(gran_child, state)
    assert (revoked.value.status, revoked.value.code) == (403, "access_revoked")
    # The others carry on under the new keys; the old records still open (key history).
    [co_family] = await co_parents.list_families()
    assert co_family.key_epoch == 2
    assert co_family.key not in (None, kept_family_key)
    [co_child] = await co_health.profiles()
    assert co_child.key_epoch == 2
    assert co_child.key not in kept_profile_keys.values()
    assert (await co_health.record(co_child, weight.id)).data == {"weight_kg": 3.4}
    members = (await parents.get(family.id)).members
    assert {m.user_id for m in members} == {parent.session().user_id, co_parent.session().user_id}

    # A writer still holding the old profile key is refused: nothing new goes under it.
    with pytest.raises(ApiError) as stale:
        await parent_health.create_record(child, "note", {"text": "x"}, occurred_at=BIRTHDAY)
    assert (stale.value.status, stale.value.code) == (409, "stale_key_epoch")

    # Written after the removal: the grandparent, even with a copy of the database and every
    # key they ever held, cannot read it.
    later = await co_health.create_record(
        co_child, "note", {"text": "after gran left"}, occurred_at=BIRTHDAY
    )
    stored = await mongo[auth_server.settings.MONGODB_DATABASE]["records"].find_one(
        {"_id": later.id}
    )
    assert stored is not None
    aad = record_aad(
        co_child.id,
        later.id,
        "note",
        stored["key_epoch"],
        stored["revision"],
        wire_time(later.occurred_at),
        None,
        stored["tags"],
    )
    assert stored["key_epoch"] == 2
    for key in [*kept_profile_keys.values(), kept_family_key]:
        assert key is not None
        with pytest.raises(DecryptionError):
            decrypt_json(key, Envelope.from_json(stored["payload"]), aad)
    assert decrypt_json(co_child.key, Envelope.from_json(stored["payload"]), aad)["data"] == {
        "text": "after gran left"
    }
