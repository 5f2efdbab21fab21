"""Phones following what they filed from a visit's page, or one reference's page (`/f/{reference}`,
from the kiosk's slip): the centre's status and answer, pushed.

A visit's own phone stream (hub/phones.py) ends with the visit, but complaints are mostly
written after it and answered days later, so a page that shows its complaints opens this
stream while any of them is still open. One `VisitFeedbackWatch` per hub takes the broadcaster's
batches like the phone watch does; a batch costs nothing unless it holds a `feedback.filed` or
`feedback.changed` event and a page follows that entry's visit. Then one read finds the visits
of the batch's entries, and one more per followed visit gives its list as the visitor sees it
(no text, no number: `PublicFeedback`). Events name only the entry's reference, never the visit,
because the event log is shipped and kept for ever.

Streams are the phone watch's `PhoneStream`: frames coalesced (a page needs only the newest
list), a page that stops reading dropped, and the last frame (every entry closed) sent with a
long retry so the page closes its EventSource. Reads run one at a time, each after the previous
one's push, so a slower read can never push an older list over a newer one; a page that joins
is read again right after it joined, so an answer given while it connected is not missed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi.concurrency import run_in_threadpool

from core import voice
from core.store import Store
from hub.phones import PhoneStream, PhoneWatch, StreamBook, frame

log = logging.getLogger("tabour.hub.visit_feedback")

FEEDBACK_EVENTS = frozenset({"feedback.filed", "feedback.changed"})
# A visitor's phone and a companion's: a visit's entries need few pages.
MAX_STREAMS_PER_VISIT = 4
# Far fewer than the hall's phones: only visits with an open complaint, and only while the page is open.
MAX_STREAMS = 500


REFERENCE_PREFIX = "ref:"  # a page following one reference; visit codes never hold a colon


def reference_key(reference: str) -> str:
    return REFERENCE_PREFIX + reference.upper()


def all_closed(view: list[dict[str, Any]] | dict[str, Any]) -> bool:
    """Nothing more will change on the page: every entry closed (or none at all)."""
    entries = [view] if isinstance(view, dict) else view
    return all(entry["status"] == "closed" for entry in entries)


class VisitFeedbackWatch(StreamBook):
    """Every page following its visit's complaints, suggestions and thanks, fed by event batches."""

    # The same sending loop as the visit's own stream: keep-alives, coalesced frames, the last
    # frame's long retry (it reads nothing of the watch itself).
    frames = PhoneWatch.frames

    def __init__(self, store: Store, *, max_streams: int = MAX_STREAMS, max_per_visit: int = MAX_STREAMS_PER_VISIT) -> None:
        super().__init__(max_streams=max_streams, max_per_ticket=max_per_visit)
        self.store = store
        self._reads = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()

    # ── the broadcaster's side ──────────────────────────────────────────────────────────

    def on_events(self, batch: list[tuple[int, str, dict]]) -> None:
        if not self.phones:
            return
        references = [
            payload["feedback"]["reference"]
            for _seq, kind, payload in batch
            if kind in FEEDBACK_EVENTS and isinstance(payload.get("feedback"), dict) and payload["feedback"].get("reference")
        ]
        if references:
            self._start(self._refresh_references(references))

    def _start(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a visit's feedback could not be pushed", exc_info=task.exception())

    async def _refresh_references(self, references: list[str]) -> None:
        async with self._reads:
            views = await run_in_threadpool(self._read_references, references, set(self.phones))
            for key, view in views.items():
                self._push(key, view)

    async def _refresh_code(self, key: str) -> None:
        async with self._reads:
            self._push(key, await run_in_threadpool(self._read_key, key))

    def _read_key(self, key: str) -> Any:
        """A visit's list (key: its code) or one entry (key: `reference_key(reference)`)."""
        if key.startswith(REFERENCE_PREFIX):
            return voice.public_feedback(self.store, key.removeprefix(REFERENCE_PREFIX))
        return voice.feedback_for_visit(self.store, key)

    def _read_references(self, references: list[str], followed: set[str]) -> dict[str, list[dict[str, Any]]]:
        marks = ", ".join("?" for _ in references)
        with self.store.read() as conn:
            codes = {row[0] for row in conn.execute(
                "SELECT DISTINCT t.code FROM visitor_feedback f JOIN tickets t ON t.id = f.ticket_id "
                f"WHERE f.reference IN ({marks})", references)}
        keys = (codes | {reference_key(reference) for reference in references}) & followed
        return {key: self._read_key(key) for key in keys}

    def _push(self, code: str, view: Any) -> None:
        if view is None:
            return
        text, final = frame(view), all_closed(view)
        for phone in list(self.phones.get(code, ())):
            if phone.push(text, final):
                phone.wake.set()

    # ── streams (the interface hub.routes.public.PhoneStreamResponse drives; check_room and
    # leave are the StreamBook's) ───────────────────────────────────────────────────────

    def join(self, code: str, first: list[dict[str, Any]] | dict[str, Any], abort=None) -> PhoneStream:
        """A new page on `code`, first sent `first`; read again at once (see the module's docstring)."""
        phone = self._add(code, abort)
        phone.push(frame(first), final=all_closed(first))
        phone.wake.set()
        if not phone.finished:
            self._start(self._refresh_code(code))
        return phone

    def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._end_streams()
