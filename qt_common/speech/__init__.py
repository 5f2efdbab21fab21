"""Offline speech shared by every screen that talks: the board's announcer and the kiosk's
spoken guidance. Text becomes a WAV (espeak-ng on Linux, SAPI5 on Windows, or a folder of
recorded clips), made on a worker thread and played through a `qt_common.sound.AudioSink`.

    player = SpeechPlayer(SpeechSettings(rate=140), parent=window)
    player.say([Utterance("choice-1", "السجل التجاري", "ar")])   # replaces what is being said
    player.stop()                                                 # the visitor left
"""

from qt_common.speech.clips import ClipError, Gap, join_clips
from qt_common.speech.settings import LANGUAGES, SettingsError, SpeechEngine, SpeechSettings
from qt_common.speech.synthesis import InvalidPhraseError, SynthesisError, synthesise

__all__ = [
    "LANGUAGES",
    "ClipError",
    "Gap",
    "InvalidPhraseError",
    "SettingsError",
    "SpeechEngine",
    "SpeechSettings",
    "SynthesisError",
    "join_clips",
    "synthesise",
]
