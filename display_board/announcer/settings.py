"""How the board announces: its voice (qt_common.speech's settings) plus the chime and the
English switch, declared once with a default and help in both languages."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from qt_common.speech.settings import (
    LANGUAGES,
    MAX_RATE,
    MIN_RATE,
    SettingsError,
    SpeechEngine,
    SpeechSettings,
    _help,
    default_cache_dir,
)
from qt_common.speech.settings import settings_help as _settings_help

__all__ = [
    "LANGUAGES", "MAX_CHIME_REPEATS", "MAX_RATE", "MIN_RATE", "AnnouncerSettings", "SettingsError", "SpeechEngine",
    "default_cache_dir", "settings_help",
]

MAX_CHIME_REPEATS = 5


@dataclass(frozen=True)
class AnnouncerSettings(SpeechSettings):
    """Everything the announcer can be told; invalid values raise SettingsError."""

    english: bool = field(
        default=True,
        metadata=_help(
            "Also announce in English (when 'en' is among the languages).",
            "النداء بالإنجليزية أيضًا (إذا كانت ضمن اللغات).",
        ),
    )
    chime: bool = field(
        default=True,
        metadata=_help("Play a chime before the speech.", "تشغيل نغمة تنبيه قبل النداء."),
    )
    chime_volume: float = field(
        default=1.0,
        metadata=_help(
            "Loudness of the chime against the speech, from 0 (silent) to 1 (full).",
            "علو النغمة نسبةً إلى الكلام، من 0 (صامتة) إلى 1 (كاملة).",
        ),
    )
    chime_repeats: int = field(
        default=1,
        metadata=_help(
            f"How many times the chime sounds before each call (1-{MAX_CHIME_REPEATS}); more is easier to notice.",
            f"عدد مرات النغمة قبل كل نداء (\u20661-{MAX_CHIME_REPEATS}\u2069)؛ التكرار أسهل للانتباه.",
        ),
    )
    def __post_init__(self) -> None:
        super().__post_init__()
        self._check_flags()
        self._check_chime()

    def _check_flags(self) -> None:
        for name in ("english", "chime"):
            if not isinstance(getattr(self, name), bool):
                raise SettingsError(
                    name, "must be true or false", "يجب أن تكون القيمة صحيحًا أو خطأ"
                )
        if not self.spoken_languages:
            raise SettingsError(
                "english",
                "is off and English is the only language, so nothing would be spoken",
                "الإنجليزية معطلة وهي اللغة الوحيدة، فلن يُقال شيء",
            )

    def _check_chime(self) -> None:
        chime_volume = self.chime_volume
        if (
            isinstance(chime_volume, bool)
            or not isinstance(chime_volume, (int, float))
            or not (math.isfinite(chime_volume) and 0.0 <= chime_volume <= 1.0)
        ):
            raise SettingsError(
                "chime_volume",
                f"{chime_volume!r} is not a number from 0 to 1",
                "علو النغمة يجب أن يكون من 0 إلى 1",
            )
        self._set("chime_volume", float(chime_volume))
        repeats = self.chime_repeats
        if (
            isinstance(repeats, bool)
            or not isinstance(repeats, int)
            or not 1 <= repeats <= MAX_CHIME_REPEATS
        ):
            raise SettingsError(
                "chime_repeats",
                f"{repeats!r} is not a whole number from 1 to {MAX_CHIME_REPEATS}",
                f"تكرار النغمة يجب أن يكون عددًا صحيحًا من \u20661\u2069 إلى \u2066{MAX_CHIME_REPEATS}\u2069",
            )

    @property
    def spoken_languages(self) -> tuple[str, ...]:
        """The languages actually spoken, in order, after the english switch."""
        return tuple(language for language in self.languages if language != "en" or self.english)


def settings_help() -> list[tuple[str, str, str]]:
    """(name, English help, Arabic help) for every setting, for configuration screens."""
    return _settings_help(AnnouncerSettings)
