"""Says a list of phrases, one after another, and stops the moment it is told to.

Each phrase becomes a WAV on one worker thread (`synthesise`: espeak-ng or SAPI5, cached) as
soon as it is given, so the next one is ready when the one before ends; playback goes through
an `AudioSink` one file at a time. `say()` replaces whatever is being said (a visitor who
moves on does not want to hear the rest of the last screen); `add()` queues behind it. The
worker's results come back by a queued signal, tagged with the round they belong to, so a
phrase of an interrupted round is never played. The worker never touches a widget.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from qt_common.sound import AudioSink, QtAudioSink
from qt_common.speech.clips import ClipError, join_clips
from qt_common.speech.settings import SpeechSettings
from qt_common.speech.synthesis import check_phrase, synthesise, warm_up

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Utterance:
    """One phrase in one language; `label` says what it is (for logs, tests and listeners).

    `clips` optionally plans the phrase from the recorded clips folder (file names and pauses,
    qt_common.speech.clips); when every clip is there it is said in the human voice, else the
    text is synthesised."""

    text: str
    language: str
    label: str = ""
    clips: tuple = ()


@dataclass(eq=False)
class _Item:
    utterance: Utterance
    round: int
    path: Path | None = None
    error: str | None = None
    done: bool = field(default=False)


class SpeechPlayer(QObject):
    """Phrases to sound, in order, interruptible, never blocking the Qt main thread."""

    speaking = Signal(object)
    """An utterance's WAV has just been handed to the sink (the Utterance)."""
    audio_handed = Signal(str)
    """The path of the WAV just handed to the sink."""
    finished = Signal()
    """Everything given has been said (or skipped); not emitted after `stop()`."""
    failed = Signal(object, str)
    """An utterance could not be made and was skipped (the Utterance, why)."""

    _made = Signal(object, object, object)  # from the worker: (item, path or None, error or None)

    def __init__(
        self, settings: SpeechSettings | None = None, sink: AudioSink | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        if settings is not None and not isinstance(settings, SpeechSettings):
            raise TypeError(f"settings must be SpeechSettings, not {type(settings).__name__}")
        if sink is not None and not isinstance(sink, AudioSink):
            raise TypeError(f"sink must be an AudioSink, not {type(sink).__name__}")
        self.settings = settings if settings is not None else SpeechSettings()
        self._sink = sink if sink is not None else QtAudioSink(self)
        self._sink.set_volume(self.settings.volume)
        self._sink.finished.connect(self._on_sink_finished, Qt.ConnectionType.QueuedConnection)
        self._made.connect(self._on_made, Qt.ConnectionType.QueuedConnection)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speech")
        self._worker.submit(warm_up, self.settings)
        self._queue: deque[_Item] = deque()
        self._round = 0
        self._sink_busy = False
        self._stale_finishes = 0  # finishes still to come from files cut short by stop()
        self._closed = False
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._on_timeout)

    @property
    def sink(self) -> AudioSink:
        return self._sink

    def say(self, utterances: Iterable[Utterance]) -> None:
        """Stops what is being said and says these instead, in order."""
        self.stop()
        self.add(utterances)

    def add(self, utterances: Iterable[Utterance]) -> None:
        """Queues these after what is being said; each starts being made at once."""
        if self._closed:
            return
        for utterance in utterances:
            if not isinstance(utterance, Utterance):
                raise TypeError(f"say() takes Utterances, not {type(utterance).__name__}")
            item = _Item(utterance, self._round)
            try:
                check_phrase(utterance.text, utterance.language)
            except ValueError as error:
                item.error = str(error)
            else:
                self._worker.submit(self._make, item)
            self._queue.append(item)
        self._advance()

    def stop(self) -> None:
        """Cuts the current phrase short and forgets the rest; phrases still being made are dropped."""
        self._round += 1
        self._queue.clear()
        self._timeout.stop()
        if self._sink_busy:
            self._sink_busy = False
            self._stale_finishes += 1
            self._sink.stop()

    def busy(self) -> bool:
        """Whether something is being said or waits to be."""
        return self._sink_busy or bool(self._queue)

    def shutdown(self, wait: bool = True) -> None:
        """Stops and ends the worker thread (the application is quitting)."""
        self.stop()
        self._closed = True
        self._worker.shutdown(wait=wait, cancel_futures=True)

    # --- worker thread -----------------------------------------------------------------

    def _make(self, item: _Item) -> None:
        if item.round != self._round:
            return  # interrupted before its turn came: not worth making
        path: Path | None = None
        error: str | None = None
        try:
            path = self._from_clips(item.utterance) or synthesise(item.utterance.text, item.utterance.language, self.settings)
        except Exception as problem:  # noqa: BLE001 — any failure skips the phrase, never kills the queue
            error = str(problem)
        try:
            self._made.emit(item, path, error)
        except RuntimeError:
            pass  # the player was deleted while the phrase was made

    def _from_clips(self, utterance: Utterance) -> Path | None:
        if not utterance.clips or self.settings.clips_dir is None:
            return None
        try:
            return join_clips(list(utterance.clips), utterance.language, self.settings.resolved_cache_dir)
        except ClipError as error:
            logger.info("recorded clips cannot say %r, synthesising it: %s", utterance.text[:40], error)
            return None

    # --- main thread -------------------------------------------------------------------

    def _on_made(self, item: _Item, path: Path | None, error: str | None) -> None:
        if item.round != self._round or item.done:
            return
        item.path, item.error = path, error
        if self._queue and self._queue[0] is item:
            self._advance()

    def _on_sink_finished(self, _path: str) -> None:
        if self._stale_finishes:
            self._stale_finishes -= 1
            return
        if not self._sink_busy:
            return
        self._sink_busy = False
        self._advance()
        if not self.busy():
            self.finished.emit()

    def _on_timeout(self) -> None:
        if self._queue and self._queue[0].path is None and self._queue[0].error is None:
            item = self._queue[0]
            item.error = f"speech not ready after {self.settings.synthesis_timeout_seconds:g} s"
            self._advance()

    def _advance(self) -> None:
        while not self._sink_busy and self._queue and not self._closed:
            item = self._queue[0]
            if item.error is not None:
                self._queue.popleft()
                item.done = True
                logger.warning("not saying %r: %s", item.utterance.text[:60], item.error)
                self.failed.emit(item.utterance, item.error)
                if not self._queue:
                    self.finished.emit()
                continue
            if item.path is None:
                if not self._timeout.isActive():
                    self._timeout.start(round(self.settings.synthesis_timeout_seconds * 1000))
                return
            self._timeout.stop()
            self._queue.popleft()
            item.done = True
            self._sink_busy = True
            try:
                self._sink.play(str(item.path))
            except Exception as problem:  # noqa: BLE001 — a broken sink must not stop the phrases behind
                self._sink_busy = False
                self.failed.emit(item.utterance, f"the audio output refused {item.path}: {problem}")
                continue
            self.audio_handed.emit(str(item.path))
            self.speaking.emit(item.utterance)
