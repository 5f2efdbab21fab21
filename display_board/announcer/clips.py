"""Announcements joined from recorded clips (a human voice) instead of synthesised.

Layout of the clips folder, one sub-folder per language (``ar``, ``en``); every
file is a PCM WAV and all files of one language share one format::

    clips/
      ar/
        number.wav        "الرقم"        the word before the ticket
        counter.wav       "الشباك"       the word before the counter number
        reminder.wav      "تذكير"        opens a recall (needed only for recalls)
        letter_A.wav ...  letter_Z.wav    the service letters
        0.wav ... 9.wav   digits, used one by one when a whole number is missing
        105.wav           optional whole numbers, preferred over digits
        counter_3.wav     optional whole counter part ("الشباك ثلاثة", or with its
                          name), preferred over counter.wav + 3.wav
      en/
        (the same names)

A phrase that needs a missing clip (or mixes formats) raises ClipError; the
announcer then synthesises that phrase instead. See
docs/decisions/announcer-clips.md.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from display_board.announcer.calls import Call
from display_board.announcer.phrases import names_counter_number
from qt_common.wav import (
    WavFormat,
    WavFormatError,
    read_frames,
    silence,
    write_atomically,
)

CLIPS_CACHE_SUBDIR = "clips"
WORD_GAP_SECONDS = 0.08
COMMA_GAP_SECONDS = 0.30


class ClipError(LookupError):
    """A phrase that cannot be built from the clips folder."""


@dataclass(frozen=True, slots=True)
class _Gap:
    seconds: float


_Piece = Path | _Gap


def _number_clips(folder: Path, value: int) -> list[_Piece]:
    whole = folder / f"{value}.wav"
    if whole.is_file():
        return [whole]
    pieces: list[_Piece] = []
    for digit in str(value):
        if pieces:
            pieces.append(_Gap(WORD_GAP_SECONDS))
        pieces.append(folder / f"{digit}.wav")
    return pieces


def _counter_name(call: Call, language: str) -> str | None:
    return call.counter_name_ar if language == "ar" else call.counter_name_en


def clip_plan(call: Call, language: str, clips_dir: Path) -> list[_Piece]:
    """The clips (and pauses) that say this call, in order; ClipError if one is missing."""
    folder = Path(clips_dir) / language
    if not folder.is_dir():
        raise ClipError(f"no clips folder for {language!r}: {folder}")
    pieces: list[_Piece] = []
    if call.recall:
        pieces += [folder / "reminder.wav", _Gap(COMMA_GAP_SECONDS)]
    pieces.append(folder / "number.wav")
    for letter in call.ticket.letters:
        pieces += [_Gap(WORD_GAP_SECONDS), folder / f"letter_{letter}.wav"]
    pieces.append(_Gap(WORD_GAP_SECONDS))
    pieces += _number_clips(folder, call.ticket.value)
    pieces.append(_Gap(COMMA_GAP_SECONDS))
    whole_counter = folder / f"counter_{call.counter_number}.wav"
    name = _counter_name(call, language)
    if whole_counter.is_file():
        pieces.append(whole_counter)
    elif name is not None and not names_counter_number(name, call.counter_number):
        raise ClipError(
            f"counter {call.counter_number} has the name {name!r}, which only a whole "
            f"clip can say; record it as {whole_counter}"
        )
    else:
        pieces += [folder / "counter.wav", _Gap(WORD_GAP_SECONDS)]
        pieces += _number_clips(folder, call.counter_number)
    missing = [piece for piece in pieces if isinstance(piece, Path) and not piece.is_file()]
    if missing:
        names = ", ".join(str(path) for path in dict.fromkeys(missing))
        raise ClipError(f"missing clip(s): {names}")
    return pieces


def build_from_clips(call: Call, language: str, clips_dir: Path, cache_dir: Path) -> Path:
    """One WAV saying the call, joined from clips and cached; ClipError if it cannot be."""
    pieces = clip_plan(call, language, clips_dir)
    identity = json.dumps(
        [
            [str(piece), piece.stat().st_size, piece.stat().st_mtime_ns]
            if isinstance(piece, Path)
            else piece.seconds
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
    assert wav_format is not None  # a plan always holds at least the number clip
    joined = b"".join(
        loaded[piece] if isinstance(piece, Path) else silence(wav_format, piece.seconds)
        for piece in pieces
    )
    return write_atomically(target, wav_format, joined)
