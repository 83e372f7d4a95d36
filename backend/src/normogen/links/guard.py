"""Throttling password guesses on links: attempts are reserved before the check, exactly.

Each attempt that carries a password verifier first reserves one slot in two fixed windows
(LINK_PASSWORD_ATTEMPTS per LINK_PASSWORD_WINDOW_SECONDS): one per client address and one per
link. The reservation is an atomic `$inc` in the shared limiter, so concurrent guesses across
replicas can never exceed the limit. A correct password gives its slots back, so only wrong
ones count: a link's legitimate openers are not locked out by their own successes, while an
attacker gets at most LINK_PASSWORD_ATTEMPTS guesses per window per address and per link.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from normogen.config import Settings
from normogen.errors import RateLimited
from normogen.security.ratelimit import Limit, RateLimiter, ip_subject, window_key


def password_limits(settings: Settings) -> tuple[Limit, Limit]:
    """(per client address, per link)."""
    attempts, seconds = settings.LINK_PASSWORD_ATTEMPTS, settings.LINK_PASSWORD_WINDOW_SECONDS
    return Limit("link_password_ip", attempts, seconds), Limit(
        "link_password_link", attempts, seconds
    )


@dataclass
class Reservation:
    """Slots taken for one password attempt; `release` hands them back (a correct password)."""

    limiter: RateLimiter
    taken: list[tuple[str, float]] = field(default_factory=list)

    async def release(self) -> None:
        for key, window_end in self.taken:
            await self.limiter.add(key, -1, window_end)
        self.taken.clear()


async def reserve_attempt(
    limiter: RateLimiter, settings: Settings, client_ip: str, link_id: str
) -> Reservation:
    """Take a slot per address and per link, or raise RateLimited (429, Retry-After)."""
    now = time.time()
    reservation = Reservation(limiter)
    per_ip, per_link = password_limits(settings)
    for limit, subject in ((per_ip, ip_subject(client_ip)), (per_link, f"link:{link_id}")):
        decision = await limiter.hit(limit, subject, now)
        if not decision.allowed:
            await reservation.release()  # the attempt does not happen: earlier slots go back
            raise RateLimited(
                f"Too many password attempts; retry in {decision.reset_after} s",
                headers=decision.headers(),
            )
        reservation.taken.append(window_key(limit, subject, now))
    return reservation
