"""The phones' watch in process: which streams a batch wakes at once, and which wait to be merged."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core import commands, queries
from core.commands import open_store
from core.models import Role
from core.security import hash_pin
from core.store import Event, Store
from hub import phones
from hub.phones import FRONT_PLACES, PhoneWatch
from tests.support import Clock, demo_config, run_async

FAR = FRONT_PLACES + 5  # a visitor this far back is told their place with the next merged push


@pytest.fixture
def warn_far_back(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    """The demo centre where service E offers remote tickets that warn their visitor FAR places ahead."""
    config = demo_config()
    services = [
        s.model_copy(update={"remote": True, "remote_warn_places": FAR}) if s.code == "E" else s for s in config.services
    ]
    with open_store(tmp_path / "warn.sqlite", config.model_copy(update={"services": services}), clock=clock) as opened:
        yield opened


def test_far_back_moves_are_merged_into_one_frame_and_the_front_moves_at_once(store: Store, monkeypatch: pytest.MonkeyPatch):
    """Three calls in a row: the phone near the front gets a frame for each, the phone far back
    one frame with its newest place, and both end on what the hub's database says."""
    seen = follow_three_calls(store, monkeypatch)
    assert seen["moved_at_once"] == {"near": 4, "far": 1}, "the front moved with each batch, the far back not yet"
    assert [frame["ahead"] for frame in seen["far"]] == [FAR, FAR - 3], "one merged frame for three moves"


def test_a_service_that_warns_further_back_moves_those_places_at_once(warn_far_back: Store, monkeypatch: pytest.MonkeyPatch):
    """Where remote tickets warn their visitor FAR places ahead, a phone that far back gets every move."""
    seen = follow_three_calls(warn_far_back, monkeypatch)
    assert seen["moved_at_once"] == {"near": 4, "far": 4}
    assert [frame["ahead"] for frame in seen["far"]] == [FAR, FAR - 1, FAR - 2, FAR - 3]


def follow_three_calls(store: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Streams on E's third and last visitors of FAR + 1 while counter 6 calls three times; what
    each stream was handed with the batches, and all it had once the merged push went out."""
    monkeypatch.setattr(phones, "LATER_DELAY", 0.5)  # far longer than three turns of the loop
    clerk = store.call(commands.add_clerk, "phones-clerk", Role.CLERK, hash_pin("2468"))
    service = store.catalogue.services_by_code["E"].id
    counter = store.catalogue.counters_by_number[6].id
    store.call(commands.record_login, "phones-clerk", True, counter, None)
    line = [store.call(commands.issue_ticket, service) for _ in range(FAR + 1)]
    near, far = line[2], line[FAR]
    batches: list[list[Event]] = []
    store.add_listener(batches.append)

    async def scenario() -> dict[str, list[dict]]:
        watch = PhoneWatch(store)
        watch.start()
        await asyncio.wait_for(watch.ready.wait(), 10)
        streams = {
            name: watch.join(ticket["code"], queries.public_ticket(store, ticket["code"]))
            for name, ticket in (("near", near), ("far", far))
        }
        frames: dict[str, list[dict]] = {name: [] for name in streams}

        def take_all() -> None:
            for name, stream in streams.items():
                text = stream.take()
                if text is not None:
                    frames[name].append(json.loads(text))

        take_all()  # each stream's first frame
        calls = []
        for _ in range(3):
            batches.clear()
            called = store.call(commands.call_next, counter, clerk)
            if called["id"] != near["id"]:
                store.call(commands.no_show, called["id"], counter)  # frees the counter for the next call
            calls.append([(event.seq, event.type, event.payload) for batch in batches for event in batch])
        for batch in calls:  # as the broadcaster hands them over, a loop turn apart
            watch.on_events(batch)
            await asyncio.sleep(0)  # the watch takes the batch on the loop's next turn
            while watch.busy:  # and works out its frames in the turns after
                await asyncio.sleep(0)
            take_all()
        moved_at_once = {name: len(found) for name, found in frames.items()}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while not streams["far"].wake.is_set() and loop.time() < deadline:
            await asyncio.sleep(0.01)
        take_all()
        watch.close()
        return {"moved_at_once": moved_at_once, **frames}

    seen = run_async(scenario())
    assert [frame["ahead"] for frame in seen["near"]] == [2, 1, 0, None]
    assert seen["near"][-1]["status"] == "called"
    assert seen["far"][-1] == queries.public_ticket(store, far["code"])
    return seen


def test_a_push_to_many_phones_runs_a_slice_per_turn_and_ends_on_the_newest_views(store: Store, monkeypatch: pytest.MonkeyPatch):
    """With no time for a slice but its first frame, a call that moves the front of the line is
    worked out one phone per turn of the loop: a callback queued behind the batch (the boards'
    next event) runs while the phones are still being worked out, the called visitor's phone
    comes first, and a second call in the middle loses nothing: every stream ends on what the
    hub's database says."""
    monkeypatch.setattr(phones, "TURN_SECONDS", 0.0)
    monkeypatch.setattr(phones, "LATER_DELAY", 60.0)  # only the front's pushes, which go at once
    clerk = store.call(commands.add_clerk, "slices-clerk", Role.CLERK, hash_pin("2468"))
    service = store.catalogue.services_by_code["E"].id
    counter = store.catalogue.counters_by_number[6].id
    store.call(commands.record_login, "slices-clerk", True, counter, None)
    line = [store.call(commands.issue_ticket, service) for _ in range(FRONT_PLACES)]
    batches: list[list[Event]] = []
    store.add_listener(batches.append)

    def call() -> list[tuple[int, str, dict]]:
        batches.clear()
        called = store.call(commands.call_next, counter, clerk)
        store.call(commands.no_show, called["id"], counter)  # frees the counter for the next call
        return [(event.seq, event.type, event.payload) for batch in batches for event in batch]

    async def scenario() -> dict[str, Any]:
        watch = PhoneWatch(store)
        watch.start()
        await asyncio.wait_for(watch.ready.wait(), 10)
        streams = {ticket["code"]: watch.join(ticket["code"], queries.public_ticket(store, ticket["code"])) for ticket in line}
        newest = {code: stream.take() for code, stream in streams.items()}
        while watch.busy:
            await asyncio.sleep(0)
        first, second = call(), call()
        woken_order: list[str] = []
        for code, stream in streams.items():
            stream.wake.clear()
            asyncio.get_running_loop().create_task(stream.wake.wait()).add_done_callback(lambda _, code=code: woken_order.append(code))
        watch.on_events(first)
        busy_behind_the_batch: list[bool] = []
        asyncio.get_running_loop().call_soon(lambda: asyncio.get_running_loop().call_soon(lambda: busy_behind_the_batch.append(watch.busy)))
        await asyncio.sleep(0)  # the watch takes the batch
        turns = 0
        while watch.busy:
            if turns == 3:
                watch.on_events(second)
            await asyncio.sleep(0)
            turns += 1
            for code, stream in streams.items():
                text = stream.take()
                if text is not None:
                    newest[code] = text
        await asyncio.sleep(0)
        watch.close()
        return {"turns": turns, "behind": busy_behind_the_batch, "woken": woken_order,
                "newest": {code: json.loads(text) for code, text in newest.items()}}

    seen = run_async(scenario())
    assert seen["behind"] == [True], "the next callback ran while the phones were still being worked out"
    assert seen["turns"] >= FRONT_PLACES, "one phone's frame per turn"
    assert seen["woken"][0] == line[0]["code"], "the called visitor's phone first"
    assert seen["newest"] == {ticket["code"]: queries.public_ticket(store, ticket["code"]) for ticket in line}
