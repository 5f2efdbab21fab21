"""Write the short sounds in assets/sounds/ that are made here rather than recorded.

Run it again only to change a sound: `python scripts/make_sounds.py`.
- device-alert.wav, the supervisor's "a device needs you": two soft rising beeps (A5 then E6),
  under half a second, distinct from the board's falling chime so a supervisor beside a board
  never takes one for the other.
- nearly-due.wav, the phone page's "your turn is near": three soft rising notes (C6, E6, G6),
  under a second: a phone in a pocket or across a café table is heard without startling anyone,
  and it is not the supervisor's two-beep device alert.
"""

from __future__ import annotations

import array
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qt_common.wav import WavFormat, write_atomically  # noqa: E402

FORMAT = WavFormat(channels=1, sample_width=2, frame_rate=16000)
SOUNDS = ROOT / "assets" / "sounds"


@dataclass(frozen=True)
class Sound:
    name: str
    notes_hz_start_s: tuple[tuple[float, float], ...]
    note_s: float
    length_s: float
    peak: float
    envelope: Callable[[float], float]  # of the time since the note began, in seconds
    second_harmonic: float


SOUNDS_MADE = (
    # 8 ms in, a gentle fall out: no clicks at either end.
    Sound("device-alert.wav", ((880.0, 0.0), (1318.5, 0.2)), 0.14, 0.45, 0.4,
          lambda t: min(1.0, t / 0.008) * max(0.0, 1.0 - t / 0.14) ** 0.6, 0.2),
    # 10 ms in, a bell-like fall out: no clicks at either end.
    Sound("nearly-due.wav", ((1046.5, 0.0), (1318.5, 0.18), (1568.0, 0.36)), 0.3, 0.8, 0.45,
          lambda t: min(1.0, t / 0.01) * math.exp(-t * 9), 0.15),
)


def samples(sound: Sound) -> array.array:
    rate = FORMAT.frame_rate
    mix = [0.0] * round(sound.length_s * rate)
    for frequency, start_s in sound.notes_hz_start_s:
        start = round(start_s * rate)
        for index in range(min(round(sound.note_s * rate), len(mix) - start)):
            t = index / rate
            wave = math.sin(2 * math.pi * frequency * t) + sound.second_harmonic * math.sin(4 * math.pi * frequency * t)
            mix[start + index] += sound.envelope(t) * wave
    loudest = max(abs(v) for v in mix) or 1.0
    return array.array("h", (round(v / loudest * sound.peak * 32767) for v in mix))


def main() -> int:
    for sound in SOUNDS_MADE:
        data = samples(sound)
        if sys.byteorder == "big":
            data.byteswap()
        path = SOUNDS / sound.name
        write_atomically(path, FORMAT, data.tobytes())
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
