"""A call to announce, validated when it is made.

A `Call` is what the board hands to the announcer for every `ticket.called`
and `ticket.recalled` event. It is checked on construction, so a bad value
from the hub or a hostile counter name is refused at the door with a clear
message in both languages and never reaches the synthesiser or the queue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from core.errors import BilingualError

MAX_SERVICE_LETTERS = 3
MAX_NUMBER_DIGITS = 5
MAX_COUNTER_NUMBER = 9999
MAX_COUNTER_NAME_CHARS = 60

# Arabic-Indic (U+0660..) and Eastern Arabic-Indic (U+06F0..) digits are
# accepted and spoken as Western digits, which is what espeak-ng reads best.
_TO_WESTERN_DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹",
    "01234567890123456789",
)

# Direction marks and isolates are display concerns; a name copied from an
# Arabic label may carry them, and they have no sound.
_DIRECTION_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
    None,
)

_TICKET_NUMBER = re.compile(
    rf"^(?P<letters>[A-Z]{{0,{MAX_SERVICE_LETTERS}}})[- ]?(?P<digits>[0-9]{{1,{MAX_NUMBER_DIGITS}}})$"
)

# Characters a counter name may hold: letters and marks of any script,
# digits, spaces and the punctuation names really use. Emoji, symbols and
# control characters are refused because a voice would either skip them
# or read out their Unicode names.
_NAME_PUNCTUATION = frozenset("-.,،()/'&#:")


class InvalidCallError(BilingualError, ValueError):
    """A call that cannot be announced, with the reason in English and Arabic."""

    def __init__(self, field_name: str, message_en: str, message_ar: str) -> None:
        super().__init__(message_en, message_ar, summary=f"{field_name}: {message_en}")
        self.field_name = field_name


@dataclass(frozen=True, slots=True)
class TicketNumber:
    """A ticket number split into the service letters and the number value."""

    letters: str
    value: int
    printed: str


def parse_ticket_number(text: object) -> TicketNumber:
    """Reads "A-105" (or "A105", "a-105", "A-١٠٥") into letters and value."""
    if not isinstance(text, str):
        raise InvalidCallError(
            "ticket_number",
            f"must be text like 'A-105', not {type(text).__name__}",
            "يجب أن يكون رقم التذكرة نصًا مثل \u2066A-105\u2069",
        )
    if len(text) > 40:
        raise InvalidCallError(
            "ticket_number",
            f"is {len(text)} characters long; a ticket number is at most "
            f"{MAX_SERVICE_LETTERS} letters and {MAX_NUMBER_DIGITS} digits",
            "رقم التذكرة أطول من المسموح",
        )
    normalised = text.strip().translate(_TO_WESTERN_DIGITS).upper()
    if not normalised:
        raise InvalidCallError(
            "ticket_number",
            "is empty",
            "رقم التذكرة فارغ",
        )
    match = _TICKET_NUMBER.match(normalised)
    if match is None:
        raise InvalidCallError(
            "ticket_number",
            f"{text!r} is not a ticket number like 'A-105' "
            f"(0 to {MAX_SERVICE_LETTERS} letters A-Z, then 1 to {MAX_NUMBER_DIGITS} digits)",
            "رقم التذكرة ليس بالصيغة \u2066A-105\u2069 (حروف لاتينية ثم أرقام)",
        )
    letters, digits = match["letters"], match["digits"]
    return TicketNumber(
        letters=letters,
        value=int(digits),
        printed=f"{letters}-{digits}" if letters else digits,
    )


def clean_counter_name(name: object, field_name: str) -> str | None:
    """Checks a counter name; returns it without direction marks, or None if blank."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise InvalidCallError(
            field_name,
            f"must be text or None, not {type(name).__name__}",
            "يجب أن يكون اسم الشباك نصًا",
        )
    if len(name) > MAX_COUNTER_NAME_CHARS * 4:
        raise InvalidCallError(
            field_name,
            f"is {len(name)} characters long; at most {MAX_COUNTER_NAME_CHARS} are spoken",
            f"اسم الشباك أطول من \u2066{MAX_COUNTER_NAME_CHARS}\u2069 حرفًا",
        )
    cleaned = " ".join(name.translate(_DIRECTION_MARKS).translate(_TO_WESTERN_DIGITS).split())
    if not cleaned:
        return None
    if len(cleaned) > MAX_COUNTER_NAME_CHARS:
        raise InvalidCallError(
            field_name,
            f"is {len(cleaned)} characters long; at most {MAX_COUNTER_NAME_CHARS} are spoken",
            f"اسم الشباك أطول من \u2066{MAX_COUNTER_NAME_CHARS}\u2069 حرفًا",
        )
    for character in cleaned:
        category = unicodedata.category(character)
        if category[0] in "LMN" or character == " " or character in _NAME_PUNCTUATION:
            continue
        raise InvalidCallError(
            field_name,
            f"contains {character!r} (U+{ord(character):04X}), which cannot be spoken; "
            "use letters, digits, spaces and - . , ( ) / ' & # :",
            f"اسم الشباك يحتوي على رمز لا يمكن نطقه (\u2066U+{ord(character):04X}\u2069)",
        )
    return cleaned


@dataclass(frozen=True, slots=True)
class Call:
    """One visitor called (or recalled) to one counter."""

    ticket_number: str
    counter_number: int
    counter_name_ar: str | None = None
    counter_name_en: str | None = None
    recall: bool = False
    ticket: TicketNumber = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ticket = parse_ticket_number(self.ticket_number)
        if isinstance(self.counter_number, bool) or not isinstance(self.counter_number, int):
            raise InvalidCallError(
                "counter_number",
                f"must be a whole number, not {type(self.counter_number).__name__}",
                "يجب أن يكون رقم الشباك عددًا صحيحًا",
            )
        if not 1 <= self.counter_number <= MAX_COUNTER_NUMBER:
            raise InvalidCallError(
                "counter_number",
                f"{self.counter_number} is outside 1..{MAX_COUNTER_NUMBER}",
                f"رقم الشباك خارج النطاق \u20661..{MAX_COUNTER_NUMBER}\u2069",
            )
        if not isinstance(self.recall, bool):
            raise InvalidCallError(
                "recall",
                f"must be True or False, not {type(self.recall).__name__}",
                "يجب أن تكون قيمة التذكير صحيحًا أو خطأ",
            )
        # frozen dataclass: normalised values are stored through object.__setattr__
        object.__setattr__(self, "ticket", ticket)
        object.__setattr__(self, "ticket_number", ticket.printed)
        object.__setattr__(
            self, "counter_name_ar", clean_counter_name(self.counter_name_ar, "counter_name_ar")
        )
        object.__setattr__(
            self, "counter_name_en", clean_counter_name(self.counter_name_en, "counter_name_en")
        )
