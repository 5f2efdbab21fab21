"""Checking PINs without leaking names, locking out the real staff, or starving the hall.

Every PIN a person types (a clerk's login, a kiosk's supervisor check, the supervisor's PIN
that enrolls an admin device) goes through one `PinGuard`:

- Lockout per (user name, place): after `pin_attempts` wrong PINs for a name from one device
  (or, before a device has a token, one address), that name is locked out *there* for
  `lockout_minutes`. Guesses at a lobby display cannot lock the supervisor out of their own
  counter. Attempts in flight count, so parallel guesses cannot slip past the limit.
- A hub-wide slow-down per name: once a place has failed for a name, its further tries also
  draw from the name's shared allowance (`pin_attempts` × 2 a minute), so many devices
  together cannot guess fast either. Places without a failure are never slowed.
- A throttle per device and per address on wrong PINs (a burst of `pin_attempts` × 2, then
  one every 3 s), so a flood of guesses is refused before any hashing; right PINs do not count.
- The slow hash runs in its own pool of one thread with a short queue (beyond it: 429
  `rate_limited`), so PIN checking can use at most one core and ticket issuing keeps the rest.

Names are keys, never looked up: an unknown name is locked out exactly like a known one, and
answers the same status, body and (the dummy hash) time. The state lives in the hub's memory:
`clerk reset-pin` lifts a name's lockouts, and so does restarting the hub.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from core.errors import RateLimited
from hub.limits import RateLimiter
from hub.logs import log_event

T = TypeVar("T")
log = logging.getLogger("tabour.hub.pins")


@dataclass(slots=True)
class _Attempts:
    failed: int = 0
    in_flight: int = 0
    locked_until: float = 0.0


def locked_out(wait: float) -> RateLimited:
    seconds = RateLimiter.retry_after(wait)
    return RateLimited(
        f"Too many wrong PINs. Try again in {seconds} seconds or ask a supervisor.",
        f"محاولات خاطئة كثيرة. حاول بعد \u2066{seconds}\u2069 ثانية أو راجع المشرف.",
        retry_after=seconds,
        code="locked_out",
    )


def too_fast(wait: float) -> RateLimited:
    return RateLimited(
        "Too many PIN attempts from here; wait a moment and try again.",
        "محاولات كثيرة للرقم السري من هذا الجهاز؛ انتظر قليلاً ثم أعد المحاولة.",
        retry_after=RateLimiter.retry_after(wait),
        code="rate_limited",
    )


class PinGuard:
    """Lockouts and throttles for PIN checks, on the hub's event loop (one thread: no races)."""

    def __init__(
        self,
        attempts: int,
        lockout_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_waiting: int = 8,
    ) -> None:
        self.attempts = attempts
        self.lockout_seconds = lockout_seconds
        self.clock = clock
        self.max_waiting = max_waiting
        self._places = RateLimiter(per_minute=20, burst=attempts * 2, clock=clock)
        self._names = RateLimiter(per_minute=attempts * 2, burst=attempts * 2, clock=clock)
        self._attempts: dict[tuple[str, str], _Attempts] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tabour-pin")
        self._waiting = 0

    @staticmethod
    def _key(name: str) -> str:
        return name.casefold()

    def throttle(self, *places: str) -> None:
        """Refuse a flood of PINs from one device or address before any hashing.

        Each try takes its share at once (so parallel tries count), and a right PIN gives it
        back (`right_from`): a hall whose counters all log in from one address (a demo PC, a
        NAT) is never slowed by right PINs."""
        taken = []
        for place in places:
            wait = self._places.take(place)
            if wait:
                for earlier in taken:
                    self._places.give_back(earlier)
                raise too_fast(wait)
            taken.append(place)

    def right_from(self, *places: str) -> None:
        """The try from these places had the right PIN: it does not count toward their throttle."""
        for place in places:
            self._places.give_back(place)

    def _entry(self, name: str, place: str) -> _Attempts:
        key = (self._key(name), place)
        entry = self._attempts.get(key)
        if entry is None:
            if len(self._attempts) > 50_000:  # a flood of invented names: keep only live lockouts
                now = self.clock()
                self._attempts = {k: e for k, e in self._attempts.items() if e.locked_until > now or e.in_flight}
            entry = self._attempts[key] = _Attempts()
        return entry

    def refusal(self, name: str, place: str) -> RateLimited | None:
        """Why `name` may not be tried from `place` now, or None (does not reserve a try)."""
        entry = self._attempts.get((self._key(name), place))
        if entry is None:
            return None
        now = self.clock()
        if entry.locked_until > now:
            return locked_out(entry.locked_until - now)
        if entry.failed + entry.in_flight >= self.attempts:
            return locked_out(self.lockout_seconds)
        return None

    def begin(self, name: str, place: str) -> None:
        """Reserve one try of `name` from `place`, or raise 429 (`locked_out` / `rate_limited`)."""
        refused = self.refusal(name, place)
        if refused is not None:
            raise refused
        entry = self._entry(name, place)
        if entry.failed:
            wait = self._names.take(self._key(name))
            if wait:
                raise locked_out(wait)
        entry.in_flight += 1

    def finish(self, name: str, place: str, ok: bool) -> None:
        """The reserved try's outcome: a success clears the place's count, a failure adds to it."""
        key = (self._key(name), place)
        entry = self._attempts.get(key)
        if entry is None:
            return
        entry.in_flight = max(0, entry.in_flight - 1)
        if ok:
            if not entry.in_flight:
                del self._attempts[key]
            else:
                entry.failed = 0
            return
        entry.failed += 1
        if entry.failed == 1:
            self._names.take(self._key(name))  # the first failure opens the name's shared allowance
        if entry.failed >= self.attempts:
            entry.failed = 0
            entry.locked_until = self.clock() + self.lockout_seconds
            log_event(log, "pin.locked_out", logging.WARNING, username=name, place=place, seconds=self.lockout_seconds)

    def forget(self, name: str) -> None:
        """A new PIN (or a removed clerk): every lockout of the name ends."""
        key = self._key(name)
        self._attempts = {k: e for k, e in self._attempts.items() if k[0] != key or e.in_flight}
        self._names.forget(key)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` (a slow hash) in the PIN pool; 429 when too many wait already."""
        if self._waiting >= self.max_waiting:
            raise RateLimited(
                "The hub is busy checking PINs; try again in a moment.",
                "الخادم مشغول بالتحقق من الأرقام السرية؛ أعد المحاولة بعد لحظة.",
                retry_after=1,
                code="rate_limited",
            )
        self._waiting += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)
        finally:
            self._waiting -= 1

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
