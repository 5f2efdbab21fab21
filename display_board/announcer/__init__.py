"""Turns a call into sound: a chime, then the call in Arabic, then in English.

The board creates one `Announcer` and calls `announce(Call(...))` for every
`ticket.called` and `ticket.recalled` event::

    announcer = Announcer(AnnouncerSettings(languages=["ar", "en"], volume=0.8), parent=window)
    announcer.announce(Call("A-105", counter_number=3, counter_name_ar="الشباك 3",
                            counter_name_en="Counter 3", recall=event_type == "ticket.recalled"))
    app.aboutToQuit.connect(announcer.shutdown)

`Call(...)` raises InvalidCallError (English and Arabic message) for values
it cannot announce. Decisions: docs/decisions/announcer-*.md.
"""

from display_board.announcer.announcer import Announcer
from display_board.announcer.calls import Call, InvalidCallError
from display_board.announcer.chime import make_chime
from display_board.announcer.clips import ClipError, build_from_clips
from display_board.announcer.phrases import (
    ARABIC_LETTER_NAMES,
    arabic_phrase,
    english_phrase,
)
from display_board.announcer.settings import (
    AnnouncerSettings,
    SettingsError,
    SpeechEngine,
)
from qt_common.sound import AudioSink, QtAudioSink, RecordingSink
from qt_common.speech.synthesis import (
    InvalidPhraseError,
    SynthesisError,
    synthesise,
)

__all__ = [
    "ARABIC_LETTER_NAMES",
    "Announcer",
    "AnnouncerSettings",
    "AudioSink",
    "Call",
    "ClipError",
    "InvalidCallError",
    "InvalidPhraseError",
    "QtAudioSink",
    "RecordingSink",
    "SettingsError",
    "SpeechEngine",
    "SynthesisError",
    "arabic_phrase",
    "build_from_clips",
    "english_phrase",
    "make_chime",
    "synthesise",
]
