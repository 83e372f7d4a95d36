"""`CurrentAccount`: the caller's principal together with their (active) user document."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from normogen.accounts.service import Account
from normogen.auth.public import AuthContextDep, CurrentUser, active_user


async def current_account(principal: CurrentUser, ctx: AuthContextDep) -> Account:
    """Load the caller's user document; a deleted or deleting account is a 401."""
    return Account(principal, await active_user(ctx, principal.user_id))


CurrentAccount = Annotated[Account, Depends(current_account)]
