"""How often real clients read `GET /state`: a kiosk and a counter window (offscreen) on a real hub
subprocess, behind a proxy that counts the requests the hub answers.

Events carry what changed (a ticket event its service's row, a counter event its services'
rows), so a working hall costs no snapshot reads at all; a reconnect costs each client exactly
one, and so does a new business day or configuration (docs/decisions/qt-hub-client-live-state.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from core import contract
from counter_ui.app import build_counter_window
from kiosk.app import build_kiosk_window
from qt_common.hub_client import HubClient
from tests.request_count import CountingProxy
from tests.support import LiveHub, bearer

WAIT_MS = 20_000
STATE = ("GET", "/api/v1/state")


@pytest.fixture
def hall(tmp_path: Path, qapp: QApplication) -> Iterator[tuple[LiveHub, CountingProxy]]:
    """A hub of the test's own and a counting proxy in front of it."""
    hub = LiveHub(tmp_path / "hub").start()
    try:
        with CountingProxy(hub.port) as proxy:
            yield hub, proxy
    finally:
        hub.stop()


def hub_get(hub: LiveHub, path: str, token: str | None = None) -> httpx.Response:
    """Straight to the hub, past the proxy: the test's own reads are not counted."""
    return httpx.get(f"{hub.url}/api/v1{path}", headers=bearer(token) if token else {}, timeout=10)


def hub_seq(hub: LiveHub) -> int:
    return hub_get(hub, "/health").json()["seq"]


def caught_up(qtbot, hub: LiveHub, *clients: HubClient) -> int:
    """Until every client has applied the hub's last event and wants no refetch; the seq reached."""
    target = hub_seq(hub)
    qtbot.waitUntil(lambda: all(c.settled and c.state.seq == target for c in clients), timeout=WAIT_MS)
    return target


def test_a_working_hall_reads_no_snapshot_and_a_reconnect_reads_one(qtbot, hall, tmp_path: Path) -> None:
    """Issue, call, recall, serve, transfer, pause and resume: 0 GET /state per event; a reconnect: 1 per client."""
    hub, proxy = hall
    config = tmp_path / "config"
    kiosk_client = HubClient(proxy.url, device_name="kiosk-reads", kind="kiosk", enroll_code=hub.enroll_code, config_dir=config)
    counter_client = HubClient(proxy.url, device_name="counter-reads", kind="counter", enroll_code=hub.enroll_code, config_dir=config)
    kiosk = build_kiosk_window(kiosk_client, printer=None)
    counter = build_counter_window(counter_client, counter=1, auto_login=("clerk1", "1111"))
    try:
        for window in (kiosk, counter):
            qtbot.addWidget(window)
            window.resize(1280, 800)
            window.show()
        kiosk_client.start()  # the counter window starts its own client; the kiosk's builder leaves that to its caller
        qtbot.waitUntil(lambda: counter.model.logged_in and kiosk_client.online and counter_client.online, timeout=WAIT_MS)
        start = caught_up(qtbot, hub, kiosk_client, counter_client)
        reads = proxy.count(*STATE)
        assert reads >= 2  # each client's first load went through the proxy
        heard: list[contract.EventBase] = []
        counter_client.event_received.connect(heard.append)

        a, d = (kiosk_client.state.service_by_code(code) for code in ("A", "D"))
        assert a is not None and d is not None
        model = counter.model
        for _ in range(3):  # the kiosk window issues, as a touch does
            issued = kiosk.issue_count
            kiosk.go_home()
            kiosk.choose_service(a.id)
            qtbot.waitUntil(lambda issued=issued: kiosk.issue_count == issued + 1, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: len(model.queue()) == 3, timeout=WAIT_MS)

        def step(action, status: str | None) -> None:
            action()
            qtbot.waitUntil(lambda: not model.busy and model.ticket_status == status, timeout=WAIT_MS)

        step(model.call_next, "called")
        step(model.recall, "called")
        step(model.start, "serving")
        step(model.finish, None)
        step(model.call_next, "called")
        step(model.start, "serving")
        model.transfer(d.id)
        qtbot.waitUntil(lambda: not model.busy and model.ticket is None, timeout=WAIT_MS)
        model.pause("prayer")
        qtbot.waitUntil(lambda: not model.busy and model.status == "paused", timeout=WAIT_MS)
        model.resume()
        qtbot.waitUntil(lambda: not model.busy and model.status == "open", timeout=WAIT_MS)
        step(model.call_next, "called")

        end = caught_up(qtbot, hub, kiosk_client, counter_client)
        assert end - start >= 13  # 3 issued, 3 called, a recall, 2 started, finished, transferred, paused, resumed
        ticket_events = [e for e in heard if isinstance(e, contract.TicketEvent)]
        assert len(ticket_events) >= 11 and all(e.service is not None for e in ticket_events)
        assert all(e.new_service is not None for e in heard if isinstance(e, contract.TicketTransferred))
        assert proxy.count(*STATE) - reads == 0, f"{proxy.count(*STATE) - reads} GET /state for {end - start} events"
        # ... and the clients still hold exactly the hub's state: waiting counts and estimates came with the events.
        truth = contract.State.model_validate(hub_get(hub, "/state", counter_client.device_token).json())
        for client in (kiosk_client, counter_client):
            assert client.state.to_snapshot().services == truth.services
            assert client.state.to_snapshot().counters == truth.counters
        waiting = {service.code: service.waiting for service in truth.services}
        assert waiting["A"] + waiting["D"] == 1  # three issued, one transferred from A to D, three called
        qtbot.waitUntil(lambda: {view.code: view.waiting for view in kiosk.services} == waiting, timeout=WAIT_MS)

        # The event sockets drop: each client reconnects and reads the snapshot exactly once.
        reads = proxy.count(*STATE)
        with qtbot.waitSignals([kiosk_client.disconnected, counter_client.disconnected], timeout=WAIT_MS):
            proxy.drop_event_sockets()
        qtbot.waitUntil(lambda: kiosk_client.online and counter_client.online, timeout=WAIT_MS)
        caught_up(qtbot, hub, kiosk_client, counter_client)
        assert proxy.count(*STATE) - reads == 2
        assert (kiosk_client.resync_count, counter_client.resync_count) == (1, 1)
    finally:
        kiosk.shutdown()
        for window in (kiosk, counter):
            window.close()
        kiosk_client.stop()
        counter_client.stop()
