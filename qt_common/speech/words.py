"""Words for the ear shared by every speaking screen: how a ticket number is said.

Written for the synthesiser, not the eye: no direction marks, and no Latin letters inside
Arabic (espeak-ng's Arabic voice would switch to reading them in English).
"""

from __future__ import annotations

import re

# Letter names as Arabic speakers say them, spelled so that espeak-ng's
# Arabic voice (which has no /e/) still keeps every letter apart: A and J
# are written with the diphthong "ay" (أَيْ، جَيْ) because the usual "إيه"
# and "جيه" come out as /ʔiːh/ and /dʒiːh/, the same as E and G. P keeps
# its own letter پ, which espeak-ng reads as /p/, so it never sounds like B.
ARABIC_LETTER_NAMES: dict[str, str] = {
    "A": "أَيْ",
    "B": "بي",
    "C": "سي",
    "D": "دي",
    "E": "إي",
    "F": "إف",
    "G": "جي",
    "H": "إتش",
    "I": "آي",
    "J": "جَيْ",
    "K": "كيه",
    "L": "إل",
    "M": "إم",
    "N": "إن",
    "O": "أو",
    "P": "پي",
    "Q": "كيو",
    "R": "آرْ",
    "S": "إس",
    "T": "تي",
    "U": "يو",
    "V": "في",
    "W": "دبليو",
    "X": "إكس",
    "Y": "وايْ",
    "Z": "زِد",
}

_TICKET = re.compile(r"^\s*([A-Za-z]{0,3})[-\s]?0*(\d{1,6})\s*$")


def spoken_ticket_number(number: str, language: str) -> str:
    """"A-005" as it is said: "أَيْ 5" in Arabic, "A-5" in English (espeak reads "A" as the
    letter when it is hyphenated); anything else is said as it is written."""
    match = _TICKET.match(number) if isinstance(number, str) else None
    if match is None:
        return str(number)
    letters, value = match.group(1).upper(), str(int(match.group(2)))
    if language == "ar":
        names = " ".join(ARABIC_LETTER_NAMES[letter] for letter in letters)
        return f"{names} {value}" if names else value
    return f"{'-'.join(letters)}-{value}" if letters else value
