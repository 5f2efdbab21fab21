"""What every speaking screen is told about its voice: declared once, with a default and help
in both languages. The board's announcer and the kiosk's spoken guidance build on it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from types import MappingProxyType

import platformdirs

from core.errors import BilingualError

LANGUAGES: tuple[str, ...] = ("ar", "en")
MIN_RATE = 80
MAX_RATE = 300


class SpeechEngine(str, Enum):
    """Which synthesiser makes the speech WAVs."""

    AUTO = "auto"  # Linux: the espeak-ng program, else pyttsx3; other systems: pyttsx3, else the program
    PYTTSX3 = "pyttsx3"  # libespeak-ng on Linux, SAPI5 on Windows
    ESPEAK_NG = "espeak-ng"  # the espeak-ng program (`espeak-ng -w file.wav`)


class SettingsError(BilingualError, ValueError):
    """A speech setting with a value it cannot use, explained in both languages."""

    def __init__(self, name: str, message_en: str, message_ar: str) -> None:
        super().__init__(message_en, message_ar, summary=f"{name}: {message_en}")
        self.name = name


def default_cache_dir() -> Path:
    """The user's cache directory for generated chime and speech files."""
    return platformdirs.user_cache_path("tabour", appauthor=False) / "announcer"


def _help(en: str, ar: str) -> dict[str, str]:
    return {"help_en": en, "help_ar": ar}


@dataclass(frozen=True)
class SpeechSettings:
    """The voice, its speed, where its WAVs are kept; invalid values raise SettingsError."""

    languages: tuple[str, ...] = field(
        default=LANGUAGES,
        metadata=_help(
            "Languages spoken, in order: ar, en (a board speaks them after the chime).",
            "لغات الكلام بالترتيب: ar وen (تنطقها اللوحة بعد النغمة).",
        ),
    )
    volume: float = field(
        default=1.0,
        metadata=_help("Playback volume from 0 (silent) to 1 (full).", "مستوى الصوت من 0 إلى 1."),
    )
    rate: int = field(
        default=150,
        metadata=_help(
            f"Speaking rate in words per minute ({MIN_RATE}-{MAX_RATE}); slower is clearer in a hall.",
            f"سرعة الكلام بالكلمات في الدقيقة ({MIN_RATE}-{MAX_RATE})؛ الأبطأ أوضح في القاعة.",
        ),
    )
    voices: Mapping[str, str | None] = field(
        default_factory=lambda: MappingProxyType({"ar": None, "en": None}),
        metadata=_help(
            "Voice per language (an espeak-ng voice name or a SAPI5 voice id); "
            "empty picks one by language.",
            "الصوت لكل لغة (اسم صوت espeak-ng أو معرّف SAPI5)؛ الفراغ يختار حسب اللغة.",
        ),
    )
    clips_dir: Path | None = field(
        default=None,
        metadata=_help(
            "Folder of recorded clips (a human voice) used instead of the synthesiser.",
            "مجلد مقاطع مسجلة بصوت بشري تُستخدم بدل الصوت الآلي.",
        ),
    )
    cache_dir: Path | None = field(
        default=None,
        metadata=_help(
            "Where generated sounds are kept; empty uses the user's cache folder.",
            "مكان حفظ الأصوات المولّدة؛ الفراغ يعني مجلد الذاكرة المؤقتة للمستخدم.",
        ),
    )
    engine: SpeechEngine = field(
        default=SpeechEngine.AUTO,
        metadata=_help(
            "Synthesiser: auto (espeak-ng program on Linux, pyttsx3 elsewhere), pyttsx3 or espeak-ng.",
            "محرك توليد الكلام: auto (برنامج espeak-ng على لينكس وpyttsx3 على غيره) أو pyttsx3 أو espeak-ng.",
        ),
    )
    synthesis_timeout_seconds: float = field(
        default=20.0,
        metadata=_help(
            "Longest wait for a phrase's speech before that part is skipped.",
            "أطول انتظار لتوليد الكلام قبل تخطي ذلك الجزء.",
        ),
    )
    cache_limit_mb: int = field(
        default=200,
        metadata=_help(
            "Size the speech cache is trimmed to (oldest files go first).",
            "الحجم الأقصى لذاكرة الكلام المؤقتة (يُحذف الأقدم أولًا).",
        ),
    )
    def __post_init__(self) -> None:
        self._check_languages()
        self._check_engine()
        self._check_numbers()
        self._check_voices()
        self._check_paths()

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    def _check_languages(self) -> None:
        languages = self.languages
        if isinstance(languages, str) or not isinstance(languages, (list, tuple)):
            raise SettingsError(
                "languages",
                f"must be a list such as ['ar', 'en'], not {type(languages).__name__}",
                "يجب أن تكون اللغات قائمة مثل \u2066['ar', 'en']\u2069",
            )
        unknown = [language for language in languages if language not in LANGUAGES]
        if unknown:
            raise SettingsError(
                "languages",
                f"unknown language(s) {unknown!r}; use 'ar' and/or 'en'",
                "لغة غير معروفة؛ استخدم \u2066ar\u2069 أو \u2066en\u2069",
            )
        if len(set(languages)) != len(languages):
            raise SettingsError(
                "languages", f"{list(languages)!r} names a language twice", "لغة مكررة في القائمة"
            )
        if not languages:
            raise SettingsError("languages", "is empty", "قائمة اللغات فارغة")
        self._set("languages", tuple(languages))

    def _check_engine(self) -> None:
        try:
            self._set("engine", SpeechEngine(self.engine))
        except ValueError as error:
            raise SettingsError(
                "engine",
                f"{self.engine!r} is not one of auto, pyttsx3, espeak-ng",
                "المحرك يجب أن يكون \u2066auto\u2069 أو \u2066pyttsx3\u2069 أو \u2066espeak-ng\u2069",
            ) from error

    def _check_numbers(self) -> None:
        volume = self.volume
        if (
            isinstance(volume, bool)
            or not isinstance(volume, (int, float))
            or not (math.isfinite(volume) and 0.0 <= volume <= 1.0)
        ):
            raise SettingsError(
                "volume",
                f"{volume!r} is not a number from 0 to 1",
                "مستوى الصوت يجب أن يكون من 0 إلى 1",
            )
        self._set("volume", float(volume))
        rate = self.rate
        if isinstance(rate, bool) or not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
            raise SettingsError(
                "rate",
                f"{rate!r} is not a whole number from {MIN_RATE} to {MAX_RATE}",
                f"سرعة الكلام يجب أن تكون عددًا صحيحًا من \u2066{MIN_RATE}\u2069 إلى \u2066{MAX_RATE}\u2069",
            )
        timeout = self.synthesis_timeout_seconds
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not (math.isfinite(timeout) and 0.5 <= timeout <= 600)
        ):
            raise SettingsError(
                "synthesis_timeout_seconds",
                f"{timeout!r} is not a number of seconds from 0.5 to 600",
                "مهلة توليد الكلام يجب أن تكون بين 0.5 و600 ثانية",
            )
        limit = self.cache_limit_mb
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100_000:
            raise SettingsError(
                "cache_limit_mb",
                f"{limit!r} is not a whole number of megabytes from 1 to 100000",
                "حجم الذاكرة المؤقتة يجب أن يكون بين 1 و100000 ميغابايت",
            )

    def _check_voices(self) -> None:
        if not isinstance(self.voices, Mapping):
            raise SettingsError(
                "voices", "must map a language to a voice name", "يجب ربط كل لغة باسم صوت"
            )
        voices: dict[str, str | None] = dict.fromkeys(LANGUAGES)
        for language, voice in self.voices.items():
            if language not in LANGUAGES:
                raise SettingsError(
                    "voices", f"unknown language {language!r}", "لغة غير معروفة في الأصوات"
                )
            if voice is not None and (
                not isinstance(voice, str) or len(voice) > 300 or not voice.isprintable()
            ):
                raise SettingsError(
                    "voices",
                    f"voice for {language!r} must be a voice name, not {voice!r:.60}",
                    "اسم الصوت غير صالح",
                )
            voices[language] = (voice.strip() or None) if isinstance(voice, str) else None
        self._set("voices", MappingProxyType(voices))

    def _check_paths(self) -> None:
        for name in ("clips_dir", "cache_dir"):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, (str, Path)) or not str(value).strip() or "\x00" in str(value):
                raise SettingsError(
                    name, f"{value!r} is not a folder path", "المسار ليس مجلدًا صالحًا"
                )
            self._set(name, Path(value).expanduser())

    @property
    def spoken_languages(self) -> tuple[str, ...]:
        """The languages actually spoken, in order."""
        return self.languages

    @property
    def resolved_cache_dir(self) -> Path:
        """The cache directory to use (the default one when none is set)."""
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()


def settings_help(settings_class: type = SpeechSettings) -> list[tuple[str, str, str]]:
    """(name, English help, Arabic help) for every setting, for configuration screens."""
    return [(item.name, item.metadata["help_en"], item.metadata["help_ar"]) for item in fields(settings_class)]
