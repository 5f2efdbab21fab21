"""The string catalogue, language switching and duration wording."""

from __future__ import annotations

import math
import string

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication

from qt_common import i18n
from qt_common.i18n import (
    FSI,
    LRI,
    PDI,
    CatalogueError,
    Language,
    both,
    catalogue,
    check_catalogue,
    current_language,
    format_duration,
    language_notifier,
    ltr,
    parse_language,
    plural_category,
    register_catalogue,
    set_language,
    strip_bidi,
    tr,
    tr_in,
    tr_plural_in,
)

# --- the catalogue --------------------------------------------------------------------------


def test_shared_catalogue_is_complete_and_consistent() -> None:
    """Every shared key has non-empty Arabic and English texts with the same fields."""
    entries = {key: tuple(text) for key, text in catalogue().items()}
    assert len(entries) > 50
    assert check_catalogue(entries) == []
    for key, (ar, en) in entries.items():
        assert ar.strip() and en.strip(), key
        assert i18n.fields_of(ar) == i18n.fields_of(en), key


def test_arabic_texts_are_arabic() -> None:
    """Arabic texts hold Arabic letters (catches a pair entered the wrong way round)."""
    exempt = {"language.switch"}  # shows the *other* language's name on purpose
    for key, text in catalogue().items():
        literal = "".join(part for part, *_ in string.Formatter().parse(text.ar))
        if key in exempt or not any(ch.isalpha() for ch in literal):
            continue  # a template of fields only ("{weekday} {day} {month} {year}")
        assert any("\u0600" <= ch <= "\u06ff" for ch in text.ar), f"{key}: {text.ar!r}"


@pytest.mark.parametrize(
    ("entry", "fault"),
    [
        (("الشباك {number}", "Counter {num}"), "fields differ"),
        (("الشباك", "Counter {number}"), "fields differ"),
        (("", "Counter"), "ar text is missing or empty"),
        (("الشباك", "   "), "en text is missing or empty"),
        (("الشباك", None), "en text is missing or empty"),
        (("الشباك {0}", "Counter {0}"), "plain lower-case name"),
        (("الشباك {number.real}", "Counter {number.real}"), "plain lower-case name"),
        (("الشباك {number:>5}", "Counter {number:>5}"), "format spec"),
        (("الشباك {number!r}", "Counter {number!r}"), "format spec"),
        (("الشباك {number", "Counter {number"), "the ar text"),
        (("الشباك \u2066{number}\u2069", "Counter {number}"), "direction marks"),
        (("ن" * 3000, "x"), "longer than"),
    ],
)
def test_check_refuses_faulty_translations(entry: tuple, fault: str) -> None:
    """A translation with mismatched, missing or unsafe fields is named as faulty."""
    problems = check_catalogue({"test.faulty": entry})
    assert any(fault in problem for problem in problems), problems
    assert all(problem.startswith("test.faulty:") for problem in problems)


@pytest.mark.parametrize("key", ["", "Upper.case", "spaces here", "trailing.", "../etc", 42])
def test_check_refuses_bad_keys(key: object) -> None:
    """Keys are lower-case dotted words; anything else is refused."""
    assert len(check_catalogue({key: ("نص", "text")})) == 1


def test_register_refuses_a_faulty_batch_whole() -> None:
    """One bad entry refuses the whole batch; the good entries are not half-added."""
    with pytest.raises(CatalogueError, match="test.batch_bad"):
        register_catalogue({"test.batch_good": ("جيد", "good"), "test.batch_bad": ("سيئ {x}", "bad")})
    assert "test.batch_good" not in catalogue()


def test_register_refuses_a_conflicting_key_but_allows_the_same_again() -> None:
    """An app cannot take over a shared key; registering identical texts twice is harmless."""
    register_catalogue({"test.twice": ("مرتين", "twice")})
    register_catalogue({"test.twice": ("مرتين", "twice")})
    with pytest.raises(CatalogueError, match="already registered"):
        register_catalogue({"test.twice": ("مرتان", "twice")})
    with pytest.raises(CatalogueError, match="already registered"):
        register_catalogue({"counter.name": ("الكاونتر {number}", "Desk {number}")})
    assert tr_in("en", "counter.name", number=1) == "Counter 1"


# --- translating ----------------------------------------------------------------------------


def test_tr_is_arabic_by_default_and_isolates_fields() -> None:
    """Arabic is the default; a number inside Arabic text is isolated so it keeps its order."""
    assert current_language() is Language.AR
    text = tr("counter.name", number=3)
    assert text == f"الشباك {FSI}3{PDI}"
    assert strip_bidi(text) == "الشباك 3"
    assert tr_in("en", "counter.name", number=3) == "Counter 3"


def test_both_gives_the_two_languages() -> None:
    """A board shows Arabic and English together."""
    pair = both("ticket.number", number="A-105")
    assert strip_bidi(pair.ar) == "الرقم A-105"
    assert pair.en == "Number A-105"


def test_tr_refuses_missing_extra_and_unknown() -> None:
    """A missing or unexpected field, or an unknown key, is an error, not a half-filled text."""
    with pytest.raises(TypeError, match="missing \\['number'\\]"):
        tr("counter.name")
    with pytest.raises(TypeError, match="unexpected \\['colour'\\]"):
        tr("counter.name", number=1, colour="red")
    with pytest.raises(KeyError, match="no translation"):
        tr("no.such.key")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_hostile_field_values_cannot_reorder_the_line(lang: str) -> None:
    """Overrides in a value are dropped; unbalanced isolates are dropped; braces stay literal."""
    rlo_name = "\u202eevil\u202c"
    assert "\u202e" not in tr_in(lang, "counter.name", number=rlo_name)
    stray_pdi = tr_in(lang, "counter.name", number="3\u2069\u2069")
    assert stray_pdi.count(PDI) == (1 if lang == "ar" else 0)
    assert "{other}" in tr_in(lang, "counter.name", number="{other}")
    huge = "9" * 100_000
    assert huge in tr_in(lang, "counter.name", number=huge)


def test_own_isolates_survive_inside_a_field() -> None:
    """A value made by our own helpers (balanced isolates) is kept as it is."""
    text = tr_in("ar", "waiting.eta", duration=ltr("5 min"))
    assert f"{LRI}5 min{PDI}" in text


def test_ltr_and_strip_bidi() -> None:
    """`ltr` wraps in LRI…PDI; `strip_bidi` removes every mark for speech and logs."""
    assert ltr("14:05") == "\u206614:05\u2069"
    assert ltr(105) == "\u2066105\u2069"
    assert strip_bidi("\u200f\u2066A-105\u2069\u202e") == "A-105"


@pytest.mark.parametrize(("value", "expected"), [("ar", Language.AR), (" EN ", Language.EN), (Language.EN, Language.EN)])
def test_parse_language_accepts(value: object, expected: Language) -> None:
    """Language names are read leniently in case and spacing."""
    assert parse_language(value) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["fr", "", "arabic", None, 1, "a" * 10_000])
def test_parse_language_refuses(value: object) -> None:
    """Anything but ar/en is a clear ValueError."""
    with pytest.raises(ValueError, match="'ar' or 'en'"):
        parse_language(value)  # type: ignore[arg-type]


# --- switching language ---------------------------------------------------------------------


def test_set_language_sets_direction_and_tells_windows(app: QApplication, qtbot) -> None:
    """Arabic is right-to-left, English left-to-right; open windows hear `language_changed`."""
    assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft
    with qtbot.waitSignal(language_notifier().language_changed) as blocker:
        set_language(app, "en")
    assert blocker.args == ["en"]
    assert app.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert tr("button.ok") == "OK"
    with qtbot.waitSignal(language_notifier().language_changed) as blocker:
        set_language(app, "ar")
    assert blocker.args == ["ar"]
    assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert tr("button.ok") == "حسنًا"


def test_set_language_again_is_quiet(app: QApplication, qtbot) -> None:
    """Setting the language already in force does not make every window retranslate."""
    with qtbot.assertNotEmitted(language_notifier().language_changed):
        set_language(app, "ar")


def test_set_language_refuses_unknown_and_changes_nothing(app: QApplication) -> None:
    """A bad language leaves language and direction as they were."""
    with pytest.raises(ValueError):
        set_language(app, "fr")
    assert current_language() is Language.AR
    assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_qt_numbers_stay_western_in_arabic(app: QApplication) -> None:
    """Qt's own number formatting keeps Western digits in Arabic (Saudi screens use them)."""
    assert current_language() is Language.AR
    assert QLocale().toString(1234) == "1,234"


# --- plurals and durations ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "category"),
    [(0, "zero"), (1, "one"), (2, "two"), (3, "few"), (10, "few"), (11, "many"), (99, "many"),
     (100, "other"), (102, "other"), (103, "few"), (111, "many"), (1000, "other")],
)
def test_arabic_plural_categories_follow_cldr(count: int, category: str) -> None:
    """Arabic plural categories as CLDR defines them, including the n%100 rules above 100."""
    assert plural_category(count, "ar") == category


def test_english_plural_categories() -> None:
    """English has one and other (and our explicit zero)."""
    assert [plural_category(n, "en") for n in (0, 1, 2, 5, 11)] == ["zero", "one", "other", "other", "other"]


@pytest.mark.parametrize(
    ("minutes", "arabic", "english"),
    [
        (1, "دقيقة واحدة", "1 min"),
        (2, "دقيقتان", "2 min"),
        (3, "3 دقائق", "3 min"),
        (5, "5 دقائق", "5 min"),
        (10, "10 دقائق", "10 min"),
        (11, "11 دقيقة", "11 min"),
        (25, "25 دقيقة", "25 min"),
        (59, "59 دقيقة", "59 min"),
        (60, "ساعة واحدة", "1 h"),
        (61, "ساعة ودقيقة", "1 h 1 min"),
        (62, "ساعة ودقيقتان", "1 h 2 min"),
        (65, "ساعة و5 دقائق", "1 h 5 min"),
        (120, "ساعتان", "2 h"),
        (130, "ساعتان و10 دقائق", "2 h 10 min"),
        (180, "3 ساعات", "3 h"),
        (671, "11 ساعة و11 دقيقة", "11 h 11 min"),
    ],
)
def test_format_duration_plural_forms(minutes: int, arabic: str, english: str) -> None:
    """Arabic uses the right form for 1, 2, 3–10 and 11+; Western digits in both languages."""
    assert format_duration(minutes * 60, "ar") == arabic
    assert format_duration(minutes * 60, "en") == english


@pytest.mark.parametrize(("seconds", "english"), [(0, "less than 1 min"), (29, "less than 1 min"), (30, "1 min"),
                                                  (89, "1 min"), (90, "2 min"), (299.6, "5 min")])
def test_format_duration_rounds_to_the_nearest_minute(seconds: float, english: str) -> None:
    """Seconds round to the nearest whole minute; under half a minute is "less than a minute"."""
    assert format_duration(seconds, "en") == english


def test_format_duration_follows_the_current_language(app: QApplication) -> None:
    """Without a language it speaks the one in force."""
    assert format_duration(300) == "5 دقائق"
    set_language(app, "en")
    assert format_duration(300) == "5 min"


@pytest.mark.parametrize("bad", [-1, -0.5, math.nan, math.inf, -math.inf])
def test_format_duration_refuses_impossible_values(bad: float) -> None:
    """Negative, NaN and infinite durations are refused with a clear error."""
    with pytest.raises(ValueError):
        format_duration(bad, "ar")


@pytest.mark.parametrize("bad", [True, "300", None, [300]])
def test_format_duration_refuses_non_numbers(bad: object) -> None:
    """Only numbers are durations (not booleans or text)."""
    with pytest.raises(TypeError):
        format_duration(bad, "ar")  # type: ignore[arg-type]


def test_huge_duration_is_still_words() -> None:
    """A nonsense ETA from a bad clock still formats instead of crashing the kiosk."""
    assert format_duration(10**9, "en") == "277777 h 47 min"


def test_waiting_people_plural() -> None:
    """"No one", one, two, few and many people waiting read correctly in Arabic."""
    assert tr_plural_in("ar", "waiting.people", 0) == "لا أحد في الانتظار"
    assert tr_plural_in("ar", "waiting.people", 2) == "شخصان في الانتظار"
    assert tr_plural_in("ar", "waiting.people", 7) == "7 أشخاص في الانتظار"
    assert tr_plural_in("ar", "waiting.people", 40) == "40 شخصًا في الانتظار"
    assert tr_plural_in("en", "waiting.people", 1) == "1 person waiting"
    with pytest.raises(ValueError):
        tr_plural_in("ar", "waiting.people", -1)
    with pytest.raises(TypeError):
        tr_plural_in("ar", "waiting.people", 2.5)  # type: ignore[arg-type]


def test_setting_the_same_language_keeps_qt_translator(qapp):
    """Arabic twice installs Qt's translator once; English removes it; Arabic brings a new one."""
    from qt_common.i18n import language_notifier, set_language

    set_language(qapp, "ar")
    first = language_notifier()._qt_translator
    set_language(qapp, "ar")
    assert language_notifier()._qt_translator is first
    set_language(qapp, "en")
    assert language_notifier()._qt_translator is None
    set_language(qapp, "ar")
    assert language_notifier()._qt_translator is not None or first is None
