"""Word tables written as Arabic-English pairs and split per language (core/bilingual.py)."""

from __future__ import annotations

import pytest

from core.bilingual import by_language


def test_pairs_split_into_one_table_per_language_with_groups_kept_and_order_kept():
    words = by_language({
        "title": ("حجز موعد", "Book an appointment"),
        "statuses": {"booked": ("محجوز", "Booked"), "cancelled": ("ملغى", "Cancelled")},
        None: ("—", "—"),
    })
    assert words == {
        "ar": {"title": "حجز موعد", "statuses": {"booked": "محجوز", "cancelled": "ملغى"}, None: "—"},
        "en": {"title": "Book an appointment", "statuses": {"booked": "Booked", "cancelled": "Cancelled"}, None: "—"},
    }
    assert list(words["en"]["statuses"]) == ["booked", "cancelled"]


def test_a_pair_may_be_two_rows_of_choices_or_two_tables_of_a_words_forms():
    words = by_language({
        "faces": (["سيئة", "جيدة"], ["Bad", "Good"]),
        "minutes": ({"one": "دقيقة", "two": "دقيقتان", "few": "دقائق"}, {"one": "minute", "other": "minutes"}),
    })
    assert words["ar"]["faces"] == ["سيئة", "جيدة"] and words["en"]["faces"] == ["Bad", "Good"]
    assert set(words["ar"]["minutes"]) == {"one", "two", "few"} and set(words["en"]["minutes"]) == {"one", "other"}


@pytest.mark.parametrize("value", [
    "only one language", ("ar", "en", "fr"), ("ar", None), ["ar", "en"], (["أ", "ب"], ["a"]), ("ar", ["en"]),
    ({"one": "دقيقة"}, {"one": 1}),
])
def test_a_word_without_both_languages_is_refused_with_its_key(value):
    with pytest.raises(TypeError, match="'late'.*Arabic and its English"):
        by_language({"fine": ("حسناً", "Fine"), "group": {"late": value}})


def test_every_page_table_has_the_same_words_in_both_languages():
    """The tables the console, booking, join, follow and home pages and the central show: one key set
    per language (the phone page's minutes have their own plural forms in each)."""
    from central.dashboard import TEXT as CENTRAL
    from hub.book.text import TEXT as BOOK
    from hub.console.text import TEXT as CONSOLE
    from hub.console.today import WORDS as TODAY
    from hub.follow_page import FOLLOW_TEXT
    from hub.join import TEXT as JOIN
    from hub.routes.home import TEXT as HOME

    def keys(table, path=()):
        return {path + (key,) for key in table} | {
            found for key, value in table.items() if isinstance(value, dict) for found in keys(value, path + (key,))
        }

    for table in (CENTRAL, BOOK, CONSOLE, TODAY, FOLLOW_TEXT, JOIN, HOME):
        assert keys(table["ar"]) == keys(table["en"]) and keys(table["ar"])
