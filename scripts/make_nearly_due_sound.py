"""Write assets/sounds/nearly-due.wav, the phone page's "your turn is near" sound.

Run it again only to change the sound: `python scripts/make_nearly_due_sound.py`. Three soft
rising notes (C6, E6, G6), under a second: a phone in a pocket or across a café table is
heard without startling anyone, and it is not the supervisor's two-beep device alert.
"""

from __future__ import annotations

import array
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qt_common.wav import WavFormat, write_atomically  # noqa: E402

FORMAT = WavFormat(channels=1, sample_width=2, frame_rate=16000)
PATH = ROOT / "assets" / "sounds" / "nearly-due.wav"
NOTES_HZ_START_S = ((1046.5, 0.0), (1318.5, 0.18), (1568.0, 0.36))
NOTE_S, LENGTH_S, PEAK = 0.3, 0.8, 0.45


def samples() -> array.array:
    rate = FORMAT.frame_rate
    mix = [0.0] * round(LENGTH_S * rate)
    for frequency, start_s in NOTES_HZ_START_S:
        start = round(start_s * rate)
        for index in range(min(round(NOTE_S * rate), len(mix) - start)):
            t = index / rate
            # 10 ms in, a bell-like fall out: no clicks at either end.
            envelope = min(1.0, t / 0.01) * math.exp(-t * 9)
            mix[start + index] += envelope * (math.sin(2 * math.pi * frequency * t) + 0.15 * math.sin(4 * math.pi * frequency * t))
    loudest = max(abs(v) for v in mix) or 1.0
    return array.array("h", (round(v / loudest * PEAK * 32767) for v in mix))


def main() -> int:
    data = samples()
    if sys.byteorder == "big":
        data.byteswap()
    write_atomically(PATH, FORMAT, data.tobytes())
    print(PATH)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
