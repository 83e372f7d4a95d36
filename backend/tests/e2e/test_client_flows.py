"""End-to-end: the reference client registers, logs in, refreshes, re-keys and deletes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from normogen_client.crypto import Envelope, decrypt_json, encrypt_json
from normogen_client.health import HealthRecords
from normogen_client.links import Links
from normogen_client.models import ApiError, AuthenticationError, NotLoggedIn
from tests.accounts import new_email
from tests.e2e.conftest import ClientFactory

WHEN = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

PASSWORD = "first passphrase, long enough"
NEW_PASSWORD = "second passphrase, also long"


async def test_register_login_use_refresh_logout(new_client: ClientFactory) -> None:
    email = new_email()
    laptop = new_client()
    await laptop.register(email, PASSWORD, device_name="laptop")
    assert laptop.keys is not None
    # Use: store encrypted preferences under the user key; the server sees an envelope only.
    secret = {"theme": "dark", "units": "metric"}
    envelope = encrypt_json(laptop.keys.user_key, secret, aad=b"preferences")
    await laptop.put_settings(
        {"language": "de", "timezone": "Europe/Berlin", "preferences": envelope.to_json()}
    )
    # A second device logs in with the password alone and reads it back.
    phone = new_client()
    await phone.login(email, PASSWORD, device_name="phone")
    assert phone.keys is not None
    assert phone.keys.user_key == laptop.keys.user_key
    stored = Envelope.from_json((await phone.settings())["preferences"])
    assert decrypt_json(phone.keys.user_key, stored, aad=b"preferences") == secret
    # Refresh: rotates, and the client keeps working with the new pair.
    assert phone.tokens is not None
    before = phone.tokens.refresh_token
    await phone.refresh()
    assert phone.tokens.refresh_token != before
    assert (await phone.me()).email == email
    # Logout ends this device only.
    await phone.logout()
    with pytest.raises(NotLoggedIn):
        await phone.me()
    assert (await laptop.me()).email == email


async def test_access_tokens_are_refreshed_automatically(new_client: ClientFactory) -> None:
    client = new_client()
    await client.register(new_email(), PASSWORD)
    assert client.tokens is not None
    first = client.tokens.access_token
    client.tokens.expires_at = 0  # the access token is about to expire: refresh proactively
    await client.me()
    assert client.tokens.access_token != first
    # A token the server rejects (here: mangled) is refreshed once and the call retried.
    client.tokens.access_token = client.tokens.access_token[:-4] + "AAAA"
    await client.me()
    assert not client.tokens.access_token.endswith("AAAA")


async def test_two_devices_and_revocation(new_client: ClientFactory) -> None:
    email = new_email()
    laptop, phone = new_client(), new_client()
    await laptop.register(email, PASSWORD, device_name="laptop")
    await phone.login(email, PASSWORD, device_name="phone")
    sessions = await laptop.sessions()
    assert sorted(s.device_name or "" for s in sessions) == ["laptop", "phone"]
    phone_session = next(s for s in sessions if s.device_name == "phone")
    assert not phone_session.current
    await laptop.revoke_session(phone_session.id)
    with pytest.raises(AuthenticationError):
        await phone.me()  # the 401 triggers a refresh, which fails too: logged out
    assert phone.tokens is None
    assert [s.device_name for s in await laptop.sessions()] == ["laptop"]
    events = [event.type async for event in laptop.iter_events(page_size=2)]
    assert events[0] == "session_revoked"
    assert "login" in events
    assert events[-1] == "registered"


async def test_change_password_keeps_the_user_key(new_client: ClientFactory) -> None:
    email = new_email()
    laptop, phone = new_client(), new_client()
    await laptop.register(email, PASSWORD)
    await phone.login(email, PASSWORD)
    assert laptop.keys is not None
    user_key = laptop.keys.user_key
    note = encrypt_json(user_key, {"note": "remains readable"})
    await laptop.change_password(PASSWORD, NEW_PASSWORD)
    assert (await laptop.me()).email == email  # the client switched to the new session
    with pytest.raises(AuthenticationError):
        await phone.me()  # every other session ended
    with pytest.raises(AuthenticationError) as failed:
        await new_client().login(email, PASSWORD)
    assert failed.value.code == "invalid_credentials"
    later = new_client()
    await later.login(email, NEW_PASSWORD)
    assert later.keys is not None
    assert later.keys.user_key == user_key
    assert decrypt_json(later.keys.user_key, note) == {"note": "remains readable"}


async def test_recovery_reset_keeps_the_user_key(new_client: ClientFactory) -> None:
    email = new_email()
    laptop = new_client()
    await laptop.register(email, PASSWORD)
    assert laptop.keys is not None
    user_key = laptop.keys.user_key
    phrase = await laptop.setup_recovery(PASSWORD)
    assert (await laptop.me()).has_recovery
    rescued = new_client()
    result = await rescued.recover(email, phrase.lower().replace("-", " "), NEW_PASSWORD)
    assert rescued.keys is not None
    assert rescued.keys.user_key == user_key
    with pytest.raises(AuthenticationError):
        await laptop.me()  # recovery ends every session
    with pytest.raises(AuthenticationError):
        await new_client().login(email, PASSWORD)
    await new_client().login(email, NEW_PASSWORD)
    # Single use: the old phrase is spent; the client set up a new one, which works.
    assert result.recovery_phrase != phrase
    assert (await rescued.me()).has_recovery
    with pytest.raises(AuthenticationError):
        await new_client().recover(email, phrase, "yet another passphrase")
    again = new_client()
    await again.recover(email, result.recovery_phrase, "yet another passphrase")
    assert again.keys is not None
    assert again.keys.user_key == user_key


async def test_user_key_rotation_rewraps_everything(new_client: ClientFactory) -> None:
    email = new_email()
    client = new_client()
    await client.register(email, PASSWORD)
    health = HealthRecords(client)
    mum = await health.create_profile("elder", {"name": "Mum"})
    note = await health.create_record(mum, "note", {"text": "kept"}, occurred_at=WHEN)
    link = await Links(client).create({"x": 1}, expires_in=timedelta(hours=1), label="mine")
    await client.setup_recovery(PASSWORD)
    assert client.keys is not None
    old_user_key = client.keys.user_key
    new_phrase = await client.rotate_user_key(PASSWORD)
    assert new_phrase is not None  # the old recovery wrapped the old key: a new phrase
    assert client.keys.user_key != old_user_key
    # Another device logs in and reads everything under the new user key.
    other = new_client()
    await other.login(email, PASSWORD)
    assert other.keys is not None
    assert other.keys.user_key == client.keys.user_key
    assert other.keys.identity_key == client.keys.identity_key  # identity unchanged
    their_health = HealthRecords(other)
    [profile] = await their_health.profiles()
    assert profile.metadata == {"name": "Mum"}
    assert (await their_health.record(profile, note.id)).data == {"text": "kept"}
    assert (await Links(other).get(link.id)).label == "mine"
    rescued = new_client()
    await rescued.recover(email, new_phrase, "new passphrase after rotation")
    assert rescued.keys is not None
    assert rescued.keys.user_key == client.keys.user_key


async def test_export_then_delete_the_account(new_client: ClientFactory) -> None:
    email = new_email()
    client = new_client()
    await client.register(email, PASSWORD)
    exported = await client.export()
    assert exported["sections"]["account"]["email"] == email
    with pytest.raises(ApiError) as refused:
        await client.delete_account("not my password")
    assert refused.value.status == 403
    await client.delete_account(PASSWORD)
    assert client.tokens is None
    with pytest.raises(AuthenticationError):
        await new_client().login(email, PASSWORD)
    # The email can be used again, for a brand-new account.
    fresh = new_client()
    await fresh.register(email, NEW_PASSWORD)
    assert (await fresh.me()).email == email
