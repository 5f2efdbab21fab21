"""Arabic plural forms: one rule, for the phone page, the ticket and the screens."""

from __future__ import annotations

import pytest

from core.plural import arabic_plural_category, minutes_parts, minutes_text


@pytest.mark.parametrize(
    "count, text",
    [
        (1, "دقيقة واحدة"), (2, "دقيقتان"), (3, "3 دقائق"), (8, "8 دقائق"), (10, "10 دقائق"),
        (11, "11 دقيقة"), (25, "25 دقيقة"), (99, "99 دقيقة"), (100, "100 دقيقة"), (102, "102 دقيقة"),
        (103, "103 دقائق"), (111, "111 دقيقة"),
    ],
)
def test_minutes_take_the_arabic_plural_form_of_their_count(count, text):
    assert minutes_text(count, "ar") == text


def test_english_and_odd_values():
    assert minutes_text(8, "en") == "8 min" and minutes_text(1, "en") == "1 min"
    assert minutes_parts(-5, "ar") == (0, "دقيقة")  # never a negative wait
    assert [arabic_plural_category(n) for n in (0, 1, 2, 3, 11, 100)] == ["zero", "one", "two", "few", "many", "other"]
