"""Small WAV helpers on the standard library: read, measure, join, write atomically."""

from __future__ import annotations

import array
import math
import os
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path


class WavFormatError(ValueError):
    """A file that is not a PCM WAV this module can read."""


@dataclass(frozen=True, slots=True)
class WavFormat:
    """The part of a WAV header that must match for two files to be joined."""

    channels: int
    sample_width: int
    frame_rate: int

    def describe(self) -> str:
        """E.g. "22050 Hz, 16-bit, mono"."""
        layout = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels} channels")
        return f"{self.frame_rate} Hz, {self.sample_width * 8}-bit, {layout}"


@dataclass(frozen=True, slots=True)
class WavInfo:
    """A WAV file's format and length."""

    format: WavFormat
    frame_count: int

    @property
    def duration_seconds(self) -> float:
        """Playing time of the file."""
        return self.frame_count / self.format.frame_rate


def read_info(path: Path) -> WavInfo:
    """The format and length of a PCM WAV file; WavFormatError if it is not one."""
    try:
        with wave.open(str(path), "rb") as reader:
            if reader.getcomptype() != "NONE":
                raise WavFormatError(
                    f"{path}: compressed WAV ({reader.getcompname()}) is not supported"
                )
            return WavInfo(
                WavFormat(reader.getnchannels(), reader.getsampwidth(), reader.getframerate()),
                reader.getnframes(),
            )
    except (wave.Error, EOFError) as error:
        raise WavFormatError(f"{path}: not a PCM WAV file ({error})") from error


def read_frames(path: Path) -> tuple[WavFormat, bytes]:
    """The format and raw frames of a PCM WAV file."""
    info = read_info(path)
    with wave.open(str(path), "rb") as reader:
        return info.format, reader.readframes(info.frame_count)


def rms_16bit(frames: bytes) -> float:
    """Root-mean-square level of 16-bit little-endian samples, 0..32768."""
    samples = array.array("h")
    samples.frombytes(frames[: len(frames) - len(frames) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        return 0.0
    return math.sqrt(math.fsum(sample * sample for sample in samples) / len(samples))


def silence(wav_format: WavFormat, seconds: float) -> bytes:
    """Frames of silence in the given format (unsigned 8-bit silence is 0x80)."""
    frame_count = round(wav_format.frame_rate * seconds)
    fill = b"\x80" if wav_format.sample_width == 1 else b"\x00"
    return fill * (frame_count * wav_format.channels * wav_format.sample_width)


def write_atomically(path: Path, wav_format: WavFormat, frames: bytes) -> Path:
    """Writes a WAV so that readers see either no file or the whole file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary_name = tempfile.mkstemp(
        prefix=f".{path.stem}-", suffix=".wav.part", dir=path.parent
    )
    temporary = Path(temporary_name)
    try:
        with os.fdopen(descriptor, "wb") as raw, wave.open(raw, "wb") as writer:
            writer.setnchannels(wav_format.channels)
            writer.setsampwidth(wav_format.sample_width)
            writer.setframerate(wav_format.frame_rate)
            writer.writeframes(frames)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
