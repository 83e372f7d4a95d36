"""User-key rotation: a new user key, and every wrap made with the old one replaced at once.

The client re-wraps its private keys and every personal profile key and re-encrypts its link
labels (docs/crypto.md); the server checks the set is complete and swaps all of it in one
transaction. The recovery credential wrapped the old user key, so it is deleted: the client
sets up a new phrase.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.auth import errors as codes
from normogen.auth.context import AuthContext
from normogen.auth.schemas import RotateUserKey
from normogen.auth.service import active_user, reauthenticate
from normogen.db.client import Document
from normogen.db.transactions import run_transaction
from normogen.errors import Conflict
from normogen.events.public import EventType, record
from normogen.links import public as links
from normogen.profiles import public as profiles
from normogen.users import repository as users

MAX_PERSONAL_PROFILES = 1000


def _mismatch(what: str, expected: set[str], got: set[str]) -> Conflict:
    missing = ", ".join(sorted(expected - got)) or "none"
    extra = ", ".join(sorted(got - expected)) or "none"
    return Conflict(
        f"The rotation must re-wrap exactly the account's {what} (missing: {missing}; "
        f"unexpected: {extra}); re-read them and retry",
        code=codes.ROTATION_MISMATCH,
    )


async def rotate_user_key(
    ctx: AuthContext, user_id: str, *, session_id: str, body: RotateUserKey
) -> None:
    user = await active_user(ctx, user_id)
    await reauthenticate(ctx, user, body.auth_key)
    db = ctx.db

    async def callback(session: AsyncClientSession) -> None:
        now = datetime.now(UTC)
        changes: Document = {
            "wrapped_user_key": body.wrapped_user_key.to_doc(),
            "wrapped_private_key": body.wrapped_private_key.to_doc(),
            "wrapped_identity_key": body.wrapped_identity_key.to_doc(),
            "recovery": None,
        }
        if not await users.replace_credentials(
            db, user_id, expected_hash=user["auth_hash"], changes=changes, now=now, session=session
        ):
            raise Conflict(
                "The credential changed concurrently; retry", code=codes.CREDENTIAL_CHANGED
            )
        personal = await profiles.list_profiles(
            db, {"owner_id": user_id, "family_id": None}, MAX_PERSONAL_PROFILES, session=session
        )
        sent = {item.id: item for item in body.profiles}
        if set(sent) != {doc["_id"] for doc in personal}:
            raise _mismatch("personal profiles", {doc["_id"] for doc in personal}, set(sent))
        for profile_id, rewrap in sent.items():
            await profiles.rewrap_personal(
                db,
                profile_id,
                owner_id=user_id,
                wrapped_key=rewrap.wrapped_key.to_doc(),
                now=now,
                session=session,
            )
        labelled = await links.labelled_ids(db, user_id, session=session)
        given = {item.id: item for item in body.links}
        if set(given) != labelled:
            raise _mismatch("link labels", labelled, set(given))
        for link_id, item in given.items():
            label = None if item.label is None else item.label.to_doc()
            await links.set_label(db, link_id, owner_id=user_id, label=label, session=session)

    await run_transaction(db.client, callback)
    await record(db, user_id, EventType.USER_KEY_ROTATED, origin=ctx.origin, session_id=session_id)
