"""The board's own words, in Arabic and English (registered with qt_common.i18n at import)."""

from __future__ import annotations

from qt_common.i18n import register_catalogue

BOARD_STRINGS: dict[str, tuple[str, str]] = {
    "board.window_title": ("لوحة النداء", "Call board"),
    "board.number": ("الرقم", "Number"),
    "board.counter": ("الشباك", "Counter"),
    "board.now_calling": ("النداء الحالي", "Now calling"),
    "board.recent_calls": ("النداءات السابقة", "Previous calls"),
    "board.waiting_first_call": ("بانتظار النداء الأول", "Waiting for the first call"),
    "board.recall": ("تذكير", "Reminder"),
    "board.unknown_board": (
        "اللوحة {name} غير معرّفة في إعدادات المركز؛ تُعرض نداءات جميع الشبابيك.",
        "Board {name} is not in the centre's configuration; calls from every counter are shown.",
    ),
    "board.sound_failed": (
        "تعذّر تشغيل جزء من النداء الصوتي.",
        "Part of a spoken call could not be played.",
    ),
}

register_catalogue(BOARD_STRINGS)
