"""Where finished WAV files go to be heard: the sound card, or a recorder.

`AudioSink` is the replaceable hardware edge. The announcer hands it one
file at a time and waits for `finished` before handing the next, so the
sink never has to queue or mix. A sink must emit `finished` exactly once
for every `play`, also when the file cannot be played.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from PySide6 import QtMultimedia
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

from qt_common.wav import WavFormatError, read_info

logger = logging.getLogger(__name__)

# Longest time past a file's own length that playback may take before the
# sink gives up on it, so a stuck audio backend cannot stall the queue.
PLAYBACK_GRACE_MS = 3000


class AudioSink(QObject):
    """Plays one WAV file at a time; emits `finished(path)` when it is done with it."""

    finished = Signal(str)

    def play(self, path: str) -> None:
        """Starts playing `path`; `finished` follows once, when it ends or fails."""
        raise NotImplementedError

    def set_volume(self, volume: float) -> None:
        """Loudness from 0 (silent) to 1 (full), as a listener hears it."""
        raise NotImplementedError

    def stop(self) -> None:
        """Cuts the current file short (it still gets its `finished`)."""
        raise NotImplementedError


def _linear_volume(perceived: float) -> float:
    # A volume slider should sound even; speakers' loudness is logarithmic.
    audio = getattr(QtMultimedia, "QtAudio", None) or QtMultimedia.QAudio
    return float(
        audio.convertVolume(
            perceived, audio.VolumeScale.LogarithmicVolumeScale, audio.VolumeScale.LinearVolumeScale
        )
    )


class QtAudioSink(AudioSink):
    """The sound card, through Qt Multimedia's QMediaPlayer.

    QSoundEffect was tried first and refuses to load anything when no audio
    device exists ("playback of this format is not supported"); QMediaPlayer
    plays to nothing at real speed and reaches the end, which keeps the queue
    and its timing the same with or without a sound card.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._devices = QMediaDevices(self)
        self._output = QAudioOutput(QMediaDevices.defaultAudioOutput(), self)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._output)
        self._player.mediaStatusChanged.connect(self._on_media_status)
        self._player.errorOccurred.connect(self._on_error)
        self._devices.audioOutputsChanged.connect(self._follow_default_device)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_watchdog)
        self._current: str | None = None
        self._warned_no_device = False

    def play(self, path: str) -> None:
        if self._current is not None:
            raise RuntimeError(f"already playing {self._current}; wait for finished")
        self._warn_once_without_device()
        try:
            duration_ms = round(read_info(path).duration_seconds * 1000)
        except (OSError, WavFormatError) as error:
            logger.warning("cannot play %s: %s", path, error)
            self._current = path
            QTimer.singleShot(0, self._finish)
            return
        self._current = path
        self._watchdog.start(duration_ms + PLAYBACK_GRACE_MS)
        url = QUrl.fromLocalFile(path)
        if self._player.source() == url:
            # The same file again (the chime of the next call): setSource would
            # be a no-op, so rewind instead.
            self._player.setPosition(0)
        else:
            self._player.setSource(url)
        self._player.play()

    def set_volume(self, volume: float) -> None:
        self._output.setVolume(_linear_volume(volume))

    def stop(self) -> None:
        if self._current is not None:
            self._player.stop()
            self._finish()

    def has_audio_device(self) -> bool:
        """Whether the system has any audio output at all."""
        return bool(QMediaDevices.audioOutputs())

    def _warn_once_without_device(self) -> None:
        if self._warned_no_device or self.has_audio_device():
            return
        self._warned_no_device = True
        logger.warning(
            "no audio output device: announcements run at their normal pace but are not heard"
        )

    def _follow_default_device(self) -> None:
        self._output.setDevice(QMediaDevices.defaultAudioOutput())
        self._warned_no_device = False

    def _on_media_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status in (QMediaPlayer.MediaStatus.EndOfMedia, QMediaPlayer.MediaStatus.InvalidMedia):
            self._finish()

    def _on_error(self, error: QMediaPlayer.Error, message: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            logger.warning("playback of %s failed: %s", self._current, message or error.name)
            self._finish()

    def _on_watchdog(self) -> None:
        logger.warning("playback of %s did not end in time; moving on", self._current)
        self._player.stop()
        self._finish()

    def _finish(self) -> None:
        if self._current is None:
            return
        self._watchdog.stop()
        path, self._current = self._current, None
        self.finished.emit(path)


@dataclass(frozen=True, slots=True)
class HandedFile:
    """One file a RecordingSink was given, and when (time.perf_counter seconds)."""

    path: str
    handed_at: float
    duration_seconds: float
    finished_at: float | None = None


class RecordingSink(AudioSink):
    """A sink without a sound card: records every file and when it was handed over.

    It finishes each file after the file's real duration (`realtime=True`,
    for measuring gaps) or on the next turn of the event loop. Used for
    headless runs and benchmarks, and by the tests as the sound-card edge.
    """

    def __init__(self, realtime: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.realtime = realtime
        self.handed: list[HandedFile] = []
        self.overlaps = 0
        self.volume: float | None = None
        self._playing_index: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._finish)

    def play(self, path: str) -> None:
        now = time.perf_counter()
        if self._playing_index is not None:
            self.overlaps += 1
            self._finish()
        try:
            duration = read_info(path).duration_seconds
        except (OSError, WavFormatError):
            duration = 0.0
        self.handed.append(HandedFile(path, now, duration))
        self._playing_index = len(self.handed) - 1
        self._timer.start(round(duration * 1000) if self.realtime else 0)

    def set_volume(self, volume: float) -> None:
        self.volume = volume

    def stop(self) -> None:
        if self._playing_index is not None:
            self._timer.stop()
            self._finish()

    @property
    def paths(self) -> list[str]:
        """Every file handed over, in order."""
        return [item.path for item in self.handed]

    def _finish(self) -> None:
        index, self._playing_index = self._playing_index, None
        if index is None:
            return
        item = self.handed[index]
        self.handed[index] = HandedFile(
            item.path, item.handed_at, item.duration_seconds, time.perf_counter()
        )
        self.finished.emit(item.path)
