"""Timing figures for the announcer: `python -m display_board.announcer.measure`.

Prints synthesis time per phrase (cold and cached, for each engine), the time
from `announce()` to the chime being handed to the sink, and the silent gap
between the end of one file and the hand-over of the next. Figures, not
checks: the tests never assert on time.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QElapsedTimer
from PySide6.QtMultimedia import QMediaPlayer

from display_board.announcer.announcer import Announcer
from display_board.announcer.calls import Call
from display_board.announcer.phrases import arabic_phrase, english_phrase
from display_board.announcer.settings import AnnouncerSettings, SpeechEngine
from qt_common.sound import AudioSink, QtAudioSink, RecordingSink
from qt_common.speech.synthesis import synthesise


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"median {_ms(statistics.median(ordered))}  p90 {_ms(p90)}  max {_ms(ordered[-1])}  (n={len(ordered)})"


def measure_synthesis(cache_root: Path, count: int = 30) -> None:
    """Cold and cached synthesis time per phrase, per engine and language."""
    for engine in (SpeechEngine.PYTTSX3, SpeechEngine.ESPEAK_NG):
        settings = AnnouncerSettings(cache_dir=cache_root / engine.value, engine=engine)
        for language, phrase in (("ar", arabic_phrase), ("en", english_phrase)):
            calls = [Call(f"A-{number:03d}", number % 9 + 1) for number in range(1, count + 1)]
            cold, cached = time_synthesis([phrase(call) for call in calls], language, settings)
            print(f"synthesis {engine.value:9} {language} cold   {_summary(cold)}")
            print(f"synthesis {engine.value:9} {language} cached {_summary(cached)}")


def time_synthesis(texts: list[str], language: str, settings: AnnouncerSettings) -> tuple[list[float], list[float]]:
    """Seconds to synthesise each text the first time (cold) and again from the cache."""
    timings: tuple[list[float], list[float]] = ([], [])
    for seconds in timings:
        for text in texts:
            started = time.perf_counter()
            synthesise(text, language, settings)
            seconds.append(time.perf_counter() - started)
    return timings


def measure_queue(
    app: QCoreApplication, cache_dir: Path, make_sink: Callable[[], AudioSink], label: str
) -> None:
    """announce() → chime handed, and the gaps between files, for three calls at once."""
    sink = make_sink()
    built = time.perf_counter()
    announcer = Announcer(AnnouncerSettings(cache_dir=cache_dir), sink)
    print(f"{label}: Announcer() built in {_ms(time.perf_counter() - built)}")
    clock = QElapsedTimer()
    handed: list[tuple[float, str]] = []
    sink_finished: list[float] = []
    playing: list[float] = []
    sink.finished.connect(lambda _path: sink_finished.append(clock.nsecsElapsed() / 1e9))
    if isinstance(sink, QtAudioSink):
        sink._player.playbackStateChanged.connect(
            lambda state: (
                state == QMediaPlayer.PlaybackState.PlayingState
                and playing.append(clock.nsecsElapsed() / 1e9)
            )
        )
    announcer.audio_handed.connect(lambda path: handed.append((clock.nsecsElapsed() / 1e9, path)))
    announcer.finished.connect(lambda _call: announcer.pending() == 0 and app.quit())
    calls = [Call("A-105", 3), Call("B-7", 12, recall=True), Call("C-42", 1)]
    clock.start()
    for call in calls:
        announcer.announce(call)
    app.exec()
    announcer.shutdown()
    gaps = [handed[index + 1][0] - sink_finished[index] for index in range(len(handed) - 1)]
    print(f"{label}: announce() → chime handed {_ms(handed[0][0])}")
    print(f"{label}: gap from end of a file to the next hand-over: {_summary(gaps)}")
    print(f"{label}: all three calls took {handed[-1][0]:.2f} s to the last hand-over")
    if playing:
        starts = [start - hand for (hand, _), start in zip(handed, playing)]
        print(f"{label}: hand-over → QMediaPlayer playing: {_summary(starts)}")


def main() -> int:
    """Prints the figures."""
    app = QCoreApplication.instance() or QCoreApplication(sys.argv)
    with tempfile.TemporaryDirectory(prefix="tabour-announcer-") as root:
        cache_root = Path(root)
        measure_synthesis(cache_root / "synthesis")
        # Cold cache: the first announcement has to make the chime and the speech.
        measure_queue(
            app,
            cache_root / "queue-recording",
            lambda: RecordingSink(realtime=True),
            "recording sink (cold cache)",
        )
        measure_queue(
            app,
            cache_root / "queue-recording",
            lambda: RecordingSink(realtime=True),
            "recording sink (warm cache)",
        )
        measure_queue(app, cache_root / "queue-qt", QtAudioSink, "Qt Multimedia sink (cold cache)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
