"""The two-tone chime that opens every announcement, generated, not shipped."""

from __future__ import annotations

import array
import math
import sys
from pathlib import Path

from qt_common.wav import (
    WavFormat,
    WavFormatError,
    read_info,
    write_atomically,
)

CHIME_FORMAT = WavFormat(channels=1, sample_width=2, frame_rate=22050)
# Bump when the sound changes so caches built by an older version are not reused.
CHIME_FILE_NAME = "chime-v1.wav"

# A descending major third (E5 then C5), the "ding-dong" people already
# know from halls and airports; soft enough not to startle.
_NOTES_HZ_AND_START_S: tuple[tuple[float, float], ...] = ((659.25, 0.0), (523.25, 0.42))
# Partials of a struck bar: the fundamental, a soft octave and a faint
# twelfth. Pure sines sound like a test tone; these give it a bell colour.
_PARTIALS: tuple[tuple[float, float], ...] = ((1.0, 1.0), (2.0, 0.28), (3.0, 0.08))
_DECAY_SECONDS = 0.32
_ATTACK_SECONDS = 0.006
_LENGTH_SECONDS = 1.35
_PEAK = 0.45  # about -7 dBFS, leaving room for the speech to sit at the same loudness


def chime_samples(frame_rate: int = CHIME_FORMAT.frame_rate, gain: float = 1.0) -> array.array:
    """The chime as signed 16-bit samples, its peak scaled by `gain` (0 to 1)."""
    total = round(_LENGTH_SECONDS * frame_rate)
    mix = [0.0] * total
    partial_weight = sum(weight for _, weight in _PARTIALS)
    for frequency, start_seconds in _NOTES_HZ_AND_START_S:
        start = round(start_seconds * frame_rate)
        for index in range(start, total):
            t = (index - start) / frame_rate
            envelope = math.exp(-t / _DECAY_SECONDS) * min(1.0, t / _ATTACK_SECONDS)
            tone = sum(
                weight * math.sin(2 * math.pi * frequency * multiple * t)
                for multiple, weight in _PARTIALS
            )
            mix[index] += envelope * tone / partial_weight
    # A short fade-out so the file never ends on a click.
    fade = round(0.05 * frame_rate)
    for offset in range(fade):
        mix[total - 1 - offset] *= offset / fade
    loudest = max(abs(value) for value in mix) or 1.0
    scale = _PEAK * max(0.0, min(1.0, gain)) * 32767 / loudest
    return array.array("h", (round(value * scale) for value in mix))


def make_chime(path: Path, gain: float = 1.0) -> Path:
    """Writes the chime WAV (peak scaled by `gain`) to `path` atomically and returns the path."""
    samples = chime_samples(gain=gain)
    if sys.byteorder == "big":
        samples.byteswap()
    return write_atomically(Path(path), CHIME_FORMAT, samples.tobytes())


def chime_file_name(gain: float = 1.0) -> str:
    """The cache file of the chime at this loudness (full loudness keeps the plain name)."""
    percent = round(max(0.0, min(1.0, gain)) * 100)
    return CHIME_FILE_NAME if percent == 100 else CHIME_FILE_NAME.replace(".wav", f"-{percent}.wav")


def cached_chime(cache_dir: Path, gain: float = 1.0) -> Path:
    """The chime at this loudness in the cache directory, generated the first time it is needed."""
    path = Path(cache_dir) / chime_file_name(gain)
    try:
        if read_info(path).frame_count > 0:
            return path
    except (OSError, WavFormatError):
        pass  # missing or damaged: make it again
    return make_chime(path, round(max(0.0, min(1.0, gain)) * 100) / 100)
