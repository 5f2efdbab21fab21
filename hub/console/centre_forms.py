"""The centre's forms: which fields each has, and how a posted form becomes centre-file values.

A form only turns text into typed values (a number is a number, a box is ticked or not); what
is allowed is decided by the centre file's own model (`core.config.CentreFile`) when the whole
edited configuration is validated, so the console and the TOML loader refuse the same things
with the same words. Each fault is shown next to its field.

`SERVICE_FIELDS` is the one list of a service's fields: the form, its parsing and its labels
all come from it, so a new service setting is one entry here (and one in `TEXT`).
`APPOINTMENT_FIELDS` are the keys of its `[services.appointments]` block, parsed the same way
and validated by the same model (`core.appointments.AppointmentsConfig`, inside the file's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from core.appointments import AppointmentsConfig
from core.centre_edits import InvalidEdit
from core.config import CentreFile

MAX_TEXT = 500  # longer than any field the file allows; longer posts are refused before parsing


@dataclass(frozen=True)
class FormField:
    name: str  # the form's field, and the service's key in the centre file unless `key` says
    kind: str  # text, letter, whole, minutes, optional_minutes, share, flag, group
    label: str  # key into TEXT[lang]["fields"]
    key: str | None = None
    max_length: int = 120
    new_only: bool = False  # only when the service is added (its letter is its identity)
    direction: str = "auto"
    optional: bool = False  # a new service the form does not send it for takes the file's default

    @property
    def file_key(self) -> str:
        return self.key or self.name


SERVICE_FIELDS: tuple[FormField, ...] = (
    FormField("code", "letter", "code", max_length=2, new_only=True, direction="ltr"),
    FormField("name_ar", "text", "name_ar", direction="rtl"),
    FormField("name_en", "text", "name_en", direction="ltr"),
    FormField("group", "group", "group"),
    FormField("range_start", "whole", "range_start", key="range", max_length=5, direction="ltr"),
    FormField("range_end", "whole", "range_end", key="range", max_length=5, direction="ltr"),
    FormField("daily_cap", "whole", "daily_cap", max_length=7, direction="ltr"),
    FormField("target_wait_minutes", "minutes", "target_wait_minutes", max_length=8, direction="ltr"),
    FormField("max_wait_minutes", "optional_minutes", "max_wait_minutes", max_length=8, direction="ltr"),
    FormField("average_service_minutes", "minutes", "average_service_minutes", max_length=8, direction="ltr"),
    FormField("enabled", "flag", "enabled"),
    FormField("remote", "flag", "remote"),
    FormField("remote_cap", "whole", "remote_cap", max_length=5, direction="ltr", optional=True),
    FormField("remote_warn_places", "whole", "remote_warn_places", max_length=3, direction="ltr", optional=True),
)

# The service's appointment settings: form field `appointments_<key>`, file key `appointments.<key>`.
APPOINTMENTS = "appointments"
APPOINTMENTS_MARK = "appointments_form"  # sent by the form, so an unticked box is told from an absent section
APPOINTMENT_FIELDS: tuple[FormField, ...] = (
    FormField("appointments_enabled", "flag", "appointments_enabled", key="appointments.enabled"),
    FormField("appointments_slot_minutes", "whole", "slot_minutes", key="appointments.slot_minutes", max_length=9, direction="ltr"),
    FormField("appointments_capacity", "whole", "capacity", key="appointments.capacity", max_length=9, direction="ltr"),
    FormField("appointments_walk_in_share", "share", "walk_in_share", key="appointments.walk_in_share", max_length=9, direction="ltr"),
    FormField("appointments_days_ahead", "whole", "days_ahead", key="appointments.days_ahead", max_length=9, direction="ltr"),
    FormField("appointments_max_future_per_mobile", "whole", "max_future_per_mobile", key="appointments.max_future_per_mobile",
              max_length=9, direction="ltr"),
    FormField("appointments_check_in_open_minutes", "whole", "check_in_open_minutes", key="appointments.check_in_open_minutes",
              max_length=9, direction="ltr"),
    FormField("appointments_grace_minutes", "whole", "grace_minutes", key="appointments.grace_minutes", max_length=9, direction="ltr"),
)

_WORDS = {
    "share": ("Write a share from 0 to 1, e.g. 0.5 for half.", "اكتب نسبة من ⁦0⁩ إلى ⁦1⁩، مثل ⁦0.5⁩ للنصف."),
    "whole": ("Write a whole number (digits only).", "اكتب عدداً صحيحاً (أرقام فقط)."),
    "minutes": ("Write a number of minutes, e.g. 12 or 7.5.", "اكتب عدد الدقائق، مثل \u206612\u2069 أو \u20667.5\u2069."),
    "letter": ("One or two capital Latin letters, e.g. A or BC.", "حرف أو حرفان لاتينيان كبيران، مثل \u2066A\u2069 أو \u2066BC\u2069."),
    "long": ("This is longer than {n} characters.", "النص أطول من \u2066{n}\u2069 حرفاً."),
    "group": ("Choose a group from the list.", "اختر مجموعة من القائمة."),
}


def _refuse(errors: dict[str, tuple[str, str]], name: str, word: str, **values: Any) -> None:
    en, ar = _WORDS[word]
    errors.setdefault(name, (en.format(**values), ar.format(**values)))


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def service_values(fields: dict[str, str], config: CentreFile, current: dict[str, Any] | None) -> dict[str, Any]:
    """A posted service form as centre-file values. With `current` (an edit), a field the form did
    not send keeps its value, except the `enabled` box (a box left unticked is not sent)."""
    values: dict[str, Any] = {} if current is None else dict(current)
    errors: dict[str, tuple[str, str]] = {}
    groups = {g.key for g in config.groups}
    range_start, range_end = (values.get("range") or (1, 999)) if current is not None else (1, 999)
    for spec in SERVICE_FIELDS:
        if spec.new_only and current is not None:
            continue
        if spec.kind == "flag":
            values[spec.name] = fields.get(spec.name) == "on"
            continue
        if spec.name not in fields and (current is not None or spec.optional):
            continue
        text = fields.get(spec.name, "").strip()
        if len(text) > max(spec.max_length, MAX_TEXT if spec.kind == "text" else spec.max_length):
            _refuse(errors, spec.name, "long", n=spec.max_length)
            continue
        if spec.kind == "text":
            values[spec.name] = text  # empty or too long: the file's model says so
        elif spec.kind == "letter":
            if not (text.isascii() and text.isalpha() and 1 <= len(text) <= 2):
                _refuse(errors, spec.name, "letter")
            values[spec.name] = text.upper()
        elif spec.kind == "group":
            if text and text not in groups:
                _refuse(errors, spec.name, "group")
            values[spec.name] = text or None
        elif spec.kind == "whole":
            if not (text.isascii() and text.isdigit()):
                _refuse(errors, spec.name, "whole")
                continue
            number = int(text)
            if spec.name == "range_start":
                range_start = number
            elif spec.name == "range_end":
                range_end = number
            else:
                values[spec.name] = number
        else:  # minutes
            if spec.kind == "optional_minutes" and not text:
                values[spec.name] = None
                continue
            number = _number(text)
            if number is None:
                _refuse(errors, spec.name, "minutes")
                continue
            values[spec.name] = number
    values["range"] = [range_start, range_end]
    if fields.get(APPOINTMENTS_MARK) == "1":
        _appointment_values(fields, values, errors)
    if errors:
        raise InvalidEdit(errors)
    return values


def _appointment_values(fields: dict[str, str], values: dict[str, Any], errors: dict[str, tuple[str, str]]) -> None:
    """The appointments part of a posted service form into `values["appointments"]`. A service
    without appointments whose box stays unticked keeps none (the file stays as it was)."""
    block = dict(values.get(APPOINTMENTS) or {})
    enabled = fields.get("appointments_enabled") == "on"
    if not enabled and not block:
        return
    for spec in APPOINTMENT_FIELDS:
        key = spec.file_key.split(".", 1)[1]
        if spec.kind == "flag":
            block[key] = enabled
            continue
        text = fields.get(spec.name, "").strip()
        if len(text) > spec.max_length:
            _refuse(errors, spec.name, "long", n=spec.max_length)
        elif spec.kind == "whole":
            if text.isascii() and text.isdigit():
                block[key] = int(text)
            else:
                _refuse(errors, spec.name, "whole")
        else:  # share
            number = _number(text)
            if number is None:
                _refuse(errors, spec.name, "share")
            else:
                block[key] = number
    values[APPOINTMENTS] = block


def field_errors(error: InvalidEdit) -> dict[str, tuple[str, str]]:
    """The centre file's keys turned into the form's field names (the range is two fields)."""
    shown: dict[str, tuple[str, str]] = {}
    nested = {spec.file_key: spec.name for spec in APPOINTMENT_FIELDS}
    for key, message in error.fields.items():
        name = "range_end" if key == "range" else nested.get(key, key)
        if name not in {spec.name for spec in SERVICE_FIELDS + APPOINTMENT_FIELDS}:
            name = ""
        shown.setdefault(name, message)
    return shown


def service_form_values(service: Any | None) -> dict[str, str]:
    """What the form shows for a service (or the defaults of a new one)."""
    settings = getattr(service, "appointments", None)
    appointments = {
        spec.name: ("on" if settings is not None and settings.enabled else "") if spec.kind == "flag"
        else _plain(getattr(settings or AppointmentsConfig(), spec.file_key.split(".", 1)[1]))
        for spec in APPOINTMENT_FIELDS
    }
    if service is None:
        return {"code": "", "name_ar": "", "name_en": "", "group": "", "range_start": "1", "range_end": "999",
                "daily_cap": "999", "target_wait_minutes": "15", "max_wait_minutes": "30",
                "average_service_minutes": "5", "enabled": "on", "remote": "", "remote_cap": "20", "remote_warn_places": "3",
                **appointments}

    def minutes(value: float | None) -> str:
        return "" if value is None else (str(int(value)) if float(value).is_integer() else str(value))

    return {
        "code": service.code, "name_ar": service.name_ar, "name_en": service.name_en, "group": service.group or "",
        "range_start": str(service.range[0]), "range_end": str(service.range[1]), "daily_cap": str(service.daily_cap),
        "target_wait_minutes": minutes(service.target_wait_minutes), "max_wait_minutes": minutes(service.max_wait_minutes),
        "average_service_minutes": minutes(service.average_service_minutes), "enabled": "on" if service.enabled else "",
        "remote": "on" if service.remote else "", "remote_cap": str(service.remote_cap),
        "remote_warn_places": str(service.remote_warn_places),
        **appointments,
    }


def _plain(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ── hours, special days, texts, counters and boards ──────────────────────────────────────

WEEK = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # the Saudi week starts on Sunday
TEXT_FIELDS = ("ticker_ar", "ticker_en", "footer_ar", "footer_en")
MAX_LIST = 400  # a list of spans, codes or numbers; the file's rules judge what is in it


def _bilingual(message: str) -> tuple[str, str]:
    return message, f"قيمة غير مقبولة: \u2066{message}\u2069"


def _items(text: str) -> list[str]:
    """"07:30-14:30, 16:00-20:00" (an Arabic comma or spaces too) → its items."""
    return [item for item in text.replace("،", ",").replace(" ", ",").split(",") if item]


def _spans(text: str) -> list[str]:
    from core.hours import parse_span

    spans = _items(text)
    for span in spans:
        parse_span(span)  # the loader's rule and words (ValueError)
    return spans


def hours_values(fields: dict[str, str]) -> dict[str, Any]:
    """The weekly hours form: "always" ticked, or each weekday's spans (empty: closed that day)."""
    if fields.get("always") == "on":
        return {"hours": "always"}
    weekly: dict[str, list[str]] = {}
    errors: dict[str, tuple[str, str]] = {}
    for day in WEEK:
        text = fields.get(f"day_{day}", "").strip()
        try:
            if len(text) > MAX_LIST:
                raise ValueError(f"more than {MAX_LIST} characters")
            spans = _spans(text)
        except ValueError as error:
            errors[f"day_{day}"] = _bilingual(str(error))
            continue
        if spans:
            weekly[day] = spans
    if not errors and not weekly:
        errors["always"] = ("Give the hours of at least one day, or tick open at all hours.",
                            "اكتب ساعات يوم واحد على الأقل، أو اختر مفتوح طوال الوقت.")
    if errors:
        raise InvalidEdit(errors)
    return {"hours": weekly}


def special_day_values(fields: dict[str, str]) -> dict[str, Any]:
    errors: dict[str, tuple[str, str]] = {}
    values: dict[str, Any] = {}
    for name in ("name", "from", "to"):
        text = fields.get(name, "").strip()
        if len(text) > 120:
            _refuse(errors, name, "long", n=120)
        values[name] = text
    calendar = fields.get("calendar", "")
    if calendar not in ("gregorian", "hijri"):
        errors["calendar"] = ("Choose Gregorian or Hijri.", "اختر ميلادي أو هجري.")
    values["calendar"] = calendar
    values["closed"] = fields.get("closed") == "on"
    try:
        text = fields.get("hours", "").strip()
        if len(text) > MAX_LIST:
            raise ValueError(f"more than {MAX_LIST} characters")
        values["hours"] = _spans(text)
    except ValueError as error:
        errors["hours"] = _bilingual(str(error))
    if errors:
        raise InvalidEdit(errors)
    return values


def text_values(fields: dict[str, str]) -> dict[str, str]:
    errors: dict[str, tuple[str, str]] = {}
    values = {}
    for name in TEXT_FIELDS:
        values[name] = fields.get(name, "").strip()
        if len(values[name]) > 500:
            _refuse(errors, name, "long", n=500)
    if errors:
        raise InvalidEdit(errors)
    return values


def counter_values(fields: dict[str, str]) -> dict[str, Any]:
    text = fields.get("services", "").strip()
    errors: dict[str, tuple[str, str]] = {}
    if len(text) > MAX_LIST:
        _refuse(errors, "services", "long", n=MAX_LIST)
    codes = ["*"] if text == "*" else [code.upper() for code in _items(text)]
    mode = fields.get("mode", "")
    if mode not in ("fifo", "ordered"):
        errors["mode"] = ("Choose earliest first (fifo) or in the listed order (ordered).",
                          "اختر الأقدم أولاً (\u2066fifo\u2069) أو بترتيب القائمة (\u2066ordered\u2069).")
    if errors:
        raise InvalidEdit(errors)
    return {"services": codes, "mode": mode}


def board_values(fields: dict[str, str]) -> dict[str, Any]:
    text = fields.get("counters", "").strip()
    errors: dict[str, tuple[str, str]] = {}
    numbers = []
    if len(text) > MAX_LIST:
        _refuse(errors, "counters", "long", n=MAX_LIST)
    for item in _items(text):
        if not (item.isascii() and item.isdigit()) or len(item) > 5:
            _refuse(errors, "counters", "whole")
            break
        numbers.append(int(item))
    if errors:
        raise InvalidEdit(errors)
    return {"counters": numbers}
