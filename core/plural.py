"""Arabic plural forms, for every surface that counts things (phone page, ticket, screens).

Arabic has six plural categories (CLDR): 0, 1, 2, a count whose last two digits are 3–10
("few": 3 دقائق), 11–99 ("many": 11 دقيقة) and the rest (100, 101, 102: دقيقة). The phone
page carries the same rule in JavaScript (`hub/page.py`), tested against this one.
"""

from __future__ import annotations

#: minute words by Arabic plural category; 1 and 2 are said without a number
MINUTES_AR = {"one": "دقيقة واحدة", "two": "دقيقتان", "few": "دقائق", "many": "دقيقة", "other": "دقيقة", "zero": "دقيقة"}
MINUTES_EN = {"one": "min", "other": "min"}


def arabic_plural_category(count: int) -> str:
    """The CLDR Arabic plural category of a whole, non-negative `count`."""
    if count == 0:
        return "zero"
    if count == 1:
        return "one"
    if count == 2:
        return "two"
    if 3 <= count % 100 <= 10:
        return "few"
    if 11 <= count % 100 <= 99:
        return "many"
    return "other"


def minutes_parts(minutes: int, lang: str) -> tuple[int | None, str]:
    """A number of minutes as (the number to show, or None, and the words after it):
    (None, "دقيقة واحدة"), (None, "دقيقتان"), (8, "دقائق"), (15, "دقيقة"); (8, "min") in English."""
    minutes = max(0, int(minutes))
    if lang != "ar":
        return minutes, MINUTES_EN["one" if minutes == 1 else "other"]
    category = arabic_plural_category(minutes)
    return (None if category in ("one", "two") else minutes), MINUTES_AR[category]


def minutes_text(minutes: int, lang: str) -> str:
    """`minutes_parts` as plain text: "8 دقائق", "دقيقتان", "15 min"."""
    number, words = minutes_parts(minutes, lang)
    return words if number is None else f"{number} {words}"
