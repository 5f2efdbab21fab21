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

from pathlib import Path

from display_board.announcer.calls import Call
from display_board.announcer.phrases import names_counter_number
from qt_common.speech.clips import (
    COMMA_GAP_SECONDS,
    WORD_GAP_SECONDS,
    ClipError,
    Gap,
    Piece,
    check_present,
    join_clips,
    number_clips,
)

__all__ = ["COMMA_GAP_SECONDS", "WORD_GAP_SECONDS", "ClipError", "build_from_clips", "clip_plan"]


def _counter_name(call: Call, language: str) -> str | None:
    return call.counter_name_ar if language == "ar" else call.counter_name_en


def clip_plan(call: Call, language: str, clips_dir: Path) -> list[Piece]:
    """The clips (and pauses) that say this call, in order; ClipError if one is missing."""
    folder = Path(clips_dir) / language
    if not folder.is_dir():
        raise ClipError(f"no clips folder for {language!r}: {folder}")
    pieces: list[Piece] = []
    if call.recall:
        pieces += [folder / "reminder.wav", Gap(COMMA_GAP_SECONDS)]
    pieces.append(folder / "number.wav")
    for letter in call.ticket.letters:
        pieces += [Gap(WORD_GAP_SECONDS), folder / f"letter_{letter}.wav"]
    pieces.append(Gap(WORD_GAP_SECONDS))
    pieces += number_clips(folder, call.ticket.value)
    pieces.append(Gap(COMMA_GAP_SECONDS))
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
        pieces += [folder / "counter.wav", Gap(WORD_GAP_SECONDS)]
        pieces += number_clips(folder, call.counter_number)
    check_present(pieces)
    return pieces


def build_from_clips(call: Call, language: str, clips_dir: Path, cache_dir: Path) -> Path:
    """One WAV saying the call, joined from clips and cached; ClipError if it cannot be."""
    return join_clips(clip_plan(call, language, clips_dir), language, cache_dir)
