"""Changes to the centre made from the console, and how they survive a restart.

The `--config` TOML file is read at every start. A console edit is applied at once
(`apply_config`: the same validation as the file, `config.changed` to every device) and kept
in `meta` with the fingerprint of the file it was made on. At the next start, if the file is
still that file, the hub starts from the edited configuration, so a restart never undoes a
console change; if the file was changed since, the file wins and the hub logs that it replaced
the console's edits (docs/decisions/console-config-source.md).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from core.commands import apply_config
from core.config import CentreFile, _describe, describe_items, parse_config
from core.errors import BadInput, ConfigError
from core.store import Tx

MAX_IMPORT_BYTES = 60 * 1024  # a centre file is a few KiB; the hub refuses bodies over [hub] max_body_bytes
EDITED_KEY = "console_config"
BASE_KEY = "console_config_base"
# What the console may change of a service now; the rest stays the file's.
SERVICE_FIELDS = ("enabled", "target_wait_minutes", "max_wait_minutes", "daily_cap", "average_service_minutes")


class InvalidEdit(BadInput):
    """An edit the centre file's rules refuse. `fields` maps each faulty key of the edited part
    (e.g. "range", "name_ar"; "" when the fault is not one key's) to its (English, Arabic) message."""

    code = "invalid_config"

    def __init__(self, fields: dict[str, tuple[str, str]]) -> None:
        super().__init__("; ".join(en for en, _ in fields.values()), "؛ ".join(ar for _, ar in fields.values()))
        self.fields = fields


def refused(key: str, message_en: str, message_ar: str) -> InvalidEdit:
    return InvalidEdit({key: (message_en, message_ar)})


def edited(config: CentreFile, change: Callable[[dict[str, Any]], None], part: tuple = ()) -> CentreFile:
    """`config` with `change(data)` applied to its plain data, validated whole by the centre file's
    own model; a fault under `part` (e.g. ("services", 3)) is named by its key there."""
    data = config.model_dump(mode="json")
    change(data)
    try:
        return CentreFile.model_validate(data)
    except ValidationError as error:
        fields: dict[str, tuple[str, str]] = {}
        for loc, key, message in describe_items(error):
            inside = loc[: len(part)] == part and len(loc) > len(part)
            name = str(loc[len(part)]) if inside else ""
            if name == "appointments" and len(loc) > len(part) + 1:
                name = f"appointments.{loc[len(part) + 1]}"  # its own form field in the console
            shown = message if inside else f"{key}: {message}"
            fields.setdefault(name, (shown, f"قيمة غير مقبولة: \u2066{shown}\u2069"))
        raise InvalidEdit(fields) from None


def fingerprint(config: CentreFile) -> str:
    return hashlib.sha256(config.model_dump_json().encode()).hexdigest()


def edited_service(config: CentreFile, code: str, changes: dict[str, Any]) -> CentreFile:
    """`config` with one service's fields changed, validated by the centre file's own rules."""
    data = config.model_dump(mode="json")
    index = next((i for i, s in enumerate(data["services"]) if s["code"] == code), None)
    if index is None:
        raise BadInput(f"No service with the code {code!r}.", "لا توجد خدمة بهذا الرمز.", code="unknown_service")
    unknown = set(changes) - set(SERVICE_FIELDS)
    if unknown:
        raise BadInput(f"These cannot be changed here: {', '.join(sorted(unknown))}.", "لا يمكن تعديل هذه الحقول هنا.")
    data["services"][index].update(changes)
    try:
        return CentreFile.model_validate(data)
    except ValidationError as error:
        message = _describe("centre", error)
        raise BadInput(message, f"قيمة غير مقبولة: \u2066{message}\u2069", code="invalid_config") from None


def apply_edit(tx: Tx, config: CentreFile, base: str) -> dict[str, int]:
    """Apply an edited configuration now and keep it for the next start on the same file."""
    result = apply_config(tx, config)
    tx.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (EDITED_KEY, config.model_dump_json()))
    tx.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (BASE_KEY, base))
    return result


def start_config(db_path: str | Path, file_config: CentreFile) -> tuple[CentreFile, str]:
    """The configuration a hub starts with, and why: "file", "console" (edits kept) or
    "file-changed" (the file changed since the console's edits, which it replaces)."""
    path = Path(db_path)
    if not path.exists():
        return file_config, "file"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (EDITED_KEY, BASE_KEY)).fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return file_config, "file"
    if EDITED_KEY not in rows:
        return file_config, "file"
    if rows.get(BASE_KEY) != fingerprint(file_config):
        return file_config, "file-changed"
    try:
        edited = CentreFile.model_validate(json.loads(rows[EDITED_KEY]))
    except (ValidationError, ValueError):
        return file_config, "file-changed"
    return edited.model_copy(update={"hub": file_config.hub}), "console"


def forget_edits(tx: Tx) -> None:
    """The file changed since the console's edits: they are dropped (the file applies)."""
    tx.conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (EDITED_KEY, BASE_KEY))


def edit_base(tx_or_conn: Any, current: CentreFile) -> str:
    """The fingerprint of the file the running configuration comes from."""
    row = tx_or_conn.execute("SELECT value FROM meta WHERE key = ?", (BASE_KEY,)).fetchone()
    return row[0] if row else fingerprint(current)


def service_settings(config: CentreFile, code: str) -> dict[str, Any] | None:
    service = next((s for s in config.services if s.code == code), None)
    return None if service is None else {name: getattr(service, name) for name in SERVICE_FIELDS}


def edit_service(tx: Tx, code: str, changes: dict[str, Any]) -> dict[str, int]:
    """One service's settings changed now (on every device: `config.changed`) and kept."""
    current = tx.catalogue.config
    return apply_edit(tx, edited_service(current, code, changes), edit_base(tx.conn, current))


def as_toml(config: CentreFile) -> str:
    """The configuration as a centre file that `parse_config` reads back to the same thing."""
    import tomli_w

    return tomli_w.dumps(config.model_dump(mode="json", exclude_none=True))


def parse_import(raw: bytes, current: CentreFile) -> CentreFile:
    """An uploaded centre file, checked by the loader; the running `[hub]` settings stay."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise BadInput(f"The file is larger than {MAX_IMPORT_BYTES // 1024} KiB; is it a centre file?",
                       "الملف أكبر من المسموح؛ هل هو ملف إعداد المركز؟", code="invalid_config")
    logo = current.centre.logo
    try:
        config = parse_config(raw, "uploaded file", base_dir=Path(logo).parent if logo else None)
    except ConfigError as error:
        raise BadInput(str(error), f"لم يُقبل الملف: \u2066{error}\u2069", code="invalid_config") from None
    return config.model_copy(update={"hub": current.hub})


def import_config(tx: Tx, config: CentreFile) -> dict[str, int]:
    return apply_edit(tx, config, edit_base(tx.conn, tx.catalogue.config))


def service_index(config: CentreFile, code: str) -> int:
    index = next((i for i, s in enumerate(config.services) if s.code == code), None)
    if index is None:
        raise BadInput(f"No service with the code {code!r}.", "لا توجد خدمة بهذا الرمز.", code="unknown_service")
    return index


def service_snapshot(code: str) -> Callable[[Tx], dict[str, Any] | None]:
    """A service's whole settings as the file holds them (what the audit log shows before → after)."""

    def snapshot(tx: Tx) -> dict[str, Any] | None:
        service = next((s for s in tx.catalogue.config.services if s.code == code), None)
        return None if service is None else service.model_dump(mode="json", exclude_none=True)

    return snapshot


def with_service(config: CentreFile, code: str, values: dict[str, Any]) -> CentreFile:
    """`config` with the service `code` changed (its letter stays: tickets and history hang on it)."""
    index = service_index(config, code)
    values = {key: value for key, value in values.items() if key != "code"}
    return edited(config, lambda data: data["services"][index].update(values), ("services", index))


def with_new_service(config: CentreFile, values: dict[str, Any]) -> CentreFile:
    """`config` with a new service last in the list."""
    code = values.get("code")
    if any(s.code == code for s in config.services):
        raise refused("code", f"The letter {code} is already used by another service.",
                      f"الرمز \u2066{code}\u2069 مستخدم لخدمة أخرى.")
    index = len(config.services)
    return edited(config, lambda data: data["services"].append(dict(values)), ("services", index))


def save_service(tx: Tx, code: str, values: dict[str, Any]) -> dict[str, int]:
    current = tx.catalogue.config
    return apply_edit(tx, with_service(current, code, values), edit_base(tx.conn, current))


def add_service(tx: Tx, values: dict[str, Any]) -> dict[str, int]:
    current = tx.catalogue.config
    return apply_edit(tx, with_new_service(current, values), edit_base(tx.conn, current))


def apply_built(tx: Tx, build: Callable[[CentreFile], CentreFile]) -> dict[str, int]:
    """Apply `build(running configuration)` (one of the `with_…` below) now, and keep it."""
    current = tx.catalogue.config
    return apply_edit(tx, build(current), edit_base(tx.conn, current))


def with_centre(config: CentreFile, values: dict[str, Any]) -> CentreFile:
    """`config` with some `[centre]` keys changed: hours, special days, ticker and footer texts."""
    return edited(config, lambda data: data["centre"].update(values), ("centre",))


def with_special_day(config: CentreFile, special: dict[str, Any]) -> CentreFile:
    """`config` with one more special period (Ramadan hours, an Eid closure) for the whole centre."""
    index = len(config.centre.special_days)
    return edited(config, lambda data: data["centre"]["special_days"].append(special), ("centre", "special_days", index))


def without_special_day(config: CentreFile, index: int, name: str) -> CentreFile:
    days = config.centre.special_days
    if not 0 <= index < len(days) or days[index].name != name:
        raise BadInput("That special period is no longer in the list; reload the page.",
                       "هذه الفترة لم تعد في القائمة؛ أعد تحميل الصفحة.", code="unknown_special_days")
    return edited(config, lambda data: data["centre"]["special_days"].pop(index), ("centre",))


def with_counter(config: CentreFile, number: int, values: dict[str, Any]) -> CentreFile:
    index = next((i for i, c in enumerate(config.counters) if c.number == number), None)
    if index is None:
        raise BadInput(f"No counter numbered {number}.", f"لا يوجد شباك رقمه \u2066{number}\u2069.", code="unknown_counter")
    return edited(config, lambda data: data["counters"][index].update(values), ("counters", index))


def with_board(config: CentreFile, name: str, values: dict[str, Any]) -> CentreFile:
    if name not in config.boards:
        raise BadInput(f"No board named {name!r}.", "لا توجد شاشة بهذا الاسم.", code="unknown_board")
    return edited(config, lambda data: data["boards"][name].update(values), ("boards", name))


def centre_snapshot(*keys: str) -> Callable[[Tx], dict[str, Any]]:
    def snapshot(tx: Tx) -> dict[str, Any]:
        data = tx.catalogue.config.centre.model_dump(mode="json", by_alias=True)
        return {key: data[key] for key in keys}

    return snapshot


def counter_snapshot(number: int) -> Callable[[Tx], dict[str, Any] | None]:
    def snapshot(tx: Tx) -> dict[str, Any] | None:
        counter = next((c for c in tx.catalogue.config.counters if c.number == number), None)
        return None if counter is None else {"services": counter.services, "mode": str(counter.mode.value)}

    return snapshot


def board_snapshot(name: str) -> Callable[[Tx], dict[str, Any] | None]:
    def snapshot(tx: Tx) -> dict[str, Any] | None:
        board = tx.catalogue.config.boards.get(name)
        return None if board is None else {"counters": board.counters}

    return snapshot
