"""Service rules that need no database: lockout backoff, the session cache's lifetime, the
order in which an account's data is deleted (moved here from the integration tier)."""

from __future__ import annotations

from datetime import timedelta

from normogen import participants
from normogen.auth import lockout
from normogen.core import session_cache
from normogen.users.owned import registered


def test_backoff_doubles_up_to_a_ceiling() -> None:
    assert lockout.backoff(lockout.FREE_ATTEMPTS - 1) == timedelta(0)
    first = lockout.backoff(lockout.FREE_ATTEMPTS)
    assert first == lockout.BASE_DELAY
    assert lockout.backoff(lockout.FREE_ATTEMPTS + 1) == 2 * first
    assert lockout.backoff(lockout.FREE_ATTEMPTS + 2) == 4 * first
    assert lockout.backoff(1000) == lockout.MAX_DELAY


def test_the_session_cache_lives_at_most_one_second() -> None:
    assert session_cache.TTL_SECONDS <= 1.0
    cache = session_cache.SessionCache()
    cache.put("s", "u", True, checked_at=100.0)
    assert cache.get("s", "u", now=100.5) is True
    assert cache.get("s", "other-user", now=100.5) is None
    assert cache.get("s", "u", now=101.0) is None  # expired: the database is asked again


def test_sessions_are_deleted_first_and_events_late() -> None:
    participants.install()
    names = [owned.name for owned in registered()]
    assert names[0] == "sessions"  # tokens stop working before anything else is touched
    assert names.index("security_events") > 0
