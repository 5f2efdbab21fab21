"""The fast lane (hub/fastlane.py) answers exactly what the plain FastAPI app answers.

Two halls, alike in all but the lane: each its own store on disk, with the same clock, clerks
and devices, driven through the same requests in the same order. Every answer (status, body,
headers) must be the same, good requests and bad alike; the good ones must have been served by
the lane, and the lane must have handed the doubtful ones on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from core import commands
from core.commands import open_store
from hub.app import HubSettings, create_app
from hub.fastlane import FastLane
from tests.hub.conftest import ENROLL_CODE, Hall
from tests.support import CLERKS, Clock, demo_config

KIOSK_PER_MINUTE = 40  # low enough for a test to meet the kiosk's issuing limit
MAX_BODY = 4096


class Twin:
    """One hall, set up the same way as its twin: devices and clerks by the same names."""

    def __init__(self, hall: Hall, lane: FastLane | None) -> None:
        self.hall, self.lane = hall, lane
        self.kiosk = hall.enroll("kiosk", "kiosk")
        self.display = hall.enroll("display", "board")
        self.integration = hall.enroll("integration", "portal")
        self.admin = hall.enroll("admin", "tools")
        self.desk1 = hall.login(1, "clerk1")
        self.desk2 = hall.login(2, "clerk2")

    def headers(self, who: str | None, extra: dict[str, str]) -> dict[str, str]:
        headers = dict(getattr(self, who)) if who and not who.startswith("raw:") else {}
        if who and who.startswith("raw:"):
            headers["Authorization"] = who[4:]
        headers.update(extra)
        return headers

    def send(self, method: str, path: str, who: str | None, body: bytes | None, headers: dict[str, str]):
        path = path.format(A=self.hall.service_id("A"), c1=self.hall.counter_id(1), c2=self.hall.counter_id(2))
        return self.hall.client.request(method, path, content=body, headers=self.headers(who, headers))


@pytest.fixture
def twins(tmp_path: Path, clerk_pin_hashes: dict[str, str]) -> Iterator[tuple[Twin, Twin]]:
    start = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Riyadh")).timestamp()
    config = demo_config(kiosk_issue_per_minute=KIOSK_PER_MINUTE, max_body_bytes=MAX_BODY)
    with open_store(tmp_path / "lane.sqlite", config, clock=Clock(start)) as lane_store, \
            open_store(tmp_path / "plain.sqlite", config, clock=Clock(start)) as plain_store:
        for store in (lane_store, plain_store):
            for name, (_, role) in CLERKS.items():
                store.call(commands.add_clerk, name, role, clerk_pin_hashes[name])
        lane_app = create_app(lane_store, HubSettings(enroll_code=ENROLL_CODE))
        plain_app = create_app(plain_store, HubSettings(enroll_code=ENROLL_CODE), fast_lane=False)
        assert plain_app.fast_lane is None
        # Redirects are compared as answers, not followed.
        with TestClient(lane_app, follow_redirects=False) as lane_client, \
                TestClient(plain_app, follow_redirects=False) as plain_client:
            yield (
                Twin(Hall(lane_client, lane_store), lane_app.fast_lane),
                Twin(Hall(plain_client, plain_store), None),
            )


def unlike_parts(body: bytes) -> bytes:
    """The body without what is drawn at random for each ticket (its arrival code)."""
    return re.sub(rb'"code":"[A-Za-z0-9_-]+"', b'"code":"?"', body)


COMPARED_HEADERS = ("content-type", "content-length", "www-authenticate", "retry-after", "allow", "location")


def same_answer(twins: tuple[Twin, Twin], method: str, path: str, who: str | None = None, body: bytes | None = None,
                served: bool | None = None, **headers: str):
    """Send the request to both halls; both answers must be alike. `served`: the lane answered
    it (True) or handed it on (False); None: either, as long as the answers agree."""
    lane, plain = twins
    before = lane.lane.served
    headers = {name.replace("_", "-"): value for name, value in headers.items()}
    got, expected = lane.send(method, path, who, body, headers), plain.send(method, path, who, body, headers)
    where = f"{method} {path} as {who} with {body!r:.80} {headers}"
    assert (got.status_code, unlike_parts(got.content)) == (expected.status_code, unlike_parts(expected.content)), where
    for name in COMPARED_HEADERS:
        assert got.headers.get_list(name) == expected.headers.get_list(name), f"{name}: {where}"
    if served is not None:
        assert (lane.lane.served == before + 1) is served, f"served by the lane: {not served}: {where}"
    return got


JSON = {"Content-Type": "application/json"}


def test_issuing_answers_alike_good_and_bad(twins: tuple[Twin, Twin]) -> None:
    good = b'{"service_id": {A}, "priority": "elderly"}'.replace(b"{A}", str(twins[0].hall.service_id("A")).encode())
    a = str(twins[0].hall.service_id("A")).encode()

    # Well-formed: the lane serves them, and the tickets are the same.
    assert same_answer(twins, "POST", "/api/v1/tickets", "kiosk", good, served=True, **JSON).status_code == 201
    same_answer(twins, "POST", "/api/v1/tickets", "kiosk", b'{"service_id": ' + a + b"}", served=True, **JSON)
    same_answer(twins, "POST", "/api/v1/tickets", "admin", b'{"service_id": ' + a + b".0}", served=True, **JSON)
    same_answer(twins, "POST", "/api/v1/tickets", "kiosk", b' {"priority":"normal","service_id":' + a + b"}\n", served=True, **JSON)
    # Refusals of the route's own rules: still the lane's, through the app's error handler.
    assert same_answer(twins, "POST", "/api/v1/tickets", "kiosk", b'{"service_id": 99999}', served=True, **JSON).status_code == 404
    assert same_answer(twins, "POST", "/api/v1/tickets", "desk1", b'{"service_id": ' + a + b"}", served=True, **JSON).status_code == 403
    assert same_answer(twins, "POST", "/api/v1/tickets", "display", b'{"service_id": ' + a + b"}", served=True, **JSON).status_code == 403

    bodies = [
        b"", b"null", b"[]", b"{", b"{}", b'"text"', b"1",
        b'{"service_id": ' + a + b', "extra": 1}',
        b'{"service_id": "' + a + b'"}', b'{"service_id": 7.5}', b'{"service_id": true}', b'{"service_id": 0}',
        b'{"service_id": -1}', b'{"service_id": 1e400}', b'{"service_id": 123456789012345678901234567890}',
        b'{"service_id": 9007199254740993}', b'{"service_id": NaN}', b'{"service_id": Infinity}',
        b'{"service_id": ' + a + b', "priority": "vip"}', b'{"service_id": ' + a + b', "priority": null}',
        b'{"service_id": ' + a + b', "priority": "\\ud800"}', b'{"service_id": ' + a + b', "\\udfff": 1}',
        b'{"service_id": ' + a + b', "priority": "\xed\xa0\x80"}',  # a surrogate written out in UTF-8's form
        b'{"service_id": ' + a + b', "priority": "\xff"}',  # not UTF-8
        b'\xef\xbb\xbf{"service_id": ' + a + b"}",  # a byte-order mark
        '{"service_id": 1}'.encode("utf-16"),
        b'{"service_id": 99999, "service_id": ' + a + b"}",  # the same key twice
        b'{"service_id": ' + a + b"} trailing", b"[" * 5000 + b"]" * 5000,
        b'{"service_id": ' + a + b', "priority": "' + b"x" * (MAX_BODY + 10) + b'"}',  # above the body limit
    ]
    for body in bodies:
        for who in ("kiosk", "raw:Bearer nonsense"):
            same_answer(twins, "POST", "/api/v1/tickets", who, body, **JSON)

    one = b'{"service_id": ' + a + b"}"
    for content_type in ("text/plain", "application/json; charset=utf-8", "application/merge-patch+json",
                         "application/x-www-form-urlencoded", ""):
        same_answer(twins, "POST", "/api/v1/tickets", "kiosk", one, served=False, Content_Type=content_type)
    same_answer(twins, "POST", "/api/v1/tickets", "kiosk", one, served=False)  # no content type at all
    same_answer(twins, "POST", "/api/v1/tickets", "kiosk", one, served=True, Content_Type="APPLICATION/JSON")

    for who in (None, "raw:", "raw:Bearer", "raw:Bearer ", "raw:Basic abc", "raw:Bearer " + "x" * 300, "raw:bearer nonsense",
                "integration"):
        same_answer(twins, "POST", "/api/v1/tickets", who, one, served=False, **JSON)
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        same_answer(twins, method, "/api/v1/tickets", "kiosk", one if method != "GET" else None, served=False, **JSON)
    same_answer(twins, "POST", "/api/v1/tickets/", "kiosk", one, served=False, **JSON)
    same_answer(twins, "POST", "/api/v1/tickets?service_id=1", "kiosk", one, served=True, **JSON)


def test_a_kiosk_past_its_issuing_limit_is_told_alike(twins: tuple[Twin, Twin]) -> None:
    one = b'{"service_id": ' + str(twins[0].hall.service_id("A")).encode() + b"}"
    statuses = [same_answer(twins, "POST", "/api/v1/tickets", "kiosk", one, served=True, **JSON).status_code
                for _ in range(KIOSK_PER_MINUTE + 2)]
    assert statuses[:KIOSK_PER_MINUTE] == [201] * KIOSK_PER_MINUTE
    refused = same_answer(twins, "POST", "/api/v1/tickets", "kiosk", one, served=True, **JSON)
    assert refused.status_code == 429 and refused.headers["retry-after"]


def test_calls_and_steps_answer_alike_good_and_bad(twins: tuple[Twin, Twin]) -> None:
    lane, _ = twins
    a = str(lane.hall.service_id("A")).encode()
    # Nobody waiting yet: 204, from the lane.
    assert same_answer(twins, "POST", "/api/v1/counters/{c1}/call-next", "desk1", served=True).status_code == 204
    for _ in range(4):
        same_answer(twins, "POST", "/api/v1/tickets", "kiosk", b'{"service_id": ' + a + b"}", served=True, **JSON)

    called = same_answer(twins, "POST", "/api/v1/counters/{c1}/call-next", "desk1", served=True)
    assert called.status_code == 200
    ticket = called.json()["id"]
    step = f"/api/v1/tickets/{ticket}"

    # Refusals by the routes' own rules: served by the lane through the app's handler.
    assert same_answer(twins, "POST", "/api/v1/counters/{c1}/call-next", "desk2", served=True).status_code == 403
    assert same_answer(twins, "POST", "/api/v1/counters/{c1}/call-next", "kiosk", served=True).status_code == 403
    assert same_answer(twins, "POST", "/api/v1/counters/99999/call-next", "desk1", served=True).status_code == 403
    assert same_answer(twins, "POST", f"{step}/finish", "desk1", served=True).status_code == 409
    assert same_answer(twins, "POST", f"{step}/start", "desk2", served=True).status_code in (403, 409)
    assert same_answer(twins, "POST", "/api/v1/tickets/99999/start", "desk1", served=True).status_code == 404
    assert same_answer(twins, "POST", f"{step}/start", "kiosk", served=True).status_code == 403
    assert same_answer(twins, "POST", f"{step}/recall", "desk1", served=True).status_code == 200

    # Left to FastAPI: odd ids, bodies, tokens, methods and paths.
    for path in ("/api/v1/counters/abc/call-next", "/api/v1/counters/0/call-next", "/api/v1/counters/007/call-next",
                 "/api/v1/counters/7.0/call-next", "/api/v1/counters/-1/call-next", "/api/v1/counters/%20{c1}/call-next",
                 "/api/v1/counters/99999999999999999999/call-next", "/api/v1/counters/9007199254740993/call-next",
                 "/api/v1/counters/{c1}/call-next/", "/api/v1/counters/{c1}/call-nex", "/api/v1/counters//call-next",
                 "/api/v1/tickets/abc/start", "/api/v1/tickets/0/finish", "/api/v1/tickets/1e3/start",
                 "/api/v1/tickets/9007199254740993/start", "/api/v1/tickets/x/no-show", "/api/v1/tickets/1/begin",
                 "/api/v1/tickets/\u0661/start"):
        for who in ("desk1", None, "raw:Bearer nonsense"):
            same_answer(twins, "POST", path, who, served=False)
    for who in (None, "raw:Bearer nonsense", "raw:Token abc", "integration", "raw:Bearer " + "y" * 201):
        same_answer(twins, "POST", "/api/v1/counters/{c1}/call-next", who, served=False)
        same_answer(twins, "POST", f"{step}/start", who, served=False)
    same_answer(twins, "GET", "/api/v1/counters/{c1}/call-next", "desk1", served=False)
    same_answer(twins, "PUT", f"{step}/start", "desk1", served=False)
    assert same_answer(twins, "POST", f"{step}/start", "desk1", b"x" * (MAX_BODY + 1), served=False).status_code == 413
    assert same_answer(twins, "POST", f"{step}/start", "desk1", b"", served=False, Content_Length="abc").status_code == 400
    # A small body FastAPI ignores: it still answers, so both halls start the ticket.
    assert same_answer(twins, "POST", f"{step}/start", "desk1", b'{"why": 1}', served=False, **JSON).status_code == 200
    # The same step twice, and the rest of the visit, from the lane again.
    assert same_answer(twins, "POST", f"{step}/start", "desk1", served=True).status_code == 409
    assert same_answer(twins, "POST", f"{step}/finish", "desk1", served=True).status_code == 200
    second = same_answer(twins, "POST", "/api/v1/counters/{c1}/call-next", "desk1", served=True).json()["id"]
    assert same_answer(twins, "POST", f"/api/v1/tickets/{second}/no-show", "desk1", served=True).status_code == 200
    assert same_answer(twins, "POST", f"/api/v1/tickets/{second}/no-show", "desk1", served=True).status_code == 409


def test_the_lane_leaves_other_routes_and_keeps_the_schema(twins: tuple[Twin, Twin]) -> None:
    lane, plain = twins
    same_answer(twins, "GET", "/api/v1/health")
    same_answer(twins, "POST", "/api/v1/counters/{c1}/pause", "desk1", b'{"reason": "tea"}', **JSON)
    same_answer(twins, "POST", "/api/v1/tickets/1/cancel", "kiosk")
    assert lane.lane.handed_on == 0  # none of them was the lane's to look at
    lane_schema = lane.hall.client.get("/openapi.json").json()
    assert lane_schema == plain.hall.client.get("/openapi.json").json()
    for path in ("/api/v1/tickets", "/api/v1/counters/{counter_id}/call-next", "/api/v1/tickets/{ticket_id}/start",
                 "/api/v1/tickets/{ticket_id}/finish"):
        assert "post" in lane_schema["paths"][path]
