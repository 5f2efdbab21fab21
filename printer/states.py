"""The printer's states and what each means to the visitor and the staff, in both languages.

The vocabulary on its own: `printer.connection` sorts failures to open a connection into these
states and `printer.status` sorts the printer's answers into them, so neither needs the other's
code for the words.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class PrinterState(enum.Enum):
    """One printer condition; `value` is the stable code sent to the hub (`device.status`)."""

    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    SILENT = "silent"
    REFUSED = "refused"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"
    ERROR = "error"
    MISCONFIGURED = "misconfigured"

    @property
    def message_ar(self) -> str:
        return _MESSAGES[self][0]

    @property
    def message_en(self) -> str:
        return _MESSAGES[self][1]

    @property
    def ok_to_print(self) -> bool:
        """Sending a ticket makes sense (unknown counts: we cannot know better)."""
        return self in (PrinterState.READY, PrinterState.PAPER_NEAR_END, PrinterState.UNKNOWN)

    @property
    def visitor_should_note_number(self) -> bool:
        """The visitor may leave without paper: show the number on screen and ask them to note it."""
        return not self.ok_to_print

    @property
    def needs_staff(self) -> bool:
        """Someone should look at the printer (report it to the hub as `device.status`)."""
        return self not in (PrinterState.READY, PrinterState.UNKNOWN)


_MESSAGES: dict[PrinterState, tuple[str, str]] = {
    PrinterState.READY: ("الطابعة جاهزة", "The printer is ready"),
    PrinterState.PAPER_NEAR_END: ("ورق الطابعة يوشك على النفاد", "The printer's paper is running low"),
    PrinterState.PAPER_OUT: ("نفد ورق الطابعة", "The printer is out of paper"),
    PrinterState.COVER_OPEN: ("غطاء الطابعة مفتوح", "The printer's cover is open"),
    PrinterState.OFFLINE: ("الطابعة متوقفة عن العمل", "The printer is offline"),
    PrinterState.SILENT: ("الطابعة لا تستجيب", "The printer does not answer"),
    PrinterState.REFUSED: ("الطابعة رفضت الاتصال", "The printer refused the connection"),
    PrinterState.UNREACHABLE: ("تعذّر الوصول إلى الطابعة", "The printer cannot be reached"),
    PrinterState.UNKNOWN: ("حالة الطابعة غير معروفة عبر هذا الاتصال", "The printer's status cannot be read over this connection"),
    PrinterState.ERROR: ("حدث خطأ في الطابعة", "The printer reports an error"),
    PrinterState.MISCONFIGURED: ("عنوان الطابعة في الإعدادات غير صحيح", "The printer address in the settings is wrong"),
}


@dataclass(frozen=True)
class StatusReading:
    """A state plus the detail behind it (for logs and the staff), in English."""

    state: PrinterState
    detail: str = ""
