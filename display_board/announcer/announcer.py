"""The announcer: a queue of calls, each played as chime, Arabic, then English.

Speech is produced on one worker thread as soon as a call arrives, so it is
ready by the time the chime (or the call before) has finished. Playback goes
through an AudioSink one file at a time, in arrival order: calls that arrive
together queue up, none is dropped and none overlaps another. Results come
back from the worker by a queued signal; the worker never touches Qt objects
of the main thread. See docs/decisions/announcer-queue.md.
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from display_board.announcer.calls import Call
from display_board.announcer.chime import cached_chime
from display_board.announcer.settings import AnnouncerSettings
from qt_common.sound import AudioSink, QtAudioSink
from display_board.announcer.speech import produce_speech
from qt_common.speech.synthesis import warm_up

logger = logging.getLogger(__name__)

CHIME_PART = "chime"


@dataclass(eq=False)
class _Part:
    """One file of an announcement: the chime or one language's speech."""

    label: str
    path: Path | None = None
    error: str | None = None


@dataclass(eq=False)
class _Announcement:
    call: Call
    parts: list[_Part] = field(default_factory=list)
    next_part: int = 0


class Announcer(QObject):
    """Turns calls into sound, one after another, never blocking the Qt main thread."""

    started = Signal(Call)
    """An announcement begins (its first file is about to be handed over)."""
    finished = Signal(Call)
    """An announcement is over: every part was played or skipped."""
    audio_handed = Signal(str)
    """A WAV file has just been handed to the sink."""
    failed = Signal(Call, str)
    """A part of an announcement could not be made and was skipped; the rest still plays."""

    # From the worker thread: (part, path or None, error text or None).
    _speech_done = Signal(object, object, object)

    def __init__(
        self,
        settings: AnnouncerSettings | None = None,
        sink: AudioSink | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if settings is not None and not isinstance(settings, AnnouncerSettings):
            raise TypeError(f"settings must be AnnouncerSettings, not {type(settings).__name__}")
        if sink is not None and not isinstance(sink, AudioSink):
            raise TypeError(f"sink must be an AudioSink, not {type(sink).__name__}")
        self.settings = settings if settings is not None else AnnouncerSettings()
        self._sink = sink if sink is not None else QtAudioSink(self)
        self._sink.set_volume(self.settings.volume)
        # Queued even within one thread: a sink that finishes inside play()
        # must not re-enter the queue logic while it is still running.
        self._sink.finished.connect(self._on_sink_finished, Qt.ConnectionType.QueuedConnection)
        self._speech_done.connect(self._on_speech_done, Qt.ConnectionType.QueuedConnection)
        self._chime_path: Path | None = None
        if self.settings.chime:
            try:
                self._chime_path = cached_chime(
                    self.settings.resolved_cache_dir, self.settings.chime_volume
                )
            except OSError as error:
                logger.warning("cannot write the chime, announcing without it: %s", error)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="announcer-speech")
        self._worker.submit(warm_up, self.settings)
        self._waiting: deque[_Announcement] = deque()
        self._current: _Announcement | None = None
        self._sink_busy = False
        self._closed = False
        self._speech_timeout = QTimer(self)
        self._speech_timeout.setSingleShot(True)
        self._speech_timeout.timeout.connect(self._on_speech_timeout)

    def announce(self, call: Call) -> None:
        """Queues a call; its speech starts being made at once, in the background."""
        if not isinstance(call, Call):
            raise TypeError(f"announce() takes a Call, not {type(call).__name__}")
        if self._closed:
            raise RuntimeError("the announcer has been shut down")
        announcement = _Announcement(call)
        if self._chime_path is not None:
            for _ in range(self.settings.chime_repeats):
                announcement.parts.append(_Part(CHIME_PART, self._chime_path))
        for language in self.settings.spoken_languages:
            part = _Part(language)
            announcement.parts.append(part)
            self._worker.submit(self._make_speech, part, call, language)
        self._waiting.append(announcement)
        self._advance()

    def set_chime(self, volume: float, repeats: int) -> None:
        """The chime's loudness and count for the calls queued from now on (a board's settings
        arrive with the hub's state, after the announcer is made); SettingsError if unusable."""
        settings = replace(self.settings, chime_volume=volume, chime_repeats=repeats)
        if settings == self.settings:
            return
        self.settings = settings
        self._chime_path = None
        if settings.chime:
            try:
                self._chime_path = cached_chime(settings.resolved_cache_dir, settings.chime_volume)
            except OSError as error:
                logger.warning("cannot write the chime, announcing without it: %s", error)

    def pending(self) -> int:
        """Calls not yet finished: the one playing plus those waiting."""
        return len(self._waiting) + (self._current is not None)

    def shutdown(self, wait: bool = True) -> None:
        """Stops playback, drops what is queued and ends the worker thread."""
        self._closed = True
        self._waiting.clear()
        self._current = None
        self._speech_timeout.stop()
        self._worker.shutdown(wait=wait, cancel_futures=True)
        if self._sink_busy:
            self._sink.stop()

    # --- worker thread ---------------------------------------------------------

    def _make_speech(self, part: _Part, call: Call, language: str) -> None:
        path: Path | None = None
        error: str | None = None
        try:
            path = produce_speech(call, language, self.settings)
        except Exception as problem:  # noqa: BLE001 — any failure must become a skipped part, not a dead queue
            logger.warning("no %s speech for %s: %s", language, call.ticket_number, problem)
            error = f"{language}: {problem}"
        try:
            self._speech_done.emit(part, path, error)
        except RuntimeError:
            pass  # the announcer was deleted while this phrase was being made

    # --- main thread -------------------------------------------------------------

    def _on_speech_done(self, part: _Part, path: Path | None, error: str | None) -> None:
        if part.error is not None:
            return  # timed out earlier; the queue has moved on
        part.path, part.error = path, error
        if self._current is not None and self._awaited_part() is part:
            self._advance()

    def _on_sink_finished(self, _path: str) -> None:
        if not self._sink_busy:
            return  # a stray signal from a sink that was stopped
        self._sink_busy = False
        self._advance()

    def _on_speech_timeout(self) -> None:
        part = self._awaited_part()
        if part is None or part.path is not None:
            return
        part.error = (
            f"{part.label}: speech not ready after {self.settings.synthesis_timeout_seconds:g} s"
        )
        logger.warning("%s; skipping it", part.error)
        self._advance()

    def _awaited_part(self) -> _Part | None:
        current = self._current
        if current is None or current.next_part >= len(current.parts):
            return None
        return current.parts[current.next_part]

    def _advance(self) -> None:
        while not self._sink_busy and not self._closed:
            if self._current is None:
                if not self._waiting:
                    return
                self._current = self._waiting.popleft()
                self.started.emit(self._current.call)
            current = self._current
            if current.next_part >= len(current.parts):
                self._current = None
                self.finished.emit(current.call)
                continue
            part = current.parts[current.next_part]
            if part.error is not None:
                current.next_part += 1
                self.failed.emit(current.call, part.error)
                continue
            if part.path is None:
                if not self._speech_timeout.isActive():
                    self._speech_timeout.start(
                        round(self.settings.synthesis_timeout_seconds * 1000)
                    )
                return
            self._speech_timeout.stop()
            current.next_part += 1
            self._hand_to_sink(current, part)

    def _hand_to_sink(self, current: _Announcement, part: _Part) -> None:
        assert part.path is not None
        path = str(part.path)
        self._sink_busy = True
        try:
            self._sink.play(path)
        except Exception as problem:  # noqa: BLE001 — a broken sink must not stop the calls behind this one
            self._sink_busy = False
            part.error = f"{part.label}: the audio output refused {path}: {problem}"
            logger.warning("%s", part.error)
            self.failed.emit(current.call, part.error)
            return
        self.audio_handed.emit(path)
