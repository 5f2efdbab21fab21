"""Text to a WAV file, cached per phrase, never played by the synthesiser itself.

Two synthesisers: pyttsx3 (libespeak-ng on Linux, SAPI5 on Windows), writing
with `save_to_file` + `runAndWait`, and the `espeak-ng` program (`-w file`).
On Linux the program comes first: pyttsx3 2.99's espeak driver neither waits
for a phrase to be written nor keeps from cancelling it (see
docs/decisions/announcer-synthesis.md); on Windows pyttsx3 is the way to
SAPI5. Each stands in for the other when it fails. All synthesis goes through
one lock: libespeak-ng is one process-wide library with one callback, and
pyttsx3 keeps one engine per driver.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from qt_common.speech.settings import LANGUAGES, SpeechEngine, SpeechSettings
from qt_common.wav import WavFormatError, read_info

logger = logging.getLogger(__name__)

MAX_PHRASE_CHARS = 500
SPEECH_SUBDIR = "speech"
# Voices espeak-ng resolves by language; naming them keeps the choice explicit
# rather than whatever the library's default voice happens to be.
ESPEAK_DEFAULT_VOICES: dict[str, str] = {"ar": "ar", "en": "en"}
_PRUNE_EVERY_WRITES = 50
_PYTTSX3_ESPEAK_ATTEMPTS = 3

_synthesis_lock = threading.Lock()
_writes_since_prune = 0


class SynthesisError(RuntimeError):
    """The synthesiser could not make a WAV for a phrase."""


class InvalidPhraseError(ValueError):
    """Text or language the synthesiser must not be given."""


class _VoiceLike(Protocol):
    id: str
    name: str
    languages: list[Any]


def check_phrase(text: object, language: object) -> str:
    """Returns the text if it can be synthesised; InvalidPhraseError says why not."""
    if language not in LANGUAGES:
        raise InvalidPhraseError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    if not isinstance(text, str):
        raise InvalidPhraseError(f"phrase must be text, not {type(text).__name__}")
    if not text.strip():
        raise InvalidPhraseError("phrase is empty")
    if len(text) > MAX_PHRASE_CHARS:
        raise InvalidPhraseError(
            f"phrase is {len(text)} characters long; at most {MAX_PHRASE_CHARS} are spoken"
        )
    bad = next((c for c in text if not c.isprintable() and c != " "), None)
    if bad is not None:
        raise InvalidPhraseError(f"phrase contains the unprintable character U+{ord(bad):04X}")
    return text


def choose_voice_id(voices: Iterable[_VoiceLike], language: str) -> str | None:
    """The first installed voice that speaks `language`, by its language tag, id or name.

    SAPI5 voices carry ids like "...\\TTS_AR-SA_NAAYF_11.0" and names like
    "Microsoft Naayf - Arabic (Saudi Arabia)", often with no language list,
    so all three are looked at, in that order of trust.
    """
    language_names = {"ar": "arabic", "en": "english"}
    candidates = list(voices)
    for voice in candidates:
        for tag in voice.languages or []:
            text = tag.decode("ascii", "ignore") if isinstance(tag, bytes) else str(tag)
            if text.lower().replace("_", "-").split("-")[0] == language:
                return voice.id
    for voice in candidates:
        tokens = voice.id.lower().replace("\\", "_").replace("-", "_").replace("/", "_").split("_")
        if language in tokens:
            return voice.id
    for voice in candidates:
        if language_names[language] in (voice.name or "").lower():
            return voice.id
    return None


def speech_cache_dir(settings: SpeechSettings) -> Path:
    """The folder holding synthesised phrases."""
    return settings.resolved_cache_dir / SPEECH_SUBDIR


def cache_path(text: str, language: str, settings: SpeechSettings) -> Path:
    """Where the WAV of this phrase, in this voice and rate, is (or will be) kept."""
    identity = json.dumps(
        [
            settings.engine.value,
            sys.platform,
            language,
            settings.voices.get(language) or "",
            settings.rate,
            text,
        ],
        ensure_ascii=False,
    )
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return speech_cache_dir(settings) / f"{language}-{digest}.wav"


def _usable(path: Path) -> bool:
    try:
        return read_info(path).frame_count > 0
    except (OSError, WavFormatError):
        return False


def synthesise(text: str, language: str, settings: SpeechSettings) -> Path:
    """The WAV of `text` spoken in `language`; made once, then served from the cache.

    Blocking: call it from a worker thread, never from the Qt main thread.
    """
    check_phrase(text, language)
    path = cache_path(text, language, settings)
    if _usable(path):
        return path
    with _synthesis_lock:
        if _usable(path):  # another thread made it while this one waited
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary_name = tempfile.mkstemp(
            prefix=f".{path.stem}-", suffix=".wav", dir=path.parent
        )
        os.close(descriptor)
        temporary = Path(temporary_name)
        try:
            _synthesise_to(temporary, text, language, settings)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        _count_write_and_maybe_prune(settings)
    return path


def prefers_espeak_program(settings: SpeechSettings) -> bool:
    """Whether this phrase goes to the espeak-ng program first (see the module's decision note)."""
    if settings.engine is SpeechEngine.ESPEAK_NG:
        return True
    if settings.engine is SpeechEngine.PYTTSX3:
        return False
    return sys.platform.startswith("linux") and _espeak_program() is not None


def _check_output(target: Path, text: str) -> None:
    try:
        frame_count = read_info(target).frame_count
    except (OSError, WavFormatError) as error:
        raise SynthesisError(f"the synthesiser wrote no readable WAV: {error}") from error
    if frame_count == 0:
        raise SynthesisError(f"the synthesiser produced no sound for {text!r:.80}")


def _synthesise_to(target: Path, text: str, language: str, settings: SpeechSettings) -> None:
    attempts = [_espeak_program_to, _pyttsx3_to]
    if not prefers_espeak_program(settings):
        attempts.reverse()
    if settings.engine is not SpeechEngine.AUTO:
        attempts = attempts[:1]
    elif _espeak_program() is None:
        attempts = [_pyttsx3_to]
    problems: list[str] = []
    for attempt in attempts:
        try:
            attempt(target, text, language, settings)
            _check_output(target, text)
            return
        except SynthesisError as error:
            problems.append(str(error))
            if attempt is not attempts[-1]:
                logger.warning("%s; trying the other synthesiser", error)
    raise SynthesisError("; ".join(problems))


# --- pyttsx3 -------------------------------------------------------------------


class _Pyttsx3Session:
    """The one pyttsx3 engine of this process, and the errors it reports."""

    def __init__(self) -> None:
        try:
            import pyttsx3  # imported here: loading it loads the native speech library
        except Exception as error:  # any failure to load a native library lands here
            raise SynthesisError(f"pyttsx3 cannot be loaded: {error}") from error
        if sys.platform == "win32":
            _initialise_com_for_this_thread()
        try:
            self.engine = pyttsx3.init()
        except Exception as error:
            raise SynthesisError(f"pyttsx3 cannot start its speech driver: {error}") from error
        self.driver_name = str(self.engine)
        self.errors: list[BaseException] = []
        self.utterance_finished = threading.Event()
        self.utterance_completed = False
        # pyttsx3 reports a failed command (e.g. an unknown voice) through this
        # callback instead of raising; without it the previous voice would
        # silently speak the wrong language.
        self.engine.connect("error", self._on_error)
        self.engine.connect("finished-utterance", self._on_finished_utterance)

    def _on_error(
        self, name: object = None, exception: BaseException | None = None, **_: Any
    ) -> None:
        self.errors.append(exception or SynthesisError(f"pyttsx3 error in {name}"))

    def _on_finished_utterance(self, completed: bool = True, **_: Any) -> None:
        # Runs on espeak-ng's own synthesis thread, after the WAV is closed;
        # completed=False is the driver cancelling, and no file follows.
        self.utterance_completed = bool(completed)
        self.utterance_finished.set()

    def wait_until_espeak_idle(self, timeout_seconds: float) -> bool:
        """Waits for libespeak-ng's queue to drain (the driver cancels whatever is still busy)."""
        from pyttsx3.drivers import _espeak

        deadline = time.monotonic() + timeout_seconds
        while _espeak.IsPlaying():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True

    def voice_for(self, language: str, settings: SpeechSettings) -> str:
        chosen = settings.voices.get(language)
        if chosen:
            return chosen
        if self.driver_name == "espeak":
            return ESPEAK_DEFAULT_VOICES[language]
        found = choose_voice_id(self.engine.getProperty("voices"), language)
        if found is None:
            raise SynthesisError(
                f"no {language!r} voice is installed for {self.driver_name}; install the "
                "Windows speech pack for that language or use a folder of recorded clips"
            )
        return found


_pyttsx3_session: _Pyttsx3Session | None = None


def _initialise_com_for_this_thread() -> None:
    try:
        import comtypes  # present wherever pyttsx3's SAPI5 driver is
    except ImportError:
        return
    comtypes.CoInitialize()


def _pyttsx3_to(target: Path, text: str, language: str, settings: SpeechSettings) -> None:
    global _pyttsx3_session
    if _pyttsx3_session is None:
        _pyttsx3_session = _Pyttsx3Session()
    session = _pyttsx3_session
    voice = session.voice_for(language, settings)
    if session.driver_name == "espeak" and "mb" in voice.lower().replace("/", "-").split("-"):
        # pyttsx3 writes every espeak WAV header as 22050 Hz; MBROLA voices
        # run at 16000 Hz and would come out too fast and too high.
        raise SynthesisError(f"MBROLA voice {voice!r} needs the espeak-ng program")
    if session.driver_name != "espeak":
        session.errors.clear()
        _pyttsx3_run(session, voice, text, target, settings)
        return
    for attempt in range(1, _PYTTSX3_ESPEAK_ATTEMPTS + 1):
        if _pyttsx3_espeak_attempt(session, voice, text, target, settings):
            return
        logger.info("pyttsx3's espeak driver cancelled %r (attempt %d)", text[:40], attempt)
    raise SynthesisError(
        f"pyttsx3's espeak driver cancelled the phrase {_PYTTSX3_ESPEAK_ATTEMPTS} times"
    )


def _pyttsx3_run(
    session: _Pyttsx3Session,
    voice: str,
    text: str,
    target: Path,
    settings: SpeechSettings,
    before_saving: Callable[[], None] | None = None,
) -> None:
    engine = session.engine
    engine.setProperty("voice", voice)
    engine.setProperty("rate", settings.rate)
    engine.setProperty("volume", 1.0)
    if before_saving is not None:
        before_saving()
    engine.save_to_file(text, str(target))
    engine.runAndWait()
    if session.errors:
        raise SynthesisError(
            f"pyttsx3 ({session.driver_name}, voice {voice!r}): {session.errors[0]}"
        )


def _pyttsx3_espeak_attempt(
    session: _Pyttsx3Session, voice: str, text: str, target: Path, settings: SpeechSettings
) -> bool:
    """One try with pyttsx3 2.99's espeak driver; False if the driver cancelled it.

    That driver runs libespeak-ng asynchronously. Its runAndWait() returns
    after one 10 ms sleep, not when the phrase is done (the WAV is written
    later, from espeak-ng's thread), so completion is awaited through the
    "finished-utterance" notification. And runAndWait() begins with the
    driver's stop(), which cancels the phrase whenever libespeak-ng is still
    busy, which it is while the rate and volume changes (queued commands in
    libespeak-ng) are applied. Waiting for idle before saving keeps that from
    happening, except on the engine's first run, when pyttsx3 holds the
    property changes back until runAndWait(); that run is simply tried again.
    """
    timeout = settings.synthesis_timeout_seconds

    def wait_for_idle() -> None:
        if not session.wait_until_espeak_idle(timeout):
            raise SynthesisError(f"libespeak-ng stayed busy for {timeout:g} s")

    wait_for_idle()
    session.errors.clear()
    session.utterance_finished.clear()
    session.utterance_completed = False
    _pyttsx3_run(session, voice, text, target, settings, before_saving=wait_for_idle)
    if not session.utterance_finished.wait(timeout):
        raise SynthesisError(f"pyttsx3's espeak driver did not finish within {timeout:g} s")
    return session.utterance_completed


# --- the espeak-ng program ----------------------------------------------------


def _espeak_program() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def espeak_command(target: Path, language: str, settings: SpeechSettings) -> Sequence[str]:
    """The espeak-ng command line that writes a phrase read from stdin to `target`."""
    program = _espeak_program()
    if program is None:
        raise SynthesisError("the espeak-ng program is not installed")
    voice = settings.voices.get(language) or ESPEAK_DEFAULT_VOICES[language]
    # -b 1: the text on stdin is UTF-8, whatever the locale says.
    return [program, "-b", "1", "-v", voice, "-s", str(settings.rate), "-w", str(target)]


def _espeak_program_to(target: Path, text: str, language: str, settings: SpeechSettings) -> None:
    command = espeak_command(target, language, settings)
    try:
        result = subprocess.run(
            command,
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=settings.synthesis_timeout_seconds,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SynthesisError(f"espeak-ng could not run: {error}") from error
    if result.returncode != 0:
        message = (
            result.stderr.decode("utf-8", "replace").strip() or f"exit status {result.returncode}"
        )
        raise SynthesisError(f"espeak-ng failed: {message}")


# --- the cache ------------------------------------------------------------------


def _count_write_and_maybe_prune(settings: SpeechSettings) -> None:
    global _writes_since_prune
    _writes_since_prune += 1
    if _writes_since_prune >= _PRUNE_EVERY_WRITES:
        _writes_since_prune = 0
        prune_cache(speech_cache_dir(settings), settings.cache_limit_mb * 1024 * 1024)


def prune_cache(directory: Path, limit_bytes: int) -> int:
    """Deletes the oldest WAVs until the folder holds at most `limit_bytes`; returns how many."""
    entries: list[tuple[int, int, Path]] = []
    try:
        for entry in directory.glob("*.wav"):
            try:
                status = entry.stat()
            except OSError:
                continue  # removed while listing
            entries.append((status.st_mtime_ns, status.st_size, entry))
    except OSError:
        return 0
    total = sum(size for _, size, _ in entries)
    removed = 0
    for _, size, entry in sorted(entries, key=lambda item: item[0]):
        if total <= limit_bytes:
            break
        try:
            entry.unlink()
        except OSError:
            continue  # in use or already gone; try the next one
        total -= size
        removed += 1
    return removed


def warm_up(settings: SpeechSettings) -> None:
    """Loads the speech engine and trims the cache, so the first call is not slower."""
    prune_cache(speech_cache_dir(settings), settings.cache_limit_mb * 1024 * 1024)
    if prefers_espeak_program(settings):
        return
    global _pyttsx3_session
    with _synthesis_lock:
        if _pyttsx3_session is None:
            started = time.perf_counter()
            try:
                _pyttsx3_session = _Pyttsx3Session()
            except SynthesisError as error:
                logger.warning("speech engine not available: %s", error)
                return
            logger.debug("pyttsx3 ready in %.0f ms", (time.perf_counter() - started) * 1000)
