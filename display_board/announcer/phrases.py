"""The words of an announcement, in Arabic and English.

The text is written for the ear, not the eye: it is what the synthesiser
reads, so it carries no direction marks and no Latin letters inside the
Arabic (espeak-ng's Arabic voice would switch to reading them in English).
See docs/decisions/announcer-phrases.md for how each choice was measured.
"""

from __future__ import annotations

import re

from display_board.announcer.calls import Call
from qt_common.speech.words import ARABIC_LETTER_NAMES

ARABIC_NUMBER_WORD = "الرقم"
ARABIC_COUNTER_WORD = "الشباك"
ARABIC_REMINDER_WORD = "تذكير"
ENGLISH_NUMBER_WORD = "Number"
ENGLISH_COUNTER_WORD = "counter"
ENGLISH_REMINDER_WORD = "Reminder"

# The Arabic comma gives espeak-ng a pause of about a quarter of a second,
# which separates the ticket from the counter for the listener.
_ARABIC_COMMA = "،"


def spoken_number(call: Call) -> str:
    """The ticket's number value without the zero padding: "A-005" is spoken "5"."""
    return str(call.ticket.value)


def names_counter_number(name: str, counter_number: int) -> bool:
    """Whether a counter's name already says its number ("الشباك 3", "Room 3")."""
    return re.search(rf"(?<![0-9]){counter_number}(?![0-9])", name) is not None


# A counter name that already holds the number ("الشباك 3" from the hub's
# defaults) replaces the "counter N" words instead of repeating them; a name
# that adds something ("كبار السن") is said after them.
def _arabic_counter(call: Call) -> str:
    name = call.counter_name_ar
    if name is None:
        return f"{ARABIC_COUNTER_WORD} {call.counter_number}"
    if names_counter_number(name, call.counter_number):
        return name
    return f"{ARABIC_COUNTER_WORD} {call.counter_number}{_ARABIC_COMMA} {name}"


def _english_counter(call: Call) -> str:
    name = call.counter_name_en
    if name is None:
        return f"{ENGLISH_COUNTER_WORD} {call.counter_number}"
    if names_counter_number(name, call.counter_number):
        return name
    return f"{ENGLISH_COUNTER_WORD} {call.counter_number}, {name}"


def arabic_phrase(call: Call) -> str:
    """What the Arabic voice says, e.g. "الرقم أَيْ 105، الشباك 3"."""
    letters = " ".join(ARABIC_LETTER_NAMES[letter] for letter in call.ticket.letters)
    ticket = f"{letters} {spoken_number(call)}" if letters else spoken_number(call)
    phrase = f"{ARABIC_NUMBER_WORD} {ticket}{_ARABIC_COMMA} {_arabic_counter(call)}"
    if call.recall:
        phrase = f"{ARABIC_REMINDER_WORD}{_ARABIC_COMMA} {phrase}"
    return phrase


def english_phrase(call: Call) -> str:
    """What the English voice says, e.g. "Number A-105, counter 3"."""
    # Hyphenated, espeak-ng reads "A" as the letter /eɪ/; "Number A 105"
    # would be read with the article /ɐ/.
    letters = "-".join(call.ticket.letters)
    ticket = f"{letters}-{spoken_number(call)}" if letters else spoken_number(call)
    counter = _english_counter(call)
    if call.recall:
        return f"{ENGLISH_REMINDER_WORD}, number {ticket}, {counter}"
    return f"{ENGLISH_NUMBER_WORD} {ticket}, {counter}"


def phrase_for(call: Call, language: str) -> str:
    """The phrase of one language ("ar" or "en")."""
    if language == "ar":
        return arabic_phrase(call)
    if language == "en":
        return english_phrase(call)
    raise ValueError(f"unknown announcement language {language!r}; use 'ar' or 'en'")
