"""Who is calling: the authenticated user and the session their access token belongs to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    """Produced by `normogen.auth.dependencies.CurrentUser` after the session is checked."""

    user_id: str
    session_id: str
