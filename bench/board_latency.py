"""The display board against a real hub: how fast a call is seen and heard, and what it costs.

A hub subprocess, a board in this process (offscreen, 1920×1080, the real announcer with
espeak-ng; only the sound card is replaced by a sink that keeps time), and a caller in a
third process pressing "call next" at three counters, as clerks would. All times are
CLOCK_MONOTONIC, shared by the processes.

Prints:
- call-next answer → the number drawn on the board (p50/p99), and → first audio (the chime)
  handed to the player;
- synthesis time per phrase, cold and cached, Arabic and English;
- silent gaps between chime and speech, and between calls, for calls made together, with
  playback at real speed;
- the board's memory after 1,000 calls.

Targets: shown p99 < 100 ms; chime < 150 ms; no gap > 300 ms.

    .venv/bin/python bench/board_latency.py [--calls 1000] [--spacing-ms 40]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.figures import percentile  # noqa: E402
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COUNTERS = {1: "clerk1", 3: "clerk2", 6: "clerk3"}
SERVICE_OF_COUNTER = {1: "A", 3: "B", 6: "E"}


def summary_ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"p50 {percentile(values, .5) * 1000:7.1f} ms   p99 {percentile(values, .99) * 1000:7.1f} ms   "
        f"max {max(values) * 1000:7.1f} ms   (n={len(values)})"
    )


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- the caller (a process of its own) ---------------------------------------------------------


def caller(plan_path: str) -> int:
    """Press "call next" per the plan; print one JSON line per answered call."""
    import httpx

    plan = json.loads(Path(plan_path).read_text())
    url, sessions = plan["url"], {int(k): v for k, v in plan["sessions"].items()}
    clients = {number: httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
               for number, (token, _) in sessions.items()}

    printing = threading.Lock()

    def say(line: dict) -> None:
        with printing:
            print(json.dumps(line), flush=True)

    def press(number: int) -> None:
        _, counter_id = sessions[number]
        answer = clients[number].post(f"/api/v1/counters/{counter_id}/call-next")
        answered = time.monotonic()
        if answer.status_code != 200:
            say({"error": answer.status_code})
            return
        ticket = answer.json()
        say({"number": ticket["number"], "answered": answered})
        for step in ("start", "finish"):
            clients[number].post(f"/api/v1/tickets/{ticket['id']}/{step}")

    if plan["mode"] == "spaced":
        order = list(sessions)
        for index in range(plan["calls"]):
            started = time.monotonic()
            press(order[index % len(order)])
            time.sleep(max(0.0, plan["spacing"] - (time.monotonic() - started)))
    else:  # "together": every counter at once, `rounds` times
        for _ in range(plan["rounds"]):
            barrier = threading.Barrier(len(sessions))

            def at_once(number: int) -> None:
                barrier.wait()
                press(number)

            threads = [threading.Thread(target=at_once, args=(n,)) for n in sessions]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            time.sleep(plan["pause"])
    for client in clients.values():
        client.close()
    return 0


# --- the board side ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1000, help="Calls in the latency and memory run (default 1000).")
    parser.add_argument("--spacing-ms", type=float, default=40, help="Time between two calls of the caller (default 40 ms).")
    parser.add_argument("--caller", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.caller:
        return caller(args.caller)

    import httpx
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    from display_board.announcer import AnnouncerSettings, AudioSink, arabic_phrase, english_phrase
    from display_board.announcer.calls import Call
    from display_board.announcer.measure import time_synthesis
    from qt_common.wav import read_info
    from display_board.window import BoardWindow
    from qt_common.app import create_app
    from qt_common.hub_client import STRUCTURAL_REFRESH_EVENTS, HubClient
    from tests.support import LiveHub, bearer, demo_config_text

    class TimingSink(AudioSink):
        """The sound card's stand-in: finishes each file at once or after its real length;
        keeps only the last few hand-overs (a board runs for months)."""

        def __init__(self, realtime: bool) -> None:
            super().__init__()
            self.realtime = realtime
            self.timeline: list[tuple[str, float, float]] = []  # (path, handed, finished), when recording
            self.recording = False
            self._current: tuple[str, float] | None = None
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.setTimerType(Qt.TimerType.PreciseTimer)
            self._timer.timeout.connect(self._finish)

        def play(self, path: str) -> None:
            self._current = (path, time.monotonic())
            self._timer.start(round(read_info(path).duration_seconds * 1000) if self.realtime else 0)

        def set_volume(self, volume: float) -> None:
            pass

        def stop(self) -> None:
            self._timer.stop()
            self._finish()

        def _finish(self) -> None:
            if self._current is None:
                return
            path, handed = self._current
            self._current = None
            if self.recording:
                self.timeline.append((path, handed, time.monotonic()))
            self.finished.emit(path)

    workdir = Path(tempfile.mkdtemp(prefix="tabour-board-bench-"))
    text = demo_config_text().replace("daily_cap = 900", "daily_cap = 99999").replace("range = [1, 999]", "range = [1, 9999]")
    hub = LiveHub(workdir / "hub", config_text=text).start()
    app = create_app(lang="ar")
    try:
        http = httpx.Client(base_url=hub.url, timeout=30)
        kiosk = hub.enroll("kiosk", "bench-kiosk")
        state = http.get("/api/v1/state", headers=bearer(kiosk)).json()
        service_ids = {s["code"]: s["id"] for s in state["services"]}
        sessions = {number: hub.login(number, clerk) for number, clerk in COUNTERS.items()}

        def issue(count_per_counter: int) -> None:
            for _ in range(count_per_counter):
                for code in SERVICE_OF_COUNTER.values():
                    assert http.post("/api/v1/tickets", json={"service_id": service_ids[code]}, headers=bearer(kiosk)).status_code == 201

        def run_caller(plan: dict) -> list[dict]:
            plan_path = workdir / "plan.json"
            plan_path.write_text(json.dumps({"url": hub.url, "sessions": sessions, **plan}))
            out_path = workdir / "caller.out"
            with open(out_path, "wb") as out:
                process = subprocess.Popen([sys.executable, __file__, "--caller", str(plan_path)], stdout=out, cwd=ROOT)
            loop = QEventLoop()
            poll = QTimer()
            poll.timeout.connect(lambda: process.poll() is not None and loop.quit())
            poll.start(50)
            loop.exec()
            poll.stop()
            return [json.loads(line) for line in out_path.read_text().splitlines() if line.strip()]

        def wait_until(condition, timeout: float = 600) -> None:
            deadline = time.monotonic() + timeout
            while not condition() and time.monotonic() < deadline:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
                time.sleep(0.005)

        def settle(board: BoardWindow, client: HubClient) -> None:
            target = http.get("/api/v1/health").json()["seq"]
            wait_until(lambda: board.model.handled_seq >= target and (board.announcer is None or board.announcer.pending() == 0))

        # 1. synthesis per phrase, cold and cached --------------------------------------------
        print("== synthesis per phrase (espeak-ng, this machine) ==")
        synth_settings = AnnouncerSettings(cache_dir=workdir / "synthesis-cache")
        phrases = [Call(f"{letter}-{number:03d}", number % 8 + 1) for letter in "ABE" for number in range(101, 111)]
        for language, phrase in (("ar", arabic_phrase), ("en", english_phrase)):
            cold, cached = time_synthesis([phrase(call) for call in phrases], language, synth_settings)
            print(f"  {language} cold    {summary_ms(cold)}")
            print(f"  {language} cached  {summary_ms(cached)}")

        # 2. seen and heard: answer → drawn, answer → chime; memory over 1,000 calls ----------
        print(f"\n== {args.calls} calls, one every {args.spacing_ms:g} ms, three counters ==")
        sink = TimingSink(realtime=False)
        client = HubClient(hub.url, device_name="bench-board", kind="display", enroll_code=hub.enroll_code,
                           config_dir=workdir / "config", refresh_events=STRUCTURAL_REFRESH_EVENTS)
        board = BoardWindow(client, sink=sink, announcer_settings=AnnouncerSettings(cache_dir=workdir / "board-cache"))
        board.resize(1920, 1080)
        board.show()
        wait_until(lambda: client.online and board.model.loaded, 60)
        painted: dict[int, float] = {}
        displayed: dict[str, tuple[int, float]] = {}
        first_audio: dict[str, float] = {}
        awaiting_audio: list[str] = []
        board.call_painted.connect(lambda seq: painted.setdefault(seq, time.monotonic()))
        board.call_displayed.connect(lambda call: displayed.setdefault(call.number, (call.seq, time.monotonic())))
        assert board.announcer is not None
        board.announcer.started.connect(lambda call: awaiting_audio.append(call.ticket_number))

        def on_audio(_path: str) -> None:
            if awaiting_audio:
                first_audio.setdefault(awaiting_audio.pop(), time.monotonic())

        board.announcer.audio_handed.connect(on_audio)
        issue(args.calls // len(COUNTERS) + 2)
        settle(board, client)
        for _ in range(3):
            gc.collect()
            app.processEvents()
        rss = [("before", rss_mb())]
        answers = []
        half = args.calls // 2
        for label, count in ((f"after {half} calls", half), (f"after {args.calls} calls", args.calls - half)):
            answers += run_caller({"mode": "spaced", "calls": count, "spacing": args.spacing_ms / 1000})
            settle(board, client)
            gc.collect()
            rss.append((label, rss_mb()))

        def latencies(answers: list[dict]) -> tuple[list[float], list[float], list[float], int]:
            shown, on_board, audio = [], [], []
            superseded = 0
            for answer in answers:
                if "number" not in answer or answer["number"] not in displayed:
                    continue
                seq, at = displayed[answer["number"]]
                on_board.append(at - answer["answered"])
                if seq in painted:
                    shown.append(painted[seq] - answer["answered"])
                else:
                    superseded += 1
                if answer["number"] in first_audio:
                    audio.append(first_audio[answer["number"]] - answer["answered"])
            return on_board, shown, audio, superseded

        called = [a for a in answers if "number" in a]
        on_board, shown, audio, superseded = latencies(called)
        print(f"  calls answered {len(called)}, on the board {len(on_board)}, announced {len(first_audio)}")
        print(f"  answer → on the board (model)  {summary_ms(on_board)}")
        print(f"  answer → number drawn          {summary_ms(shown)}   ({superseded} drawn over by the next call first)")
        print(f"  answer → chime handed          {summary_ms(audio)}   (calls queue behind each other's speech)")
        print("  board memory (RSS): " + ", ".join(f"{label} {value:.1f} MB" for label, value in rss))
        print(f"  kept after the run: {len(board.model.calls)} calls, {len(board._fresh_until)} highlights, "
              f"{board.announcer.pending()} announcements pending")

        print("\n== 40 calls, one every 250 ms (the announcer idle when each arrives) ==")
        issue(14)
        settle(board, client)
        answers = run_caller({"mode": "spaced", "calls": 40, "spacing": 0.25})
        settle(board, client)
        on_board, shown, audio, superseded = latencies([a for a in answers if "number" in a])
        print(f"  answer → number drawn          {summary_ms(shown)}")
        print(f"  answer → chime handed          {summary_ms(audio)}")
        if shown and min(shown) < 0:
            print("  (a negative time: the board had the event before the clerk's screen had its answer)")
        board.shutdown()
        client.stop()
        board.close()

        # 3. gaps at real playback speed, three counters calling together, cold speech ---------
        print("\n== three counters call together, twice; playback at real speed, speech not cached ==")
        issue(3)
        sink = TimingSink(realtime=True)
        client = HubClient(hub.url, device_name="bench-board-gaps", kind="display", enroll_code=hub.enroll_code,
                           config_dir=workdir / "config", refresh_events=STRUCTURAL_REFRESH_EVENTS)
        board = BoardWindow(client, sink=sink, announcer_settings=AnnouncerSettings(cache_dir=workdir / "gap-cache"))
        board.resize(1920, 1080)
        board.show()
        wait_until(lambda: client.online and board.model.loaded, 60)
        settle(board, client)
        sink.recording = True
        run_caller({"mode": "together", "rounds": 2, "pause": 0.5})
        settle(board, client)
        timeline = sink.timeline
        chime_to_speech, between_parts, between_calls = [], [], []
        for (path, _handed, finished), (next_path, next_handed, _) in zip(timeline, timeline[1:]):
            gap = next_handed - finished
            name, next_name = Path(path).name, Path(next_path).name
            if name.startswith("chime"):
                chime_to_speech.append(gap)
            elif next_name.startswith("chime"):
                between_calls.append(gap)
            else:
                between_parts.append(gap)
        print(f"  files played {len(timeline)} for {len(board.model.calls)} calls shown")
        print(f"  chime end → speech handed      {summary_ms(chime_to_speech)}")
        print(f"  Arabic end → English handed    {summary_ms(between_parts)}")
        print(f"  one call's end → next chime    {summary_ms(between_calls)}")
        gaps = chime_to_speech + between_parts + between_calls
        print(f"  longest silent gap {max(gaps) * 1000:.1f} ms" if gaps else "  no gaps measured")
        board.shutdown()
        client.stop()
        board.close()
    finally:
        hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
