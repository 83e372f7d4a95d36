"""`NormogenClient`: the auth and account API over HTTP, with the client-side crypto built in.

Passwords, recovery phrases and keys stay in this process: the server receives auth keys,
KDF parameters and wrapped keys only (SPEC section 2). Slow key derivations run in a worker
thread so the caller's event loop keeps going. Access tokens are refreshed automatically
shortly before they expire, and once more when the server answers 401.

    async with NormogenClient("http://127.0.0.1:8000") as client:
        await client.register("ada@example.org", "correct horse battery staple")
        await client.me()
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from normogen_client.crypto import (
    MIN_ITERATIONS,
    Envelope,
    KdfParams,
    Party,
    b64d,
    b64e,
    create_account,
    decrypt_json,
    encrypt_json,
    generate_recovery_phrase,
    login_auth_key,
    new_key,
    recovery_keys,
    recovery_material,
    registration_payload,
    rewrap_for_new_password,
    unlock,
    unwrap_key,
    wrap_key,
)
from normogen_client.crypto.contexts import (
    identity_key_aad,
    link_label_aad,
    private_key_aad,
    profile_key_aad_user,
    recovery_user_key_aad,
    user_key_aad,
)
from normogen_client.models import (
    AccountInfo,
    ApiError,
    AuthenticationError,
    NotLoggedIn,
    SecurityEvent,
    SessionInfo,
    Tokens,
)
from normogen_client.seen import SeenState
from normogen_client.transport import AUTH, Transport
from normogen_client.trust import TrustStore

ME = "/api/v1/users/me"


@dataclass
class UnlockedKeys:
    """The account's keys in memory after login (never sent anywhere)."""

    user_id: str
    user_key: bytes = field(repr=False)
    private_key: bytes = field(repr=False)
    public_key: bytes
    identity_seed: bytes = field(repr=False)
    identity_key: bytes

    @property
    def party(self) -> Party:
        """This account's public identity (id, Ed25519 identity key, X25519 public key)."""
        return Party(self.user_id, self.identity_key, self.public_key)


@dataclass(frozen=True)
class RecoveryResult:
    """After a recovery: the new session, and the new recovery phrase (the old one is spent)."""

    tokens: Tokens
    recovery_phrase: str = field(repr=False)


class NormogenClient(Transport):
    """Async client for registration, login, sessions, recovery and the account."""

    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.AsyncClient | None = None,
        iterations: int = MIN_ITERATIONS,
        min_iterations: int = MIN_ITERATIONS,
        refresh_margin: float = 30.0,
        timeout: float = 30.0,
        trust: TrustStore | None = None,
        seen: SeenState | None = None,
    ) -> None:
        """`iterations`: PBKDF2 count for new credentials; `min_iterations`: the lowest count
        accepted from the server (a downgrade guard; lower it only for development servers).
        `trust`: this device's pinned identities (normogen_client.trust); `seen`: what this
        device has seen, the rollback guard (normogen_client.seen). Persist both."""
        super().__init__(base_url, http=http, refresh_margin=refresh_margin, timeout=timeout)
        self.iterations = iterations
        self.min_iterations = min_iterations
        self.trust = trust if trust is not None else TrustStore()
        self.seen = seen if seen is not None else SeenState()
        self.keys: UnlockedKeys | None = None
        self.email: str | None = None
        self._kdf: KdfParams | None = None

    # --- registration and login ------------------------------------------------------------

    async def register(
        self, email: str, password: str, *, device_name: str | None = None
    ) -> Tokens:
        """Create an account: keys are generated and wrapped here, then uploaded."""
        secrets = await asyncio.to_thread(create_account, password, self.iterations)
        body = {"email": email, **registration_payload(secrets), **_device(device_name)}
        self.tokens = Tokens.from_json(await self.anonymous(f"{AUTH}/register", body))
        self.keys = UnlockedKeys(
            secrets.user_id,
            secrets.user_key,
            secrets.private_key,
            secrets.public_key,
            secrets.identity_seed,
            secrets.identity_key,
        )
        self.email, self._kdf = email, secrets.kdf
        return self.tokens

    async def prelogin(self, email: str) -> KdfParams:
        body = await self.anonymous(f"{AUTH}/prelogin", {"email": email})
        return KdfParams.from_json(body["kdf"], min_iterations=self.min_iterations)

    async def login(self, email: str, password: str, *, device_name: str | None = None) -> Tokens:
        """prelogin → derive the auth key → login → unlock the user and private keys."""
        kdf = await self.prelogin(email)
        auth_key, wrap_key = await asyncio.to_thread(login_auth_key, password, kdf)
        body = {"email": email, "auth_key": b64e(auth_key), **_device(device_name)}
        result = await self.anonymous(f"{AUTH}/login", body)
        self._adopt(result, wrap_key, email)
        return self.session()

    def _adopt(self, result: dict[str, Any], wrap_key: bytes, email: str) -> None:
        keys = result["keys"]
        user_id = str(result["user_id"])
        public_key = b64d(keys["public_key"])
        identity_key = b64d(keys["identity_key"])
        unlocked = unlock(
            user_id,
            wrap_key,
            Envelope.from_json(keys["wrapped_user_key"]),
            Envelope.from_json(keys["wrapped_private_key"]),
            Envelope.from_json(keys["wrapped_identity_key"]),
            public_key=public_key,
            identity_key=identity_key,
        )
        self.tokens = Tokens.from_json(result)
        self.keys = UnlockedKeys(
            user_id,
            unlocked.user_key,
            unlocked.private_key,
            public_key,
            unlocked.identity_seed,
            identity_key,
        )
        self.email = email
        self._kdf = KdfParams.from_json(keys["kdf"], min_iterations=self.min_iterations)

    async def auth_key_for(self, password: str) -> str:
        """The current auth key for `password` (base64), for re-authenticating requests."""
        if self._kdf is None:
            raise NotLoggedIn("register or log in first")
        auth_key, _ = await asyncio.to_thread(login_auth_key, password, self._kdf)
        return b64e(auth_key)

    def _user_key(self) -> bytes:
        return self._keys().user_key

    def _keys(self) -> UnlockedKeys:
        if self.keys is None:
            raise NotLoggedIn("register or log in first")
        return self.keys

    # --- sessions ----------------------------------------------------------------------------

    async def logout(self) -> None:
        await self.request("POST", f"{AUTH}/logout")
        self.tokens = None

    async def logout_all(self) -> None:
        await self.request("POST", f"{AUTH}/logout-all")
        self.tokens = None

    async def sessions(self) -> list[SessionInfo]:
        body = (await self.request("GET", f"{AUTH}/sessions")).json()
        return [SessionInfo.from_json(item) for item in body["sessions"]]

    async def revoke_session(self, session_id: str) -> None:
        await self.request("DELETE", f"{AUTH}/sessions/{session_id}")

    # --- credentials -------------------------------------------------------------------------

    async def change_password(self, current_password: str, new_password: str) -> Tokens:
        """Re-wrap the same user key under a new password; every other session ends."""
        current = await self.auth_key_for(current_password)
        keys = self._keys()
        auth_key, kdf, wrapped = await asyncio.to_thread(
            rewrap_for_new_password, keys.user_id, keys.user_key, new_password, self.iterations
        )
        body = {
            "current_auth_key": current,
            "new_auth_key": b64e(auth_key),
            "new_kdf": kdf.to_json(),
            "new_wrapped_user_key": wrapped.to_json(),
        }
        response = await self.request("POST", f"{AUTH}/change-password", json=body)
        self.tokens, self._kdf = Tokens.from_json(response.json()), kdf
        return self.tokens

    async def setup_recovery(self, password: str) -> str:
        """Create a recovery phrase, upload its credential; returns the phrase to show once."""
        current = await self.auth_key_for(password)
        return await self._setup_recovery(current)

    async def _setup_recovery(self, current_auth_key: str) -> str:
        phrase = generate_recovery_phrase()
        keys = self._keys()
        auth_key, kdf, wrapped = await asyncio.to_thread(
            recovery_material, keys.user_id, phrase, keys.user_key, self.iterations
        )
        body = {
            "auth_key": current_auth_key,
            "recovery_auth_key": b64e(auth_key),
            "recovery_kdf": kdf.to_json(),
            "recovery_wrapped_user_key": wrapped.to_json(),
        }
        await self.request("PUT", f"{AUTH}/recovery", json=body)
        return phrase

    async def recover(
        self, email: str, phrase: str, new_password: str, *, device_name: str | None = None
    ) -> RecoveryResult:
        """Reset a forgotten password with the recovery phrase; every session ends.

        A phrase works once: the server deletes it on success, and this sets up a new one at
        once. Show `recovery_phrase` of the result to the user (once).
        """
        prelogin = await self.anonymous(f"{AUTH}/recovery/prelogin", {"email": email})
        kdf = KdfParams.from_json(prelogin["kdf"], min_iterations=self.min_iterations)
        recovery_auth, recovery_wrap = await asyncio.to_thread(recovery_keys, phrase, kdf)
        proof = {"email": email, "recovery_auth_key": b64e(recovery_auth)}
        unlocked = await self.anonymous(f"{AUTH}/recovery/unlock", proof)
        user_id = str(unlocked["user_id"])
        user_key = unwrap_key(
            recovery_wrap,
            Envelope.from_json(unlocked["recovery_wrapped_user_key"]),
            recovery_user_key_aad(user_id),
        )
        auth_key, new_kdf, wrapped = await asyncio.to_thread(
            rewrap_for_new_password, user_id, user_key, new_password, self.iterations
        )
        body = {
            **proof,
            "new_auth_key": b64e(auth_key),
            "new_kdf": new_kdf.to_json(),
            "new_wrapped_user_key": wrapped.to_json(),
            **_device(device_name),
        }
        result = await self.anonymous(f"{AUTH}/recovery/complete", body)
        _, wrap_key = await asyncio.to_thread(login_auth_key, new_password, new_kdf)
        self._adopt(result, wrap_key, email)
        if result["user_id"] != user_id:
            raise AuthenticationError(401, "user_mismatch", "recovery answered for another user")
        new_phrase = await self._setup_recovery(b64e(auth_key))
        return RecoveryResult(self.session(), new_phrase)

    async def rotate_user_key(self, password: str) -> str | None:
        """Replace the user key: re-wrap the private keys and every personal profile key,
        re-encrypt link labels, all swapped atomically by the server (docs/crypto.md).

        The recovery phrase wrapped the old key and is deleted; when the account had one, a
        new phrase is set up and returned (show it once). Family profiles are unaffected:
        their keys are wrapped by family keys.
        """
        keys = self._keys()
        current = await self.auth_key_for(password)
        had_recovery = (await self.me()).has_recovery
        new_user_key = new_key()
        profiles = (await self.request("GET", "/api/v1/profiles")).json()["profiles"]
        rewraps = []
        for body in profiles:
            if body.get("family_id") is not None or body["role"] != "owner":
                continue
            aad = profile_key_aad_user(body["id"], int(body["key_epoch"]), keys.user_id)
            profile_key = unwrap_key(keys.user_key, Envelope.from_json(body["wrapped_key"]), aad)
            wrapped = wrap_key(new_user_key, profile_key, aad)
            rewraps.append({"id": body["id"], "wrapped_key": wrapped.to_json()})
        labels = []
        for link in (await self.request("GET", "/api/v1/links")).json()["links"]:
            if link.get("label") is None:
                continue
            aad = link_label_aad(link["id"], keys.user_id)
            label = decrypt_json(keys.user_key, Envelope.from_json(link["label"]), aad)
            labels.append(
                {"id": link["id"], "label": encrypt_json(new_user_key, label, aad).to_json()}
            )
        if self._kdf is None:
            raise NotLoggedIn("register or log in first")
        _, wrap = await asyncio.to_thread(login_auth_key, password, self._kdf)
        body = {
            "auth_key": current,
            "wrapped_user_key": wrap_key(wrap, new_user_key, user_key_aad(keys.user_id)).to_json(),
            "wrapped_private_key": wrap_key(
                new_user_key, keys.private_key, private_key_aad(keys.user_id)
            ).to_json(),
            "wrapped_identity_key": wrap_key(
                new_user_key, keys.identity_seed, identity_key_aad(keys.user_id)
            ).to_json(),
            "profiles": rewraps,
            "links": labels,
        }
        await self.request("POST", f"{AUTH}/rotate-user-key", json=body)
        keys.user_key = new_user_key
        return await self._setup_recovery(current) if had_recovery else None

    # --- the account -------------------------------------------------------------------------

    async def me(self) -> AccountInfo:
        return AccountInfo.from_json((await self.request("GET", ME)).json())

    async def change_email(self, password: str, new_email: str) -> AccountInfo:
        body = {"auth_key": await self.auth_key_for(password), "email": new_email}
        info = AccountInfo.from_json((await self.request("PATCH", ME, json=body)).json())
        self.email = info.email
        return info

    async def settings(self) -> dict[str, Any]:
        result: dict[str, Any] = (await self.request("GET", f"{ME}/settings")).json()
        return result

    async def put_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = (await self.request("PUT", f"{ME}/settings", json=settings)).json()
        return result

    async def events(
        self, limit: int = 50, cursor: str | None = None
    ) -> tuple[list[SecurityEvent], str | None]:
        """One page of security events, newest first, and the cursor of the next page."""
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        body = (await self.request("GET", f"{ME}/events", params=params)).json()
        return [SecurityEvent.from_json(item) for item in body["events"]], body["next"]

    async def iter_events(self, page_size: int = 50) -> AsyncIterator[SecurityEvent]:
        cursor: str | None = None
        while True:
            events, cursor = await self.events(page_size, cursor)
            for event in events:
                yield event
            if cursor is None:
                return

    async def export(self) -> dict[str, Any]:
        """Everything the account owns (ciphertext), parsed from the streamed JSON document."""
        chunks = [chunk async for chunk in self.export_stream()]
        result: dict[str, Any] = json.loads(b"".join(chunks))
        return result

    async def export_stream(self) -> AsyncIterator[bytes]:
        """The raw export as it streams (write it to a file for large accounts)."""
        async for chunk in self.stream(f"{ME}/export"):
            yield chunk

    async def delete_account(self, password: str) -> None:
        """Delete the account and everything it owns; this client is logged out after."""
        body = {"auth_key": await self.auth_key_for(password)}
        await self.request("DELETE", ME, json=body)
        self.tokens = self.keys = None


def _device(name: str | None) -> dict[str, str]:
    return {"device_name": name} if name is not None else {}


__all__ = ["ApiError", "AuthenticationError", "NormogenClient", "NotLoggedIn", "UnlockedKeys"]
