"""Word tables kept as Arabic-English pairs, each word's two languages side by side.

A page's words are written once, `key: (arabic, english)`, so a word cannot be given in one
language and forgotten in the other; `by_language` splits such a table into the
`{"ar": {...}, "en": {...}}` a page's template reads (`t = TEXT[lang]`). A group of words
(a status's names, a form's labels) is a table of pairs itself and is split the same way; a
pair's two sides may also be two lists (a row of choices) or two tables of a word's forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGUAGES = ("ar", "en")


def by_language(table: Mapping[Any, Any]) -> dict[str, dict[Any, Any]]:
    """`{"ar": {key: arabic}, "en": {key: english}}`, in the table's order, groups kept as groups."""
    ar: dict[Any, Any] = {}
    en: dict[Any, Any] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            group = by_language(value)
            ar[key], en[key] = group["ar"], group["en"]
        elif isinstance(value, tuple) and len(value) == 2 and _same_kind_of_words(*value):
            ar[key], en[key] = value
        else:
            raise TypeError(f"the word {key!r} needs its Arabic and its English as two strings, not {value!r}")
    return {"ar": ar, "en": en}


def _same_kind_of_words(ar: Any, en: Any) -> bool:
    """Two strings; or two lists of strings (a row of choices); or two tables of strings (a word's
    forms, which differ between the languages: Arabic has six plural forms, English two)."""
    if isinstance(ar, str) and isinstance(en, str):
        return True
    if isinstance(ar, list) and isinstance(en, list):
        return len(ar) == len(en) and all(isinstance(word, str) for word in (*ar, *en))
    if isinstance(ar, Mapping) and isinstance(en, Mapping):
        return all(isinstance(word, str) for word in (*ar.values(), *en.values()))
    return False
