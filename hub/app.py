"""The hub's HTTP and WebSocket API (docs/api.md), on FastAPI.

`create_app` only wires the parts together: the routers by area live in `hub/routes/`, what
they share (auth, `answer()`, the error handlers) in `hub/routes/common.py`. Handlers never
touch SQLite themselves: writes are commands queued to the store's writer (awaited without
blocking the loop), reads go through `core.queries`.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

import core
from core import commands
from core.numbering import next_rollover
from core.store import Store
from core.views import iso
from hub import book, console
from hub.events import Broadcaster, encode_frame
from hub.fastlane import FastLane, HubApp
from hub.limits import BodySizeLimit
from hub.openapi import document_errors
from hub.phones import PhoneWatch
from hub.visit_feedback import VisitFeedbackWatch
from hub.routes import bookings, checkin, clerks, counters, devices, events, health_state, home, public, remote, sessions, stats, tickets, voice
from hub.routes.common import HubContext, HubSettings, install_error_handlers
from hub.shipper import Shipper

__all__ = ["HubSettings", "create_app"]

log = logging.getLogger(__name__)

ROUTERS = (health_state, devices, tickets, sessions, counters, clerks, stats, events, public, home, voice, bookings, checkin, remote)


def create_app(store: Store, settings: HubSettings, shipper: Shipper | None = None, *, fast_lane: bool = True) -> FastAPI:
    """The hub's app; with `shipper`, its event log also goes to the central while the app runs.
    `fast_lane=False` leaves every request to FastAPI (hub/fastlane.py; its tests compare both)."""
    hub = HubContext.build(store, settings)
    hub.shipper = shipper

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        loop = asyncio.get_running_loop()
        broadcaster = Broadcaster(loop, lambda event: encode_frame(event, lambda at: iso(at, store.catalogue)))
        hub.broadcaster = broadcaster
        hub.loop = loop
        hub.phones = PhoneWatch(store)
        broadcaster.watchers.add(hub.phones.on_events)
        hub.phones.start()
        hub.visit_feedback = VisitFeedbackWatch(store)
        broadcaster.watchers.add(hub.visit_feedback.on_events)
        store.add_listener(broadcaster.publish)
        store.add_auth_listener(hub.on_auth_changed)
        rollover = asyncio.create_task(_rollover_loop(store))
        presence = asyncio.create_task(hub.presence_loop())
        hub.expect_devices_back()
        if shipper is not None:
            store.add_listener(shipper.notify)
            shipper.start()
        try:
            yield
        finally:
            rollover.cancel()
            if shipper is not None:
                store.remove_listener(shipper.notify)
                shipper.stop()
            presence.cancel()
            hub.stop()
            store.remove_auth_listener(hub.on_auth_changed)
            store.remove_listener(broadcaster.publish)
            broadcaster.close_all()
            broadcaster.watchers.discard(hub.phones.on_events)
            hub.phones.close()
            broadcaster.watchers.discard(hub.visit_feedback.on_events)
            hub.visit_feedback.close()
            try:
                await hub.flush_presence()  # last-seen times survive a clean stop
            except Exception:
                log.exception("could not record when devices were last seen")

    app = HubApp(
        title="Tabour hub",
        version=core.__version__,
        description="Queue management hub: tickets, counters, displays. See docs/api.md.",
        lifespan=lifespan,
    )
    app.state.hub = hub
    max_body_bytes = store.catalogue.config.hub.max_body_bytes
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    if fast_lane:
        app.fast_lane = FastLane(hub, max_body_bytes)
    install_error_handlers(app)
    document_errors(app)
    for area in ROUTERS:
        # Each area's routes go straight into the app's list, where `@app.get` would put them.
        # An included router is matched lazily: FastAPI walks its routes again on every request
        # to see whether they changed, and with the hub's areas that was 136 µs a request,
        # a sixth of a ticket operation's CPU; the app's own routes cost ~10 µs to match.
        app.router.routes.extend(area.router.routes)
    console.register(app)
    book.register(app)
    return app


async def _rollover_loop(store: Store) -> None:
    """Roll the business day over on time even when nobody is issuing or calling."""
    while True:
        config = store.catalogue.config.centre
        due = next_rollover(store.clock(), store.catalogue.tz, config.rollover_hour)
        await asyncio.sleep(min(max(due - store.clock(), 0) + 1, 60))
        try:
            await asyncio.wrap_future(store.submit(commands.roll_day_if_due))
        except Exception:
            log.exception("business-day rollover failed; will retry")
