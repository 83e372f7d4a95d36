"""A family the caller belongs to, as the routes' dependencies load it and the services use it."""

from __future__ import annotations

from dataclasses import dataclass

from normogen.db.client import Document
from normogen.profiles.public import Role
from normogen.users.principal import Principal


@dataclass(frozen=True, slots=True)
class FamilyAccess:
    """A family the caller belongs to (accepted or confirmed), with their membership."""

    family: Document
    membership: Document
    principal: Principal

    @property
    def id(self) -> str:
        return str(self.family["_id"])

    @property
    def role(self) -> Role:
        return Role(self.membership["role"])
