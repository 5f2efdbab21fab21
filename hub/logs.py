"""The hub's log: one line per event, `key=value` fields, readable by people and by `grep`.

Every notable thing the hub does (an enrollment, a refused code, a login, a lockout, a revoked
device, a printer out of paper, a full disk, an unexpected error) is logged with
`log_event(logger, "device.enrolled", device_id=4, name="kiosk-hall")`, which gives

    2026-11-24T09:15:02.123+03:00 level=INFO logger=tabour.hub.devices event=device.enrolled device_id=4 name=kiosk-hall

Values that hold spaces, quotes, `=` or control characters are written as JSON strings, so a
device name with a newline in it cannot forge a second line. Arabic stays readable (not
escaped). Lines from other libraries (uvicorn) and tracebacks go through the same formatter.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from core.logs import log_event

__all__ = [
    "KeyValueFormatter", "PrivateRotatingFileHandler", "configure_logging", "format_value", "log_device_status", "log_event",
]

# Rotation: ten files of 10 MiB keep months of a branch's normal log in 100 MiB of disk.
LOG_FILE_BYTES = 10 * 1024 * 1024
LOG_FILE_BACKUPS = 9
MAX_VALUE_CHARS = 2000


def _plain(text: str) -> bool:
    return bool(text) and all(ch.isprintable() and ch not in ' "=\\' for ch in text)


def format_value(value: Any) -> str:
    """A field's value as it appears after `key=`: bare when safe, else a JSON string."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
        except (TypeError, ValueError):
            value = str(value)
    if len(value) > MAX_VALUE_CHARS:
        value = value[:MAX_VALUE_CHARS] + "…"
    if _plain(value):
        return value
    # ensure_ascii=False keeps Arabic readable; json still escapes newlines and control characters.
    # Lone surrogates (from hostile bodies) cannot be written as UTF-8: replace them first.
    safe = value.encode("utf-8", "replace").decode("utf-8") if not value.isascii() else value
    return json.dumps(safe, ensure_ascii=False)


def _key(name: str) -> str:
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "_.-") else "_" for ch in str(name))
    return cleaned or "_"


class KeyValueFormatter(logging.Formatter):
    """`TIME level=… logger=… event=… k=v …`, one line per record whatever it holds."""

    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")
        parts = [at, f"level={record.levelname}", f"logger={_key(record.name)}"]
        event = getattr(record, "tabour_event", None)
        fields: dict[str, Any] = getattr(record, "tabour_fields", None) or {}
        if event is not None:
            parts.append(f"event={format_value(event)}")
        else:
            parts.append(f"msg={format_value(record.getMessage())}")
        for name, value in fields.items():
            parts.append(f"{_key(name)}={format_value(value)}")
        if record.exc_info:
            parts.append(f"exc={format_value(self.formatException(record.exc_info))}")
        return " ".join(parts)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Rotating log whose every file (the new one after each rotation too) is the owner's only:
    the log names devices, clerks and client addresses."""

    def _open(self):  # noqa: ANN202 — the standard library's own hook
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)


# Printer states (printer/states.py) that need a person: a WARNING, so they stand out in the log.
PRINTER_FINE = frozenset({"ready", "ok"})


def log_device_status(logger: logging.Logger, device_id: int | None, status: dict[str, Any]) -> None:
    """One line per status report; a printer that is not ready (out of paper, cover open,
    silent) is a WARNING."""
    printer = status.get("printer") if isinstance(status, dict) else None
    level = logging.WARNING if isinstance(printer, str) and printer not in PRINTER_FINE else logging.INFO
    log_event(logger, "device.status", level, device_id=device_id, printer=printer, status=status)


def configure_logging(
    level: str = "info", log_file: Path | None = None, *, max_bytes: int = LOG_FILE_BYTES, backups: int = LOG_FILE_BACKUPS
) -> logging.Handler | None:
    """The hub's logging: standard error always (journald and the Windows task take it), and
    `log_file` with rotation when given. Returns the file handler (None without a file)."""
    formatter = KeyValueFormatter()
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(formatter)
    root.addHandler(console)
    file_handler = None
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler = PrivateRotatingFileHandler(
            log_file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    root.setLevel(level.upper())
    # uvicorn keeps handlers of its own unless told otherwise; its lines go through ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
    return file_handler
