"""Every user-visible string of the Qt apps, in Arabic and English, from one catalogue.

`tr("counter.name", number=3)` gives the text in the current language. Arabic is the
default. `set_language(app, "en")` switches language and layout direction and tells open
windows through `language_notifier().language_changed`.

The apps add their own strings with `register_catalogue({...})` at import time; it applies
the same checks as the shared catalogue: both languages present and non-empty, and the
same `{fields}` in both (a translation that drops or renames a field is refused).

Field values inside Arabic text are wrapped in a first-strong isolate (U+2068 … U+2069) so
numbers, times and ticket numbers keep their left-to-right order; `ltr()` forces it.
"""

from __future__ import annotations

import logging
import math
import re
import string
from collections.abc import Mapping
from enum import StrEnum
from typing import NamedTuple

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QGuiApplication

from core.hijri import HIJRI_MONTHS_AR, HIJRI_MONTHS_EN
from core.plural import arabic_plural_category

log = logging.getLogger(__name__)


class Language(StrEnum):
    AR = "ar"
    EN = "en"

    @property
    def is_rtl(self) -> bool:
        return self is Language.AR


def parse_language(value: str | Language) -> Language:
    """`"ar"`, `"AR"`, `" en "` → a Language; anything else is a ValueError naming the choices."""
    if isinstance(value, Language):
        return value
    if not isinstance(value, str):
        raise ValueError(f"language must be 'ar' or 'en', not {type(value).__name__}")
    try:
        return Language(value.strip().lower())
    except ValueError:
        raise ValueError(f"language must be 'ar' or 'en', not {value[:40]!r}") from None


# --- bidi helpers ---------------------------------------------------------------------------

from core.bidi import (  # noqa: E402 - re-exported: the Qt packages import them from here
    BIDI_CONTROLS as _ALL_BIDI_CONTROLS,
    FSI,
    LRI,
    LRM,
    PDI,
    RLI,
    RLM,
    clean_value as _clean_value,
    isolate,
    ltr,
    rtl,
    strip_bidi,
)


# --- the catalogue --------------------------------------------------------------------------


class Text(NamedTuple):
    ar: str
    en: str

    def in_language(self, lang: Language) -> str:
        return self.ar if lang is Language.AR else self.en


class CatalogueError(ValueError):
    """A catalogue entry that cannot be used; the message names every faulty key."""


_KEY_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
_FIELD_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
_MAX_TEXT_LENGTH = 2000

#: Arabic plural categories (CLDR): 0, 1, 2, n%100 in 3..10, n%100 in 11..99, the rest.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def fields_of(text: str) -> set[str]:
    """The `{field}` names in `text`; a ValueError for anything but plain named fields."""
    names: set[str] = set()
    for _literal, field, spec, conversion in string.Formatter().parse(text):
        if field is None:
            continue
        if not _FIELD_PATTERN.match(field):
            raise ValueError(f"field {{{field}}} is not a plain lower-case name")
        if spec or conversion:
            raise ValueError(f"field {{{field}}} carries a format spec or conversion")
        names.add(field)
    return names


def check_catalogue(entries: Mapping[str, object]) -> list[str]:
    """Every problem with `entries` (key → (ar, en)), one line each; empty when all is well."""
    problems: list[str] = []
    for key, value in entries.items():
        if not isinstance(key, str) or not _KEY_PATTERN.match(key):
            problems.append(f"{key!r}: a key is lower-case words joined by dots")
            continue
        if not (isinstance(value, tuple) and len(value) == 2):
            problems.append(f"{key}: needs exactly (arabic, english)")
            continue
        ar, en = value
        fields: dict[str, set[str]] = {}
        for lang, text in (("ar", ar), ("en", en)):
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{key}: the {lang} text is missing or empty")
                continue
            if len(text) > _MAX_TEXT_LENGTH:
                problems.append(f"{key}: the {lang} text is longer than {_MAX_TEXT_LENGTH} characters")
                continue
            if any(ch in _ALL_BIDI_CONTROLS for ch in text):
                problems.append(f"{key}: the {lang} text carries direction marks; tr() adds them")
                continue
            try:
                fields[lang] = fields_of(text)
            except ValueError as error:
                problems.append(f"{key}: the {lang} text: {error}")
        if len(fields) == 2 and fields["ar"] != fields["en"]:
            problems.append(
                f"{key}: fields differ between languages: ar {sorted(fields['ar'])}, en {sorted(fields['en'])}"
            )
    return problems


_CATALOGUE: dict[str, Text] = {}


def register_catalogue(entries: Mapping[str, tuple[str, str]]) -> None:
    """Add strings (key → (arabic, english)); refuses the whole batch if any entry is faulty.

    Registering the same key again with the same texts is harmless (modules reloaded in
    tests); with different texts it is an error, so two apps never fight over one key.
    """
    problems = check_catalogue(entries)
    for key, value in entries.items():
        existing = _CATALOGUE.get(key)
        if existing is not None and tuple(existing) != tuple(value):
            problems.append(f"{key}: already registered with different texts")
    if problems:
        raise CatalogueError("refused translations:\n  " + "\n  ".join(problems))
    for key, (ar, en) in entries.items():
        _CATALOGUE[key] = Text(ar, en)


def catalogue() -> dict[str, Text]:
    """A copy of every registered string."""
    return dict(_CATALOGUE)


def has_key(key: str) -> bool:
    return key in _CATALOGUE


def text_of(key: str) -> Text:
    try:
        return _CATALOGUE[key]
    except KeyError:
        raise KeyError(f"no translation for {key!r}") from None


# --- the current language -------------------------------------------------------------------


class LanguageNotifier(QObject):
    """Holds the current language; `language_changed(str)` tells open windows to retranslate."""

    language_changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.language = Language.AR
        self._qt_translator: QTranslator | None = None


_notifier: LanguageNotifier | None = None


def language_notifier() -> LanguageNotifier:
    global _notifier
    if _notifier is None:
        _notifier = LanguageNotifier()
    return _notifier


def current_language() -> Language:
    return language_notifier().language


def set_language(app: QCoreApplication | None, lang: str | Language) -> Language:
    """Switch every window to `lang`: layout direction, Qt's own dialog texts, our strings.

    The Qt locale is set to English whatever the language, because Qt's Arabic locale
    writes Arabic-Indic digits (١٢٣) and Saudi government screens use Western digits.
    """
    language = parse_language(lang)
    notifier = language_notifier()
    app = app if app is not None else QCoreApplication.instance()
    if isinstance(app, QGuiApplication):
        direction = Qt.LayoutDirection.RightToLeft if language.is_rtl else Qt.LayoutDirection.LeftToRight
        app.setLayoutDirection(direction)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    if app is not None:
        _install_qt_translator(app, notifier, language)
    changed = notifier.language is not language
    notifier.language = language
    if changed:
        notifier.language_changed.emit(language.value)
    return language


def _install_qt_translator(app: QCoreApplication, notifier: LanguageNotifier, language: Language) -> None:
    """Qt's own texts (the buttons of a message box) in the chosen language.

    Left alone when it already matches: removing and re-installing a translator makes Qt
    re-translate every widget, and several windows in one process switch languages often.
    """
    installed = notifier._qt_translator
    if installed is not None and installed.parent() is app and installed.language().startswith(language.value):
        return
    if installed is None and language is Language.EN:
        return
    if notifier._qt_translator is not None:
        app.removeTranslator(notifier._qt_translator)
        notifier._qt_translator = None
    if language is Language.EN:
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language.value}", folder):
        app.installTranslator(translator)
        notifier._qt_translator = translator
    else:
        log.info("Qt's own %s texts not found in %s; standard buttons stay English", language.value, folder)


# --- translating ----------------------------------------------------------------------------


def tr(key: str, **fields: object) -> str:
    """The text for `key` in the current language, with `fields` filled in."""
    return tr_in(current_language(), key, **fields)


def tr_in(lang: str | Language, key: str, **fields: object) -> str:
    """The text for `key` in `lang` (a board shows both languages at once)."""
    return _fill(parse_language(lang), key, fields, bare=frozenset())


def _fill(language: Language, key: str, fields: Mapping[str, object], *, bare: frozenset[str]) -> str:
    """Fill `key`'s template; in Arabic every field but the `bare` ones is isolated.

    `bare` is for a plural form's count: a lone integer cannot be re-ordered, and keeping
    it unmarked keeps "5 دقائق" plain for speech and tests.
    """
    template = text_of(key).in_language(language)
    wanted = fields_of(template)
    missing = wanted - fields.keys()
    unexpected = fields.keys() - wanted
    if missing or unexpected:
        raise TypeError(
            f"{key!r} takes fields {sorted(wanted)}; missing {sorted(missing)}, unexpected {sorted(unexpected)}"
        )
    values = {
        name: isolate(value) if language is Language.AR and name not in bare else _clean_value(str(value))
        for name, value in fields.items()
    }
    return template.format_map(values)


def both(key: str, **fields: object) -> Text:
    """The text for `key` in Arabic and in English."""
    return Text(tr_in(Language.AR, key, **fields), tr_in(Language.EN, key, **fields))


def plural_category(count: int, lang: str | Language) -> str:
    """CLDR plural category of `count`; `zero` is also used in English so "no one" reads well."""
    language = parse_language(lang)
    if count == 0:
        return "zero"
    if count == 1:
        return "one"
    if language is Language.EN:
        return "other"
    return arabic_plural_category(count)


def tr_plural_in(lang: str | Language, key: str, count: int, **fields: object) -> str:
    """`key.<category>` for `count` (in the field `{n}`, where the form uses it)."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"count must be an int, not {type(count).__name__}")
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    language = parse_language(lang)
    form_key = f"{key}.{plural_category(count, language)}"
    if "n" in fields_of(text_of(form_key).in_language(language)):
        return _fill(language, form_key, {**fields, "n": count}, bare=frozenset({"n"}))
    return _fill(language, form_key, fields, bare=frozenset())


def tr_plural(key: str, count: int, **fields: object) -> str:
    return tr_plural_in(current_language(), key, count, **fields)


# --- durations ------------------------------------------------------------------------------


def format_duration(seconds: int | float, lang: str | Language | None = None) -> str:
    """A wait or service time for people: "5 دقائق" / "5 min", "ساعة و10 دقائق" / "1 h 10 min".

    Whole minutes, rounded to the nearest; under half a minute reads "less than a minute".
    Western digits in both languages, as on Saudi government screens and tickets.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise TypeError(f"seconds must be a number, not {type(seconds).__name__}")
    if not math.isfinite(seconds):
        raise ValueError(f"seconds must be finite, got {seconds}")
    if seconds < 0:
        raise ValueError(f"seconds must not be negative, got {seconds}")
    language = parse_language(lang) if lang is not None else current_language()
    total_minutes = int(seconds // 60 + (1 if seconds % 60 >= 30 else 0))
    if total_minutes == 0:
        return tr_in(language, "duration.less_than_minute")
    hours, minutes = divmod(total_minutes, 60)
    if hours == 0:
        return tr_plural_in(language, "duration.minutes", minutes)
    if not minutes:
        return tr_plural_in(language, "duration.hours", hours)
    # "ساعة و5 دقائق", not "ساعة واحدة و5 دقائق": "one" is only spelt out when alone.
    hours_text = (
        tr_in(language, "duration.one_hour_joined") if hours == 1 else tr_plural_in(language, "duration.hours", hours)
    )
    minutes_text = (
        tr_in(language, "duration.one_minute_joined")
        if minutes == 1
        else tr_plural_in(language, "duration.minutes", minutes)
    )
    # The parts are already formatted: join them without re-isolating.
    return text_of("duration.hours_and_minutes").in_language(language).format(hours=hours_text, minutes=minutes_text)


# --- the shared strings ---------------------------------------------------------------------

_SHARED: dict[str, tuple[str, str]] = {
    "app.name": ("طابور", "Tabour"),
    "language.switch": ("English", "العربية"),
    "language.name.ar": ("العربية", "Arabic"),
    "language.name.en": ("الإنجليزية", "English"),
    # connection
    "hub.connecting": ("جارٍ الاتصال بالخادم…", "Connecting to the hub…"),
    "hub.connecting_detail": (
        "ستعود الخدمة تلقائيًا فور عودة الاتصال.",
        "Service resumes by itself as soon as the connection is back.",
    ),
    "hub.online": ("متصل", "Connected"),
    "hub.offline": ("غير متصل", "Offline"),
    # errors the client produces itself (the hub sends its own in both languages)
    "error.unreachable": ("تعذّر الوصول إلى الخادم.", "The hub cannot be reached."),
    "error.certificate_changed": (
        "شهادة الخادم ليست التي سُجّل بها هذا الجهاز، فلم يُرسَل إليه شيء؛ قد يكون جهاز آخر ينتحل صفة الخادم. "
        "إن استُبدلت شهادة الخادم فعلاً فأعد تسجيل هذا الجهاز. (المتوقَّع {expected}، المعروض {seen})",
        "The hub's certificate is not the one this device enrolled with, so nothing was sent to it; another machine "
        "may be posing as the hub. If the hub's certificate was really replaced, enroll this device again. "
        "(expected {expected}, shown {seen})",
    ),
    "error.bad_response": ("وصل ردّ غير صالح من الخادم.", "The hub sent an answer that cannot be read."),
    "error.response_too_large": ("ردّ الخادم أكبر من المسموح.", "The hub's answer is too large."),
    "error.not_enrolled": (
        "هذا الجهاز غير مسجّل لدى الخادم. يلزم رمز التسجيل.",
        "This device is not enrolled with the hub. An enrollment code is needed.",
    ),
    "error.unauthorized": ("انتهت صلاحية الدخول. سجّل الدخول مرة أخرى.", "Access has expired. Please log in again."),
    "error.rate_limited": ("طلبات كثيرة. حاول بعد قليل.", "Too many requests. Try again shortly."),
    "error.unexpected": ("حدث خطأ غير متوقع (الرمز {status}).", "Something went wrong (status {status})."),
    "error.task_failed": ("تعذّر إتمام العملية.", "The operation could not be completed."),
    # durations: plural forms per CLDR
    "duration.less_than_minute": ("أقل من دقيقة", "less than 1 min"),
    "duration.minutes.zero": ("0 دقيقة", "0 min"),
    "duration.minutes.one": ("دقيقة واحدة", "1 min"),
    "duration.minutes.two": ("دقيقتان", "2 min"),
    "duration.minutes.few": ("{n} دقائق", "{n} min"),
    "duration.minutes.many": ("{n} دقيقة", "{n} min"),
    "duration.minutes.other": ("{n} دقيقة", "{n} min"),
    "duration.hours.zero": ("0 ساعة", "0 h"),
    "duration.hours.one": ("ساعة واحدة", "1 h"),
    "duration.hours.two": ("ساعتان", "2 h"),
    "duration.hours.few": ("{n} ساعات", "{n} h"),
    "duration.hours.many": ("{n} ساعة", "{n} h"),
    "duration.hours.other": ("{n} ساعة", "{n} h"),
    "duration.one_hour_joined": ("ساعة", "1 h"),
    "duration.one_minute_joined": ("دقيقة", "1 min"),
    "duration.hours_and_minutes": ("{hours} و{minutes}", "{hours} {minutes}"),
    # people waiting
    "waiting.people.zero": ("لا أحد في الانتظار", "No one waiting"),
    "waiting.people.one": ("شخص واحد في الانتظار", "1 person waiting"),
    "waiting.people.two": ("شخصان في الانتظار", "2 people waiting"),
    "waiting.people.few": ("{n} أشخاص في الانتظار", "{n} people waiting"),
    "waiting.people.many": ("{n} شخصًا في الانتظار", "{n} people waiting"),
    "waiting.people.other": ("{n} شخص في الانتظار", "{n} people waiting"),
    "waiting.eta": ("الانتظار المتوقع: {duration}", "Expected wait: {duration}"),
    # counters
    "counter.name": ("الشباك {number}", "Counter {number}"),
    "counter.status.open": ("مفتوح", "Open"),
    "counter.status.closed": ("مغلق", "Closed"),
    "counter.status.paused": ("متوقف مؤقتًا", "Paused"),
    "pause.prayer": ("وقت الصلاة", "Prayer time"),
    "pause.break": ("استراحة", "Break"),
    "pause.back_office": ("أعمال مكتبية", "Back office"),
    # tickets
    "ticket.number": ("الرقم {number}", "Number {number}"),
    "ticket.status.waiting": ("في الانتظار", "Waiting"),
    "ticket.status.called": ("تم النداء", "Called"),
    "ticket.status.serving": ("قيد الخدمة", "Being served"),
    "ticket.status.done": ("مكتملة", "Done"),
    "ticket.status.no_show": ("لم يحضر", "No-show"),
    "ticket.status.transferred": ("محوّلة", "Transferred"),
    "ticket.status.cancelled": ("ملغاة", "Cancelled"),
    "ticket.status.expired": ("منتهية", "Expired"),
    "priority.normal": ("عادي", "Normal"),
    "priority.elderly": ("كبار السن", "Elderly"),
    "priority.disabled": ("ذوو الإعاقة", "Visitors with disabilities"),
    "priority.pregnant": ("الحوامل", "Pregnant women"),
    "priority.appointment": ("موعد مسبق", "Appointment"),
    # services
    "service.closed.disabled": ("الخدمة غير متاحة", "Service unavailable"),
    "service.closed.outside_hours": ("خارج أوقات العمل", "Outside working hours"),
    "service.closed.holiday": ("إجازة رسمية", "Public holiday"),
    "service.closed.daily_cap_reached": ("اكتمل العدد اليومي", "Today's tickets are all issued"),
    "service.closed.range_exhausted": ("نفدت أرقام اليوم", "No numbers left today"),
    # common buttons
    "button.ok": ("حسنًا", "OK"),
    "button.cancel": ("إلغاء", "Cancel"),
    "button.retry": ("إعادة المحاولة", "Try again"),
    "button.close": ("إغلاق", "Close"),
    "button.back": ("رجوع", "Back"),
    # dates: the calendars' names, as Saudi official documents spell them
    "date.weekday.1": ("الاثنين", "Monday"),
    "date.weekday.2": ("الثلاثاء", "Tuesday"),
    "date.weekday.3": ("الأربعاء", "Wednesday"),
    "date.weekday.4": ("الخميس", "Thursday"),
    "date.weekday.5": ("الجمعة", "Friday"),
    "date.weekday.6": ("السبت", "Saturday"),
    "date.weekday.7": ("الأحد", "Sunday"),
    "date.gregorian_month.1": ("يناير", "January"),
    "date.gregorian_month.2": ("فبراير", "February"),
    "date.gregorian_month.3": ("مارس", "March"),
    "date.gregorian_month.4": ("أبريل", "April"),
    "date.gregorian_month.5": ("مايو", "May"),
    "date.gregorian_month.6": ("يونيو", "June"),
    "date.gregorian_month.7": ("يوليو", "July"),
    "date.gregorian_month.8": ("أغسطس", "August"),
    "date.gregorian_month.9": ("سبتمبر", "September"),
    "date.gregorian_month.10": ("أكتوبر", "October"),
    "date.gregorian_month.11": ("نوفمبر", "November"),
    "date.gregorian_month.12": ("ديسمبر", "December"),
    "date.gregorian": ("{weekday} {day} {month} {year}", "{weekday} {day} {month} {year}"),
    "date.hijri": ("{day} {month} {year}هـ", "{day} {month} {year} AH"),
}

# Hijri month names: core.hijri's, the one list every surface uses.
_SHARED.update({f"date.hijri_month.{n}": (ar, en) for n, (ar, en) in enumerate(zip(HIJRI_MONTHS_AR, HIJRI_MONTHS_EN), start=1)})

register_catalogue(_SHARED)
