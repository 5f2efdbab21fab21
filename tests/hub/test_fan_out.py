"""The broadcaster's fan-out: caught-up sockets written in one pass, before the phones hear."""

from __future__ import annotations

import asyncio

from websockets.frames import Frame, Opcode
from websockets.protocol import CLIENT, Protocol

from core.store import Event
from hub.events import Broadcaster, websocket_text_frame
from tests.support import run_async


def batch(*seqs: int) -> list[tuple[int, str, Event]]:
    return [(seq, f'{{"seq":{seq},"type":"ticket.called","text":"نادى"}}', Event(seq, "ticket.called", 0.0, {})) for seq in seqs]


def test_caught_up_sockets_get_one_encoded_batch_in_one_pass_before_the_watchers():
    """Every live socket is handed the same bytes, built once, in one write for the whole batch
    (one system call, not one a frame), in the callback that takes the batch (no task switch per
    socket); the phones' watcher is called after the last of them."""

    async def scenario() -> None:
        happened: list[tuple[str, object]] = []
        broadcaster = Broadcaster(asyncio.get_running_loop(), str)
        boards = []
        for number in range(3):
            board = broadcaster.subscribe(("device", number), write=lambda data, n=number: happened.append((f"board {n}", data)) or 0)
            assert board.go_live(0)
            boards.append(board)
        broadcaster.watchers.add(lambda events: happened.append(("phones", [seq for seq, _, _ in events])))
        frames = batch(1, 2)
        broadcaster._deliver(frames)
        written = [entry for entry in happened if entry[0] != "phones"]
        assert happened[-1] == ("phones", [1, 2]) and len(written) == 3, "one write a socket, then the phones"
        assert sorted(name for name, _ in written) == ["board 0", "board 1", "board 2"]
        assert written[0][1] == websocket_text_frame(frames[0][1]) + websocket_text_frame(frames[1][1])
        assert len({id(data) for _, data in written}) == 1, "the very same object for every socket: encoded once"
        assert all(board.queue.empty() and board.last == 2 and board.live for board in boards)

    run_async(scenario())


def test_the_wire_frame_is_what_a_websocket_client_reads():
    """The bytes written straight to the transport parse, for a client, as the text sent (Arabic too)."""
    text = batch(7)[0][1]
    client = Protocol(CLIENT)  # an open connection's client side: it reads unmasked, server-sent frames
    client.receive_data(websocket_text_frame(text))
    [frame] = client.events_received()
    assert isinstance(frame, Frame) and frame.opcode is Opcode.TEXT and frame.fin
    assert frame.data.decode() == text


def test_a_gap_sends_a_live_socket_back_to_its_queue_to_replay_and_nothing_is_skipped():
    """A batch that does not follow the socket's last frame is not written: it goes to the queue,
    where the sender sees the gap and replays the missing events from the log."""

    async def scenario() -> None:
        written: list[bytes] = []
        broadcaster = Broadcaster(asyncio.get_running_loop(), str)
        board = broadcaster.subscribe("board", write=lambda data: written.append(data) or 0)
        assert board.go_live(0)
        broadcaster._deliver(batch(1))
        broadcaster._deliver(batch(1, 2, 4, 5))  # 1 again (already written), then 3 never reached the broadcaster
        assert written == [websocket_text_frame(batch(1)[0][1]), websocket_text_frame(batch(2)[0][1])]
        assert not board.live and board.last == 2
        assert not board.go_live(2), "it stays on its queue until the sender has taken everything"
        assert [board.queue.get_nowait()[0] for _ in range(2)] == [4, 5]

    run_async(scenario())


def test_a_live_socket_past_its_byte_budget_is_dropped_and_a_closing_one_wakes_its_sender():
    """Unsent bytes in the transport count against the budget as queued frames did; a socket that
    no longer takes frames stops being written and its sender wakes to clean up."""

    async def scenario() -> None:
        aborted: list[int] = []
        broadcaster = Broadcaster(asyncio.get_running_loop(), str, byte_budget=5000)
        slow = broadcaster.subscribe("slow", abort=lambda: aborted.append(1), write=lambda data: 5001)
        gone = broadcaster.subscribe("gone", write=lambda data: None)
        assert slow.go_live(0) and gone.go_live(0)
        broadcaster._deliver(batch(1))
        assert slow.overflowed and aborted == [1]
        assert not gone.live and gone.queue.get_nowait() is None and gone.queue.empty()

    run_async(scenario())
