"""The kiosk's spoken guidance: how soon a visitor hears a phrase, and that the screen never waits.

The real SpeechPlayer with espeak-ng (only the sound card is replaced by a RecordingSink), in
this process, offscreen. For the kiosk's kind of phrases, Arabic and English:
- say() → the WAV handed to the sound card, cold (synthesised now) and cached (p50/p99);
- Next pressed while a phrase plays (an interruption) → the next phrase handed, cached;
- the longest the Qt event loop went without turning while phrases were synthesised (a timer
  asks every 5 ms): the screen must never wait for the synthesiser.

Targets: cached < 50 ms; cold < 1 s; no event-loop stall > 50 ms.

    .venv/bin/python bench/kiosk_speech.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.figures import percentile  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PHRASES = {
    "ar": ["اختر الخدمة", "1 من 8: أَيْ السجل التجاري، لا أحد في الانتظار", "رقمك أَيْ 105", "أمامك 3 أشخاص",
           "الانتظار المتوقع: 6 دقائق", "لسماع الرقم مرة أخرى اختر زر الإعادة."],
    "en": ["Choose a service", "1 of 8: A Commercial registration, no one waiting", "Your number is A-105",
           "3 people ahead of you", "Estimated wait: 6 min", "To hear your number again, choose Repeat."],
}


def summary_ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (f"p50 {percentile(values, .5) * 1000:7.1f} ms   p99 {percentile(values, .99) * 1000:7.1f} ms   "
            f"max {max(values) * 1000:7.1f} ms   (n={len(values)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="phrases per language and kind (default 20)")
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from qt_common.sound import RecordingSink
    from qt_common.speech.player import SpeechPlayer, Utterance
    from qt_common.speech.settings import SpeechSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    cache = Path(tempfile.mkdtemp(prefix="kiosk-speech-bench-"))
    sink = RecordingSink(realtime=True)
    player = SpeechPlayer(SpeechSettings(cache_dir=cache, rate=140), sink)

    stalls: list[float] = []
    beat = QElapsedTimer()
    beat.start()

    def tick() -> None:
        stalls.append(beat.restart() / 1000)

    heart = QTimer()
    heart.setInterval(5)
    heart.timeout.connect(tick)
    heart.start()

    def handed_after(utterances: list, count_before: int, deadline_s: float = 30) -> float:
        started = time.perf_counter()
        player.say(utterances)
        while len(sink.handed) <= count_before:
            app.processEvents()
            if time.perf_counter() - started > deadline_s:
                raise SystemExit("no audio within 30 s: is espeak-ng installed?")
            time.sleep(0.001)
        return sink.handed[count_before].handed_at - started

    results: dict[str, list[float]] = {}
    for language, phrases in PHRASES.items():
        cold, cached, interrupted = [], [], []
        for round_number in range(args.rounds):
            text = f"{phrases[round_number % len(phrases)]} {round_number}"  # new text: synthesised now
            cold.append(handed_after([Utterance(text, language)], len(sink.handed)))
            cached.append(handed_after([Utterance(text, language)], len(sink.handed)))
            # The visitor presses Next while that phrase plays: the next one (cached) comes at once.
            interrupted.append(handed_after([Utterance(phrases[0], language)], len(sink.handed)))
        results[f"{language} cold"] = cold
        results[f"{language} cached"] = cached
        results[f"{language} after Next"] = interrupted
    player.stop()
    heart.stop()
    player.shutdown()

    print(f"kiosk speech, espeak-ng, {args.rounds} phrases per kind and language; cache {cache}")
    for name, values in results.items():
        print(f"  say() → audio handed, {name:<14} {summary_ms(values)}")
    print(f"  event-loop turns while synthesising: {summary_ms(stalls[1:])}  (a 5 ms timer)")
    print(f"  overlapping files at the sound card: {sink.overlaps}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
