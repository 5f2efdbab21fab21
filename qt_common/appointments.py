"""How the Qt screens name an appointment ticket: "موعد 10:30 ص" / "Appointment 10:30 AM".

An appointment ticket keeps its service's number; its slot time is the mark beside it
(docs/decisions/appointment-ticket-mark.md). The kiosk, the counter and the board say it alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qt_common.i18n import Language, current_language, parse_language, register_catalogue, tr_in

register_catalogue({"appointment.at": ("موعد {slot}", "Appointment {slot}")})


def clock_text(iso_time: str | None, language: Language | str) -> str:
    """"10:30 AM" / "10:30 ص" for an ISO time the hub sent in the centre's zone ("" if none)."""
    if not iso_time:
        return ""
    moment = datetime.fromisoformat(iso_time)
    hour = moment.hour % 12 or 12
    if parse_language(language) is Language.AR:
        return f"{hour}:{moment.minute:02d} {'ص' if moment.hour < 12 else 'م'}"
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def appointment_mark(ticket: Any, language: Language | str | None = None) -> str | None:
    """"Appointment 10:30 AM" for a ticket checked in for a slot (its `slot_start`), else None.

    In Arabic the time is isolated, so its digits are never reordered by the sentence around it.
    """
    slot_start = getattr(ticket, "slot_start", None)
    if not slot_start:
        return None
    language = parse_language(language) if language is not None else current_language()
    return tr_in(language, "appointment.at", slot=clock_text(slot_start, language))
