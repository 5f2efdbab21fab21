"""Request limits: body size (an ASGI middleware) and token-bucket rate limits."""

from __future__ import annotations

import json
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """Raised while a body streams in; an HTTPException so FastAPI's body parsing lets it through."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than {max_bytes} bytes.")


class BodySizeLimit:
    """Refuses request bodies above `max_bytes` with 413, whether or not they declare a length."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _refuse(send, 400, "bad_request", "Content-Length is not a number.", "طول المحتوى ليس رقماً.")
                    return
                if declared > self.max_bytes:
                    await _refuse_too_large(send, self.max_bytes)
                    return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                await _refuse_too_large(send, self.max_bytes)


async def _refuse_too_large(send: Send, max_bytes: int) -> None:
    await _refuse(
        send,
        413,
        "body_too_large",
        f"The request body is larger than {max_bytes} bytes.",
        f"حجم الطلب أكبر من {max_bytes} بايت.",
    )


async def _refuse(send: Send, status: int, code: str, message_en: str, message_ar: str) -> None:
    body = json.dumps({"error": code, "message": message_en, "message_ar": message_ar}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per key: `per_minute` sustained, bursts up to `burst`.

    Without `burst` the bucket holds a whole minute's worth, so "30 per minute" (the kiosk's
    issuing limit in the config) lets 30 through in a row and then one every two seconds. It held
    a sixth of that, and a kiosk set to 30 a minute refused its 6th ticket within seconds.
    """

    def __init__(self, per_minute: float, burst: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst if burst is not None else max(1.0, per_minute)
        self.clock = clock
        self._buckets: dict[object, _Bucket] = {}

    def take(self, key: object) -> float:
        """0 when allowed; otherwise the seconds to wait before trying again."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > 10_000:  # forget idle keys rather than grow forever
                self._buckets = {k: b for k, b in self._buckets.items() if now - b.updated < 600}
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def give_back(self, key: object) -> None:
        """Undo one `take` that turned out not to count."""
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket.tokens = min(self.burst, bucket.tokens + 1)

    def forget(self, key: object) -> None:
        """A fresh, full bucket for `key` next time."""
        self._buckets.pop(key, None)

    def blocked(self, key: object) -> float:
        """0 when `take` would allow now; otherwise the seconds to wait (nothing is taken)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return 0.0
        tokens = min(self.burst, bucket.tokens + (self.clock() - bucket.updated) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> int:
        return max(1, math.ceil(wait))


class WindowLimit:
    """At most `limit` events per key in any `window` seconds: a key that had them is refused
    until the oldest leaves the window. Unlike a token bucket it never lets one more through
    early, which is what a limit on guesses should do."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[object, deque[float]] = {}

    def _recent(self, key: object, now: float) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            if len(self._events) > 10_000:  # forget idle keys rather than grow forever
                self._events = {k: e for k, e in self._events.items() if e and now - e[-1] < self.window}
            events = self._events[key] = deque()
        while events and now - events[0] >= self.window:
            events.popleft()
        return events

    def blocked(self, key: object) -> float:
        """0 when another event is allowed; else the seconds until it is."""
        now = self.clock()
        events = self._recent(key, now)
        if len(events) < self.limit:
            return 0.0
        return self.window - (now - events[0])

    def add(self, key: object) -> None:
        now = self.clock()
        self._recent(key, now).append(now)
