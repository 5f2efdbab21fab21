"""Console logins: a supervisor's or admin's name and PIN, a cookie session, a CSRF token.

- The PIN goes through the hub's `PinGuard` (hub/pins.py) exactly as a counter login does: the
  per-name lockout at this place (the browser's address), the throttles, the one-thread hash.
  A wrong name and a wrong PIN answer alike; a clerk's right PIN is refused as a clerk.
- A session lives in the hub's memory (a restart logs every console out) and ends after
  `[hub] console_idle_minutes` without a request, at `MAX_HOURS`, on logout, or as soon as the
  person is removed or made a clerk (checked on every request).
- The cookie is HttpOnly, SameSite=Strict, limited to /console, Secure under HTTPS.
- Every form carries the session's CSRF token (`csrf`); a POST without the right one is
  refused before anything else. The login form, before a session, uses a double-submit token:
  a cookie and the same value in the form.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import Forbidden
from core.security import same_secret, token_hash
from core.store import Store

COOKIE = "tabour_console"
LOGIN_COOKIE = "tabour_console_login"
LANG_COOKIE = "tabour_console_lang"
MAX_HOURS = 12
MAX_SESSIONS = 500


def csrf_refused() -> Forbidden:
    return Forbidden(
        "The form's security token is missing or stale; reload the page and try again.",
        "رمز الحماية في النموذج مفقود أو قديم؛ أعد تحميل الصفحة وحاول مرة أخرى.",
        code="csrf_refused",
    )


@dataclass(slots=True)
class ConsoleSession:
    clerk_id: int
    username: str
    role: str
    csrf: str
    created: float
    last_seen: float

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass
class ConsoleSessions:
    store: Store
    idle_seconds: Callable[[], float]
    clock: Callable[[], float] = time.monotonic
    _sessions: dict[str, ConsoleSession] = field(default_factory=dict)

    def open(self, clerk_id: int, username: str, role: str) -> str:
        """A new session; returns the cookie's value (only its hash is kept)."""
        now = self.clock()
        self._expire(now)
        if len(self._sessions) >= MAX_SESSIONS:
            oldest = min(self._sessions, key=lambda key: self._sessions[key].last_seen)
            del self._sessions[oldest]
        token = secrets.token_urlsafe(32)
        self._sessions[token_hash(token)] = ConsoleSession(clerk_id, username, role, secrets.token_urlsafe(24), now, now)
        return token

    def _expire(self, now: float) -> None:
        idle = self.idle_seconds()
        for key, session in list(self._sessions.items()):
            if now - session.last_seen > idle or now - session.created > MAX_HOURS * 3600:
                del self._sessions[key]

    def find(self, token: str | None, touch: bool = True) -> ConsoleSession | None:
        """The live session behind a cookie, its idle time restarted (unless `touch` is false:
        an open live page is not activity); None when it ended."""
        if not token or len(token) > 100:
            return None
        key = token_hash(token)
        session = self._sessions.get(key)
        if session is None:
            return None
        now = self.clock()
        if now - session.last_seen > self.idle_seconds() or now - session.created > MAX_HOURS * 3600:
            del self._sessions[key]
            return None
        with self.store.read() as conn:
            row = conn.execute("SELECT username, role, active FROM clerks WHERE id = ?", (session.clerk_id,)).fetchone()
        if row is None or not row["active"] or row["role"] not in ("supervisor", "admin"):
            del self._sessions[key]
            return None
        session.role = row["role"]
        if touch:
            session.last_seen = now
        return session

    def close(self, token: str | None) -> None:
        if token:
            self._sessions.pop(token_hash(token), None)

    def end_for(self, clerk_id: int) -> None:
        """Every console session of this person ends (a new PIN, a removal)."""
        for key, session in list(self._sessions.items()):
            if session.clerk_id == clerk_id:
                del self._sessions[key]


def check_csrf(expected: str | None, sent: str | None) -> None:
    if not expected or not sent or len(sent) > 100 or not same_secret(sent, expected):
        raise csrf_refused()
