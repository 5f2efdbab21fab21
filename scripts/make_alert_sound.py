"""Write assets/sounds/device-alert.wav, the supervisor's short "a device needs you" sound.

Run it again only to change the sound: `python scripts/make_alert_sound.py`. Two soft rising
beeps (A5 then E6), under half a second, distinct from the board's falling chime so a
supervisor beside a board never takes one for the other.
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
PATH = ROOT / "assets" / "sounds" / "device-alert.wav"
BEEPS_HZ_START_S = ((880.0, 0.0), (1318.5, 0.2))
BEEP_S, LENGTH_S, PEAK = 0.14, 0.45, 0.4


def samples() -> array.array:
    rate = FORMAT.frame_rate
    mix = [0.0] * round(LENGTH_S * rate)
    for frequency, start_s in BEEPS_HZ_START_S:
        start = round(start_s * rate)
        for index in range(round(BEEP_S * rate)):
            t = index / rate
            # 8 ms in, a gentle fall out: no clicks at either end.
            envelope = min(1.0, t / 0.008) * max(0.0, 1.0 - t / BEEP_S) ** 0.6
            mix[start + index] += envelope * (math.sin(2 * math.pi * frequency * t) + 0.2 * math.sin(4 * math.pi * frequency * t))
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
