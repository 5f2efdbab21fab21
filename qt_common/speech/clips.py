"""Speech joined from recorded clips (a human voice): clip files and pauses, one WAV, cached.

What a phrase is made of is the speaker's business (the board's calls, see
display_board/announcer/clips.py; the kiosk's ticket, see kiosk/speech.py); this joins the
pieces once they are planned. Every clip of one phrase must share one PCM format.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qt_common.wav import WavFormat, WavFormatError, read_frames, silence, write_atomically

CLIPS_CACHE_SUBDIR = "clips"
WORD_GAP_SECONDS = 0.08
COMMA_GAP_SECONDS = 0.30


class ClipError(LookupError):
    """A phrase that cannot be built from the clips folder."""


@dataclass(frozen=True, slots=True)
class Gap:
    """A pause between two clips."""

    seconds: float


Piece = Path | Gap


def number_clips(folder: Path, value: int) -> list[Piece]:
    """The clips that say a whole number: its own clip if recorded, else digit by digit."""
    whole = folder / f"{value}.wav"
    if whole.is_file():
        return [whole]
    pieces: list[Piece] = []
    for digit in str(value):
        if pieces:
            pieces.append(Gap(WORD_GAP_SECONDS))
        pieces.append(folder / f"{digit}.wav")
    return pieces


def check_present(pieces: Sequence[Piece]) -> None:
    """ClipError naming every clip of the plan that is not in the folder."""
    missing = [piece for piece in pieces if isinstance(piece, Path) and not piece.is_file()]
    if missing:
        names = ", ".join(str(path) for path in dict.fromkeys(missing))
        raise ClipError(f"missing clip(s): {names}")


def join_clips(pieces: Sequence[Piece], language: str, cache_dir: Path) -> Path:
    """One WAV of the pieces in order, cached by their files and pauses; ClipError if it cannot be."""
    check_present(pieces)
    identity = json.dumps(
        [
            [str(piece), piece.stat().st_size, piece.stat().st_mtime_ns] if isinstance(piece, Path) else piece.seconds
            for piece in pieces
        ]
    )
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    target = Path(cache_dir) / CLIPS_CACHE_SUBDIR / f"{language}-{digest}.wav"
    if target.is_file():
        return target
    wav_format: WavFormat | None = None
    first_clip: Path | None = None
    loaded: dict[Path, bytes] = {}
    for piece in pieces:
        if not isinstance(piece, Path) or piece in loaded:
            continue
        try:
            clip_format, frames = read_frames(piece)
        except (OSError, WavFormatError) as error:
            raise ClipError(f"clip cannot be read: {error}") from error
        if wav_format is None:
            wav_format, first_clip = clip_format, piece
        elif clip_format != wav_format:
            raise ClipError(
                f"clips differ in format: {first_clip} is {wav_format.describe()}, "
                f"{piece} is {clip_format.describe()}; record or convert all clips of "
                f"{language!r} to one format"
            )
        loaded[piece] = frames
    if wav_format is None:
        raise ClipError("the phrase has no clip to say")
    joined = b"".join(
        loaded[piece] if isinstance(piece, Path) else silence(wav_format, piece.seconds) for piece in pieces
    )
    return write_atomically(target, wav_format, joined)
