"""The supervisor's short message on the boards' ticker (from the centre console).

Kept in `meta`; while set it replaces the configured ticker in `/state` (both languages), and
`config.changed` tells every board to reload. Clearing it brings the configured ticker back.
"""

from __future__ import annotations

import json

from core.errors import BadInput
from core.models import EventType
from core.store import Tx

MAX_TICKER_MESSAGE = 200
TICKER_KEY = "ticker_message"
# Direction marks an Arabic writer uses to keep a number in place (not "printable" to Python).
BIDI_MARKS = frozenset("\u200e\u200f\u061c\u2066\u2067\u2068\u2069")


def ticker_message(conn) -> dict[str, str] | None:
    """The supervisor's message for the boards' ticker, or None (the configured ticker runs)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (TICKER_KEY,)).fetchone()
    if row is None:
        return None
    value = json.loads(row[0])
    return value if value.get("ar") or value.get("en") else None


def _clean_message(text: str, language: str) -> str:
    if not isinstance(text, str):
        raise BadInput("The ticker message must be text.", "رسالة الشريط يجب أن تكون نصاً.")
    text = " ".join(text.split())
    if len(text) > MAX_TICKER_MESSAGE or not all(ch.isprintable() or ch in BIDI_MARKS for ch in text):
        raise BadInput(
            f"The {language} ticker message is at most {MAX_TICKER_MESSAGE} printable characters.",
            f"رسالة الشريط بحد أقصى \u2066{MAX_TICKER_MESSAGE}\u2069 حرفاً قابلاً للطباعة.",
            code="bad_ticker_message",
        )
    return text


def set_ticker_message(tx: Tx, text_ar: str, text_en: str) -> dict[str, str] | None:
    """Put a short message on every board's ticker (both empty: back to the configured ticker)."""
    ar, en = _clean_message(text_ar, "Arabic"), _clean_message(text_en, "English")
    previous = ticker_message(tx.conn)
    if not ar and not en:
        tx.conn.execute("DELETE FROM meta WHERE key = ?", (TICKER_KEY,))
        current = None
    else:
        current = {"ar": ar, "en": en}
        tx.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (TICKER_KEY, json.dumps(current, ensure_ascii=False))
        )
    if current != previous:
        tx.emit(EventType.CONFIG_CHANGED)
    return current


def ticker_snapshot(tx: Tx) -> dict[str, str] | None:
    return ticker_message(tx.conn)
