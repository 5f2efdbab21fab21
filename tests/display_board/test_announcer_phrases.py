"""The words of an announcement, and the calls the announcer accepts."""

from __future__ import annotations

import re
import shutil
import string
import subprocess

import pytest

from display_board.announcer import (
    ARABIC_LETTER_NAMES,
    Call,
    InvalidCallError,
    arabic_phrase,
    english_phrase,
)
from display_board.announcer.phrases import phrase_for

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng program not installed"
)


def espeak_ipa(text: str, voice: str) -> str:
    """How espeak-ng pronounces `text`, as IPA."""
    result = subprocess.run(
        ["espeak-ng", "-q", "--ipa", "-b", "1", "-v", voice],
        input=text.encode("utf-8"),
        capture_output=True,
        check=True,
        timeout=30,
    )
    return " ".join(result.stdout.decode("utf-8").split())


def test_arabic_phrase_names_letter_number_and_counter() -> None:
    """A call becomes "الرقم <letter name> <number>، الشباك <counter>"."""
    assert arabic_phrase(Call("A-105", 3)) == "الرقم أَيْ 105، الشباك 3"


def test_english_phrase_names_letter_number_and_counter() -> None:
    """The English phrase hyphenates the letter so it is read as a letter."""
    assert english_phrase(Call("A-105", 3)) == "Number A-105, counter 3"


def test_every_letter_has_an_arabic_name() -> None:
    """A to Z each have an Arabic letter name, written in Arabic script only."""
    assert set(ARABIC_LETTER_NAMES) == set(string.ascii_uppercase)
    for letter, name in ARABIC_LETTER_NAMES.items():
        assert re.fullmatch(r"[\u0600-\u06FF]+", name), letter


@pytest.mark.parametrize("letter", list(string.ascii_uppercase))
def test_arabic_phrase_never_holds_latin_letters(letter: str) -> None:
    """The Arabic voice is never handed a Latin letter, which it would read in English."""
    phrase = arabic_phrase(Call(f"{letter}-12", 4))
    assert ARABIC_LETTER_NAMES[letter] in phrase
    assert re.search(r"[A-Za-z]", phrase) is None


def test_leading_zeros_are_not_spoken() -> None:
    """ "A-005" is said as five, not "zero zero five"; the printed form keeps its zeros."""
    call = Call("A-005", 2)
    assert call.ticket_number == "A-005"
    assert arabic_phrase(call) == "الرقم أَيْ 5، الشباك 2"
    assert english_phrase(call) == "Number A-5, counter 2"
    assert arabic_phrase(Call("B-000", 1)) == "الرقم بي 0، الشباك 1"


def test_several_service_letters_are_each_named() -> None:
    """A two-letter service code names both letters in both languages."""
    call = Call("AB-12", 7)
    assert arabic_phrase(call) == "الرقم أَيْ بي 12، الشباك 7"
    assert english_phrase(call) == "Number A-B-12, counter 7"


def test_ticket_without_letter_is_just_a_number() -> None:
    """A centre without service letters still gets a sensible phrase."""
    call = Call("42", 1)
    assert arabic_phrase(call) == "الرقم 42، الشباك 1"
    assert english_phrase(call) == "Number 42, counter 1"


def test_recall_says_reminder_first() -> None:
    """A recall repeats the whole call, opened by "تذكير" / "Reminder"."""
    call = Call("C-9", 5, recall=True)
    assert arabic_phrase(call) == "تذكير، الرقم سي 9، الشباك 5"
    assert english_phrase(call) == "Reminder, number C-9, counter 5"


def test_counter_name_that_holds_its_number_replaces_the_counter_words() -> None:
    """The hub's default names ("الشباك 3", "Counter 3") are not said twice."""
    call = Call("A-1", 3, counter_name_ar="الشباك 3", counter_name_en="Counter 3")
    assert arabic_phrase(call) == "الرقم أَيْ 1، الشباك 3"
    assert english_phrase(call) == "Number A-1, Counter 3"


def test_counter_name_that_adds_something_follows_the_number() -> None:
    """A descriptive counter name is said after "counter N"."""
    call = Call("A-1", 13, counter_name_ar="كبار السن", counter_name_en="Priority desk")
    assert arabic_phrase(call) == "الرقم أَيْ 1، الشباك 13، كبار السن"
    assert english_phrase(call) == "Number A-1, counter 13, Priority desk"


def test_counter_name_with_a_different_number_is_not_taken_as_restating() -> None:
    """ "Room 31" does not restate counter 3, so the counter number is still said."""
    call = Call("A-1", 3, counter_name_en="Room 31")
    assert english_phrase(call) == "Number A-1, counter 3, Room 31"


def test_input_is_normalised() -> None:
    """Lower case, no hyphen, Arabic-Indic digits and direction marks are accepted and cleaned."""
    assert Call(" a105 ", 3).ticket_number == "A-105"
    assert Call("A-١٠٥", 3).ticket_number == "A-105"
    assert (
        Call("A-1", 3, counter_name_ar="\u2067الشباك \u2066٣\u2069\u2069").counter_name_ar
        == "الشباك 3"
    )
    assert Call("A-1", 3, counter_name_en="   ").counter_name_en is None
    assert Call("A-1", 3, counter_name_en="Desk\u202e\n 2").counter_name_en == "Desk 2"


@pytest.mark.parametrize(
    ("ticket_number", "field_name"),
    [
        ("", "ticket_number"),
        ("   ", "ticket_number"),
        ("A-", "ticket_number"),
        ("A-10😀", "ticket_number"),
        ("😀", "ticket_number"),
        ("ABCD-1", "ticket_number"),
        ("A-123456", "ticket_number"),
        ("A" * 100_000, "ticket_number"),
        ("أ-105", "ticket_number"),
        ("A-1; rm -rf /", "ticket_number"),
        (None, "ticket_number"),
        (105, "ticket_number"),
    ],
)
def test_bad_ticket_numbers_are_refused_clearly(ticket_number: object, field_name: str) -> None:
    """Empty, emoji, too long and non-text ticket numbers raise InvalidCallError in both languages."""
    with pytest.raises(InvalidCallError) as raised:
        Call(ticket_number, 3)  # type: ignore[arg-type]
    assert raised.value.field_name == field_name
    assert raised.value.message_en and raised.value.message_ar
    assert re.search(r"[\u0600-\u06FF]", raised.value.message_ar)
    assert len(str(raised.value)) < 300


@pytest.mark.parametrize("counter_number", [0, -1, 10_000, 3.0, "3", True, None])
def test_bad_counter_numbers_are_refused(counter_number: object) -> None:
    """The counter number must be a whole number from 1 to 9999."""
    with pytest.raises(InvalidCallError) as raised:
        Call("A-1", counter_number)  # type: ignore[arg-type]
    assert raised.value.field_name == "counter_number"


@pytest.mark.parametrize(
    "name",
    ["شباك 😀", "Desk\x00", "Desk\x1b[2J", "x" * 61, "ش" * 100_000, "Desk ☎", "\ud800", 42],
)
def test_bad_counter_names_are_refused(name: object) -> None:
    """Emoji, symbols, control characters, lone surrogates, over-long and non-text names are refused."""
    with pytest.raises(InvalidCallError) as raised:
        Call("A-1", 3, counter_name_ar=name)  # type: ignore[arg-type]
    assert raised.value.field_name == "counter_name_ar"
    assert len(str(raised.value)) < 300


def test_recall_must_be_a_boolean() -> None:
    """recall="yes" is refused rather than taken as true."""
    with pytest.raises(InvalidCallError):
        Call("A-1", 3, recall="yes")  # type: ignore[arg-type]


def test_call_cannot_be_changed_after_checking() -> None:
    """A Call is frozen, so a checked call stays checked."""
    call = Call("A-1", 3)
    with pytest.raises(AttributeError):
        call.ticket_number = ""  # type: ignore[misc]


def test_phrase_for_refuses_unknown_language() -> None:
    """Only Arabic and English phrases exist."""
    with pytest.raises(ValueError, match="'fr'"):
        phrase_for(Call("A-1", 3), "fr")


@needs_espeak
def test_espeak_arabic_voice_keeps_every_letter_name_apart() -> None:
    """Measured with espeak-ng's phonemes: no two letters sound the same in Arabic (A≠E, J≠G, P≠B)."""
    pronunciations = {
        letter: espeak_ipa(name, "ar") for letter, name in ARABIC_LETTER_NAMES.items()
    }
    by_sound: dict[str, list[str]] = {}
    for letter, ipa in pronunciations.items():
        assert ipa, letter
        by_sound.setdefault(ipa, []).append(letter)
    assert [letters for letters in by_sound.values() if len(letters) > 1] == []


@needs_espeak
def test_espeak_reads_the_arabic_phrase_as_arabic_words() -> None:
    """The Arabic voice says the number as Arabic words (مئة وخمسة) and the counter as ثلاثة."""
    ipa = espeak_ipa(arabic_phrase(Call("A-105", 3)), "ar")
    assert "mˈiʔawa xˈamsa" in ipa
    assert "θalˈaːθa" in ipa
    assert "ʔˈai" in ipa  # the letter A as "ay", not the "ʔiːh" of E


@needs_espeak
@pytest.mark.parametrize("letter", list(string.ascii_uppercase))
def test_espeak_reads_the_english_letter_as_a_letter(letter: str) -> None:
    """ "Number A-105" is read with the letter's name, never the article "a" (ɐ)."""
    ipa = espeak_ipa(english_phrase(Call(f"{letter}-105", 3)), "en")
    assert "ɐ " not in ipa
    assert "wˈɒnhˈʌndɹɪdən fˈaɪv" in ipa
