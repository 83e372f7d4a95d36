"""The attacks of a server with write access to its database, replayed: the client refuses each.

Every test drives the real client against the real server, then tampers with the database
directly (what a malicious operator or a database thief with write access can do) and shows
that the client notices. docs/security.md points at these tests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from normogen_client.api import NormogenClient
from normogen_client.crypto import (
    DecryptionError,
    Party,
    SignatureError,
    b64e,
    generate_identity,
    make_grant,
    new_key,
)
from normogen_client.families import Families, Family, Invitation
from normogen_client.health import HealthRecords, SyncState
from normogen_client.links import Links, open_link
from normogen_client.models import NotLoggedIn
from normogen_client.seen import RollbackError
from normogen_client.trust import KeyChangedError, UntrustedKeyError, VerificationError
from tests.accounts import new_email
from tests.e2e.conftest import ClientFactory
from tests.support import ThreadedServer

PASSWORD = "a passphrase for the attack tests"
WHEN = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
Db = AsyncDatabase[dict[str, Any]]


@pytest.fixture
def db(auth_server: ThreadedServer, mongo: AsyncMongoClient[dict[str, Any]]) -> Db:
    return mongo[auth_server.settings.MONGODB_DATABASE]


async def account(new_client: ClientFactory) -> tuple[NormogenClient, str]:
    client = new_client()
    email = new_email()
    await client.register(email, PASSWORD)
    return client, email


def party(client: NormogenClient) -> Party:
    assert client.keys is not None
    return client.keys.party


@dataclass(frozen=True, slots=True)
class Invited:
    """An owner's family with one invitation waiting for `member`, and a third party."""

    owner: NormogenClient
    member: NormogenClient
    attacker: NormogenClient
    owners: Families
    members: Families
    family: Family
    invitation: Invitation


async def invited(new_client: ClientFactory, role: str) -> Invited:
    owner, _ = await account(new_client)
    member, member_email = await account(new_client)
    attacker, _ = await account(new_client)
    owners, members = Families(owner), Families(member)
    family = await owners.create("Family")
    await owners.invite(family.id, member_email, role)
    [invitation] = await members.invitations()
    return Invited(owner, member, attacker, owners, members, family, invitation)


async def refused(call: Callable[[], Awaitable[Any]], error: type[Exception]) -> Exception:
    with pytest.raises(error) as caught:
        await call()
    return caught.value


# --- key substitution and forged families ---------------------------------------------------


async def test_a_substituted_member_key_is_refused_on_confirm(
    new_client: ClientFactory, db: Db
) -> None:
    setup = await invited(new_client, "viewer")
    invitee, attacker, owners, theirs = setup.member, setup.attacker, setup.owners, setup.members
    family, invitation = setup.family, setup.invitation
    number = owners.safety_number(party(invitee))  # compared over the phone, before the attack
    await theirs.accept(invitation, safety_number=number)
    # The server now shows the attacker's public key for the invitee.
    await db["users"].update_one(
        {"_id": party(invitee).user_id},
        {"$set": {"public_key": b64e(party(attacker).public_key)}},
    )
    await refused(
        lambda: owners.confirm(family, party(invitee).user_id, safety_number=number),
        VerificationError,
    )
    # Nothing was uploaded: the invitee is still waiting, no grant exists for them.
    [waiting] = [m for m in (await owners.get(family.id)).members if m.status == "accepted"]
    assert waiting.user_id == party(invitee).user_id
    membership = await db["family_members"].find_one(
        {"_id": f"{family.id}:{party(invitee).user_id}"}
    )
    assert membership is not None
    assert membership.get("wrapped_key") is None


async def test_a_pinned_key_that_changes_blocks_loudly(new_client: ClientFactory, db: Db) -> None:
    setup = await invited(new_client, "caregiver")
    owner, member, attacker = setup.owner, setup.member, setup.attacker
    owners, members, family = setup.owners, setup.members, setup.family
    invitation = setup.invitation
    await members.accept(invitation, trust_on_first_use=True)
    await owners.confirm(family, party(member).user_id, trust_on_first_use=True)
    # Later the server swaps the member's identity key: every further grant is refused.
    await db["users"].update_one(
        {"_id": party(member).user_id},
        {"$set": {"identity_key": b64e(party(attacker).identity_key)}},
    )
    error = await refused(lambda: owners.rotate(family), KeyChangedError)
    assert party(member).user_id in str(error)
    # Even an explicit first-use pin does not replace a pin that exists.
    swapped = Party(party(member).user_id, party(attacker).identity_key, party(member).public_key)
    with pytest.raises(KeyChangedError):
        owner.trust.pin_on_first_use(swapped)
    # The family key did not move.
    assert (await db["families"].find_one({"_id": family.id}) or {})["key_epoch"] == 1


async def test_a_forged_family_is_refused(new_client: ClientFactory, db: Db) -> None:
    victim, _ = await account(new_client)
    attacker, _ = await account(new_client)
    forged = await Families(attacker).create("Trust me")
    # The server makes the victim a confirmed caregiver, with a key sealed to them and
    # signed by the family's (attacker) owner: everything but the victim's consent.
    grant = make_grant(
        family_id=forged.id,
        family_epoch=1,
        key=forged.key or b"",
        signer_id=party(attacker).user_id,
        signer_seed=attacker.keys.identity_seed if attacker.keys else b"",
        recipient=party(victim),
    )
    now = datetime.now(UTC)
    await db["family_members"].insert_one(
        {
            "_id": f"{forged.id}:{party(victim).user_id}",
            "family_id": forged.id,
            "user_id": party(victim).user_id,
            "owner_id": party(attacker).user_id,
            "role": "caregiver",
            "status": "confirmed",
            "wrapped_key": grant,
            "created_at": now,
            "updated_at": now,
        }
    )
    health = HealthRecords(victim)
    families = Families(victim, health)
    await refused(families.list_families, UntrustedKeyError)
    assert forged.id not in health.family_keys  # no key: nothing can be written into it
    profile = await Families(attacker).create_profile(forged, "child", {"name": "bait"})
    await refused(lambda: health.profile(profile.id), NotLoggedIn)


async def test_a_grant_not_signed_by_the_pinned_owner_is_refused(
    new_client: ClientFactory, db: Db
) -> None:
    setup = await invited(new_client, "viewer")
    owner, member, attacker = setup.owner, setup.member, setup.attacker
    owners, members, family = setup.owners, setup.members, setup.family
    invitation = setup.invitation
    await members.accept(invitation, safety_number=members.safety_number(party(owner)))
    await owners.confirm(family, party(member).user_id, trust_on_first_use=True)
    assert (await members.list_families())[0].key == family.key
    membership = {"_id": f"{family.id}:{party(member).user_id}"}

    # 1. The server seals its own key to the member and signs with the attacker's key while
    #    naming the owner as signer.
    assert attacker.keys is not None
    fake_key = new_key()
    forged = make_grant(
        family_id=family.id,
        family_epoch=1,
        key=fake_key,
        signer_id=party(owner).user_id,
        signer_seed=attacker.keys.identity_seed,
        recipient=party(member),
    )
    await db["family_members"].update_one(membership, {"$set": {"wrapped_key": forged}})
    await refused(members.list_families, SignatureError)

    # 2. Unsigned (a v1-style sealed key) is refused the same way.
    unsigned = {k: v for k, v in forged.items() if k != "signature"}
    await db["family_members"].update_one(membership, {"$set": {"wrapped_key": unsigned}})
    await refused(members.list_families, SignatureError)

    # 3. The server also swaps the owner's keys it shows: the member's pin catches it.
    seed, identity = generate_identity()
    await db["families"].update_one(
        {"_id": family.id}, {"$set": {"owner_identity_key": b64e(identity)}}
    )
    resigned = make_grant(
        family_id=family.id,
        family_epoch=1,
        key=fake_key,
        signer_id=party(owner).user_id,
        signer_seed=seed,
        recipient=party(member),
    )
    await db["family_members"].update_one(membership, {"$set": {"wrapped_key": resigned}})
    await refused(members.list_families, KeyChangedError)


# --- records: rollback, resurrection, tampering -----------------------------------------------


async def _records_setup(new_client: ClientFactory) -> tuple[HealthRecords, Any]:
    client, _ = await account(new_client)
    health = HealthRecords(client)
    profile = await health.create_profile("elder", {"name": "Mum"})
    return health, profile


async def test_an_older_revision_is_refused(new_client: ClientFactory, db: Db) -> None:
    health, profile = await _records_setup(new_client)
    dose = await health.create_record(
        profile, "medication", {"name": "Ramipril", "strength": 5, "unit": "mg"}, occurred_at=WHEN
    )
    old = await db["records"].find_one({"_id": dose.id})
    updated = await health.update_record(
        profile, dose, data={"name": "Ramipril", "strength": 500, "unit": "mg"}
    )
    assert updated.revision == 2
    # The server serves the 5 mg version again, as it was stored (genuine ciphertext).
    assert old is not None
    await db["records"].replace_one({"_id": dose.id}, old)
    error = await refused(lambda: health.record(profile, dose.id), RollbackError)
    assert "rollback" in str(error)
    state = SyncState()
    await refused(lambda: health.sync(profile, state), RollbackError)
    # Relabelled as revision 2, the old ciphertext no longer authenticates.
    await db["records"].update_one({"_id": dose.id}, {"$set": {"revision": 2}})
    await refused(lambda: health.record(profile, dose.id), DecryptionError)


async def test_a_deleted_record_cannot_come_back(new_client: ClientFactory, db: Db) -> None:
    health, profile = await _records_setup(new_client)
    note = await health.create_record(profile, "note", {"text": "stop aspirin"}, occurred_at=WHEN)
    live = await db["records"].find_one({"_id": note.id})
    await health.delete_record(note)
    assert live is not None
    await db["records"].replace_one({"_id": note.id}, live)  # resurrected, revision 1
    error = await refused(lambda: health.record(profile, note.id), RollbackError)
    assert "resurrection" in str(error)


async def test_a_deletion_seen_in_sync_cannot_be_undone(new_client: ClientFactory, db: Db) -> None:
    health, profile = await _records_setup(new_client)
    note = await health.create_record(profile, "note", {"text": "x"}, occurred_at=WHEN)
    live = await db["records"].find_one({"_id": note.id})
    other_device = HealthRecords(health.client)  # same state store, another view
    state = SyncState()
    await other_device.sync(profile, state)
    await other_device.delete_record(state.records[note.id])
    await other_device.sync(profile, state)
    assert state.records == {}
    assert live is not None
    # Back as it was, with a fresh feed position so the feed delivers it again.
    counter = await db["profiles"].find_one({"_id": profile.id})
    assert counter is not None
    await db["records"].replace_one({"_id": note.id}, {**live, "seq": counter["seq"] + 1})
    await db["profiles"].update_one({"_id": profile.id}, {"$inc": {"seq": 1}})
    await refused(lambda: other_device.sync(profile, state), RollbackError)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param({"occurred_at": WHEN + timedelta(days=1)}, id="shifted date"),
        pytest.param({"source": "lab"}, id="forged source"),
        pytest.param({"tags": []}, id="dropped tag"),
        pytest.param({"kind": "note"}, id="changed kind"),
        pytest.param({"key_epoch": 2}, id="other key epoch"),
    ],
)
async def test_plaintext_fields_are_bound(
    new_client: ClientFactory, db: Db, tamper: dict[str, Any]
) -> None:
    health, profile = await _records_setup(new_client)
    record = await health.create_record(
        profile,
        "medication",
        {"name": "Metformin"},
        occurred_at=WHEN,
        source="manual",
        tags=["diabetes"],
    )
    await db["records"].update_one({"_id": record.id}, {"$set": tamper})
    await refused(lambda: health.record(profile, record.id), DecryptionError)


async def test_payloads_and_profiles_cannot_be_swapped(new_client: ClientFactory, db: Db) -> None:
    health, mum = await _records_setup(new_client)
    dad = await health.create_profile("elder", {"name": "Dad"})
    a = await health.create_record(mum, "note", {"text": "a"}, occurred_at=WHEN)
    b = await health.create_record(mum, "note", {"text": "b"}, occurred_at=WHEN)
    stored_b = await db["records"].find_one({"_id": b.id})
    assert stored_b is not None
    await db["records"].update_one({"_id": a.id}, {"$set": {"payload": stored_b["payload"]}})
    await refused(lambda: health.record(mum, a.id), DecryptionError)
    # Whole-object swaps between profiles: metadata, then the wrapped key.
    mum_doc = await db["profiles"].find_one({"_id": mum.id})
    dad_doc = await db["profiles"].find_one({"_id": dad.id})
    assert mum_doc is not None
    assert dad_doc is not None
    await db["profiles"].update_one({"_id": mum.id}, {"$set": {"encrypted": dad_doc["encrypted"]}})
    await refused(lambda: health.profile(mum.id), DecryptionError)
    await db["profiles"].update_one(
        {"_id": mum.id},
        {"$set": {"encrypted": mum_doc["encrypted"], "wrapped_key": dad_doc["wrapped_key"]}},
    )
    await refused(lambda: health.profile(mum.id), DecryptionError)


async def test_family_names_and_keys_cannot_be_swapped(new_client: ClientFactory, db: Db) -> None:
    owner, _ = await account(new_client)
    families = Families(owner)
    first = await families.create("First")
    second = await families.create("Second")
    other = await db["families"].find_one({"_id": second.id})
    assert other is not None
    await db["families"].update_one({"_id": first.id}, {"$set": {"encrypted": other["encrypted"]}})
    await refused(lambda: families.get(first.id), DecryptionError)
    grant = await db["family_members"].find_one({"_id": f"{second.id}:{party(owner).user_id}"})
    assert grant is not None
    first_doc = await db["families"].find_one({"_id": second.id})
    assert first_doc is not None
    await db["families"].update_one(
        {"_id": first.id}, {"$set": {"encrypted": first_doc["encrypted"]}}
    )
    await db["family_members"].update_one(
        {"_id": f"{first.id}:{party(owner).user_id}"},
        {"$set": {"wrapped_key": grant["wrapped_key"]}},
    )
    await refused(lambda: families.get(first.id), SignatureError)


async def test_a_rolled_back_family_key_is_refused(new_client: ClientFactory, db: Db) -> None:
    owner, _ = await account(new_client)
    families = Families(owner)
    family = await families.create("Family")
    before = await db["families"].find_one({"_id": family.id})
    grant_before = await db["family_members"].find_one(
        {"_id": f"{family.id}:{party(owner).user_id}"}
    )
    rotated = await families.rotate(family)
    assert rotated.key_epoch == 2
    assert before is not None
    assert grant_before is not None
    await db["families"].replace_one({"_id": family.id}, before)
    await db["family_members"].replace_one({"_id": grant_before["_id"]}, grant_before)
    await refused(lambda: families.get(family.id), RollbackError)


async def test_link_payloads_cannot_be_swapped(new_client: ClientFactory, db: Db) -> None:
    owner, _ = await account(new_client)
    links = Links(owner)
    first = await links.create({"v": "first"}, expires_in=timedelta(hours=1), label="one")
    second = await links.create({"v": "second"}, expires_in=timedelta(hours=1), label="two")
    other = await db["share_links"].find_one({"_id": second.id})
    assert other is not None
    await db["share_links"].update_one(
        {"_id": first.id}, {"$set": {"payload": other["payload"], "label": other["label"]}}
    )
    await refused(lambda: links.get(first.id), DecryptionError)
    await refused(lambda: open_link(first.url), DecryptionError)
    assert await open_link(second.url) == {"v": "second"}


async def test_a_substituted_own_key_fails_login(new_client: ClientFactory, db: Db) -> None:
    client, email = await account(new_client)
    _, identity = generate_identity()
    await db["users"].update_one(
        {"_id": party(client).user_id}, {"$set": {"identity_key": b64e(identity)}}
    )
    again = new_client()
    await refused(lambda: again.login(email, PASSWORD), DecryptionError)
    assert again.keys is None
