"""Test helpers for the board: a hall of clerks acting on a real hub over HTTP, and boards on it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pytestqt.qtbot import QtBot

from display_board.announcer import AnnouncerSettings, Call, RecordingSink
from display_board.model import BoardCall
from display_board.window import BoardWindow
from qt_common.app import create_app
from qt_common.hub_client import STRUCTURAL_REFRESH_EVENTS, HubClient
from tests.support import LiveHub, bearer

WAIT_MS = 30_000
#: counter number → the clerk who works there (each clerk may hold one session)
DESKS = {1: "clerk1", 3: "clerk2", 6: "clerk3"}


@dataclass
class Hall:
    """A kiosk and three clerks (counters 1, 3 and 6) acting on a hub, as other devices would."""

    hub: LiveHub
    kiosk: str = ""
    services: dict[str, int] = field(default_factory=dict)
    sessions: dict[int, tuple[str, int]] = field(default_factory=dict)
    holding: dict[int, int] = field(default_factory=dict)  # counter number → ticket id it holds

    def open(self) -> Hall:
        self.kiosk = self.hub.enroll("kiosk", "kiosk-board-tests")
        state = self.api("GET", "/state", self.kiosk).json()
        self.services = {s["code"]: s["id"] for s in state["services"]}
        self.sessions = {number: self.hub.login(number, clerk) for number, clerk in DESKS.items()}
        return self

    def api(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        with httpx.Client(base_url=self.hub.url, timeout=15) as http:
            return http.request(method, "/api/v1" + path, headers=bearer(token), **kwargs)

    def issue(self, code: str) -> dict[str, Any]:
        answer = self.api("POST", "/tickets", self.kiosk, json={"service_id": self.services[code]})
        assert answer.status_code == 201, answer.text
        return answer.json()

    def finish_current(self, counter: int) -> None:
        ticket_id = self.holding.pop(counter, None)
        if ticket_id is not None:
            token = self.sessions[counter][0]
            for step in ("start", "finish"):
                answer = self.api("POST", f"/tickets/{ticket_id}/{step}", token)
                assert answer.status_code == 200, answer.text

    def call_next(self, counter: int) -> dict[str, Any]:
        """Finish what the counter holds, then call the next visitor; the called ticket."""
        self.finish_current(counter)
        token, counter_id = self.sessions[counter]
        answer = self.api("POST", f"/counters/{counter_id}/call-next", token)
        assert answer.status_code == 200, answer.text
        ticket = answer.json()
        self.holding[counter] = ticket["id"]
        return ticket

    def recall(self, counter: int) -> dict[str, Any]:
        answer = self.api("POST", f"/tickets/{self.holding[counter]}/recall", self.sessions[counter][0])
        assert answer.status_code == 200, answer.text
        return answer.json()

    def call_together(self, counters: list[int]) -> list[tuple[float, dict[str, Any]]]:
        """Every counter presses "call next" at the same moment (threads behind a barrier).

        Returns (time.perf_counter() when the answer arrived, ticket) per counter.
        """
        for counter in counters:
            self.finish_current(counter)
        barrier = threading.Barrier(len(counters))
        results: dict[int, tuple[float, dict[str, Any]]] = {}
        clients = {c: httpx.Client(base_url=self.hub.url, timeout=15) for c in counters}

        def press(counter: int) -> None:
            token, counter_id = self.sessions[counter]
            client = clients[counter]
            client.get("/api/v1/health")  # the connection is open before the barrier
            barrier.wait()
            answer = client.post(f"/api/v1/counters/{counter_id}/call-next", headers=bearer(token))
            results[counter] = (time.perf_counter(), answer.json() if answer.status_code == 200 else {"error": answer.text})

        threads = [threading.Thread(target=press, args=(c,)) for c in counters]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        for client in clients.values():
            client.close()
        for counter, (_, ticket) in results.items():
            assert "id" in ticket, ticket
            self.holding[counter] = ticket["id"]
        return [results[c] for c in counters]

    def recent_calls(self) -> list[dict[str, Any]]:
        return self.api("GET", "/state", self.kiosk).json()["recent_calls"]


@dataclass
class Board:
    window: BoardWindow
    client: HubClient
    sink: RecordingSink
    displayed: list[BoardCall] = field(default_factory=list)
    announced: list[Call] = field(default_factory=list)

    @property
    def announcer(self):
        assert self.window.announcer is not None
        return self.window.announcer


MakeBoard = Callable[..., Board]


def make_board_factory(qtbot: QtBot, tmp_path: Path, cache_dir: Path) -> Iterator[MakeBoard]:
    """Builds boards on a hub (token under tmp_path, speech cache in cache_dir); closes them after."""
    create_app(lang="ar")
    made: list[Board] = []

    def make(hub: LiveHub, name: str, *, board: str | None = None, language: str = "ar", size: tuple[int, int] = (1920, 1080),
             **window_options: Any) -> Board:
        client = HubClient(
            hub.url, device_name=name, kind="display", enroll_code=hub.enroll_code, config_dir=tmp_path / "config",
            refresh_events=STRUCTURAL_REFRESH_EVENTS, refresh_on_missing_rows=False,
        )
        sink = RecordingSink()
        window = BoardWindow(
            client, board=board, language=language, sink=sink,
            announcer_settings=AnnouncerSettings(cache_dir=cache_dir), **window_options,
        )
        made_board = Board(window, client, sink)
        window.call_displayed.connect(made_board.displayed.append)
        if window.announcer is not None:
            window.announcer.started.connect(made_board.announced.append)
        made.append(made_board)
        window.resize(*size)
        window.show()
        qtbot.waitUntil(lambda: client.online and window.model.loaded, timeout=WAIT_MS)
        return made_board

    yield make
    for made_board in made:
        made_board.window.shutdown()
        made_board.client.stop()
        made_board.window.close()
        made_board.window.deleteLater()


def wait_caught_up(qtbot: QtBot, board: Board, hub: LiveHub) -> None:
    """Until the board has handled the hub's last event and said everything it queued."""
    with httpx.Client(base_url=hub.url, timeout=10) as http:
        target = http.get("/api/v1/health").json()["seq"]
    qtbot.waitUntil(
        lambda: board.window.model.handled_seq >= target and (board.window.announcer is None or board.announcer.pending() == 0),
        timeout=WAIT_MS,
    )

