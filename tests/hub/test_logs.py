"""The hub's log: one key=value line per event, safe against hostile values, rotated, and live."""

from __future__ import annotations

import logging
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from hub.logs import KeyValueFormatter, configure_logging, format_value, log_device_status, log_event
from tests.support import LiveHub, bearer


def fields_of(line: str) -> dict[str, str]:
    """Parse `TIME k=v k="v w" …` (the JSON-quoted values are also valid shell words)."""
    words = shlex.split(line.split(" ", 1)[1])
    return dict(word.split("=", 1) for word in words)


@contextmanager
def kept_records(name: str) -> Iterator[tuple[logging.Logger, list[logging.LogRecord]]]:
    """A logger of its own, and the records it is given while the block runs."""
    captured: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, item: logging.LogRecord) -> None:
            captured.append(item)

    logger = logging.getLogger(name)
    logger.propagate = False
    handler = Keep()
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield logger, captured
    finally:
        logger.removeHandler(handler)


def record(event: str, level: int = logging.INFO, **fields) -> logging.LogRecord:
    with kept_records("tabour.test.logs") as (logger, captured):
        log_event(logger, event, level, **fields)
    return captured[0]


def test_an_event_is_one_line_of_key_value_fields():
    """log_event writes the event name and each field as key=value on one line."""
    line = KeyValueFormatter().format(record("device.enrolled", device_id=4, name="kiosk-hall", ok=True, gone=None))
    assert "\n" not in line
    assert fields_of(line) == {
        "level": "INFO", "logger": "tabour.test.logs", "event": "device.enrolled", "device_id": "4",
        "name": "kiosk-hall", "ok": "true", "gone": "null",
    }


@pytest.mark.parametrize(
    "hostile",
    ["evil\nlevel=ERROR event=forged", 'quote" here', "a=b c", "تجربة الكشك", "\x00\x1b[31m", "lone \udc80 surrogate", "x" * 5000],
)
def test_a_hostile_value_cannot_forge_or_break_a_line(hostile: str):
    """Newlines, quotes, '=', control characters, lone surrogates and huge values stay inside one field."""
    line = KeyValueFormatter().format(record("device.renamed", name=hostile, **{"bad key=x": 1}))
    line.encode("utf-8")  # writable to a UTF-8 file
    assert "\n" not in line and "\x1b" not in line
    parsed = fields_of(line)
    assert parsed["event"] == "device.renamed" and parsed["level"] == "INFO"
    assert "bad_key_x" in parsed
    if hostile.isprintable() and "\udc80" not in hostile and len(hostile) < 100:
        assert parsed["name"] == hostile


def test_arabic_stays_readable():
    """Arabic text is written as itself, not as \\u escapes."""
    assert format_value("الشباك 3") == '"الشباك 3"'


def test_a_traceback_stays_on_the_same_line():
    """An error's traceback is one quoted field of its line."""
    try:
        raise ValueError("boom")
    except ValueError as error:
        item = record("http.error", logging.ERROR, path="/x", exc_info=error)
    line = KeyValueFormatter().format(item)
    assert "\n" not in line and "ValueError: boom" in fields_of(line)["exc"]


def test_a_printer_out_of_paper_is_a_warning():
    """A status report of a printer out of paper is logged as WARNING; a ready printer as INFO."""
    levels = []

    class Keep(logging.Handler):
        def emit(self, item: logging.LogRecord) -> None:
            levels.append((item.levelname, item.tabour_fields["printer"]))

    logger = logging.getLogger("tabour.test.status")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = Keep()
    logger.addHandler(handler)
    try:
        log_device_status(logger, 3, {"printer": "paper_out"})
        log_device_status(logger, 3, {"printer": "ready"})
        log_device_status(logger, 3, {"printer": "cover_open"})
    finally:
        logger.removeHandler(handler)
    assert levels == [("WARNING", "paper_out"), ("INFO", "ready"), ("WARNING", "cover_open")]


def test_the_log_file_rotates_and_keeps_its_backups(tmp_path: Path):
    """--log-file rotates at its size limit, keeps a fixed number of old files, all owner-only."""
    path = tmp_path / "logs" / "hub.log"
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        handler = configure_logging("info", path, max_bytes=2000, backups=2)
        logger = logging.getLogger("tabour.test.rotate")
        for index in range(200):
            log_event(logger, "ticket.issued", number=f"A-{index:03d}")
        handler.flush()
    finally:
        for item in list(root.handlers):
            root.removeHandler(item)
            if item not in saved[0]:
                item.close()
        for item in saved[0]:
            root.addHandler(item)
        root.setLevel(saved[1])
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["hub.log", "hub.log.1", "hub.log.2"]
    assert all(p.stat().st_size <= 2200 for p in path.parent.iterdir())
    assert "number=A-199" in path.read_text(encoding="utf-8")
    assert all((p.stat().st_mode & 0o077) == 0 for p in path.parent.iterdir())


def test_a_live_hub_logs_its_start_and_a_printer_warning_to_its_file(tmp_path: Path):
    """The hub subprocess with --log-file writes hub.started and a WARNING for a printer out of paper."""
    log_file = tmp_path / "hub-file.log"
    hub = LiveHub(tmp_path / "hub", extra_args=["--log-level", "info", "--log-file", str(log_file)]).start()
    try:
        kiosk = hub.enroll("kiosk", "kiosk-hall")
        answer = httpx.post(
            f"{hub.url}/api/v1/devices/status", json={"status": {"printer": "paper_out"}}, headers=bearer(kiosk), timeout=10
        )
        assert answer.status_code == 204
    finally:
        hub.stop()
    lines = [fields_of(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    events = {(line.get("event"), line["level"]) for line in lines}
    assert ("hub.started", "INFO") in events and ("hub.stopped", "INFO") in events
    assert ("device.status", "WARNING") in events
    status = next(line for line in lines if line.get("event") == "device.status")
    assert status["printer"] == "paper_out"


def test_a_flood_of_refusals_is_one_line_a_minute_per_client_with_the_count():
    """The first refusal from a client is logged; the next ones within the minute are only
    counted, and the next line says how many there were; another client has its own line."""
    from core.logs import SummarisedLog

    now = [1000.0]
    summary = SummarisedLog(seconds=60, clock=lambda: now[0])
    with kept_records("tabour.test.refusals") as (logger, captured):
        written = [summary.log(logger, ("10.0.0.9", "head_too_slow"), "http.refused", reason="head_too_slow", client="10.0.0.9")]
        for _ in range(41):
            now[0] += 1
            written.append(summary.log(logger, ("10.0.0.9", "head_too_slow"), "http.refused", reason="head_too_slow", client="10.0.0.9"))
        summary.log(logger, ("10.0.0.7", "head_too_slow"), "http.refused", reason="head_too_slow", client="10.0.0.7")
        now[0] += 60
        summary.log(logger, ("10.0.0.9", "head_too_slow"), "http.refused", reason="head_too_slow", client="10.0.0.9")
    assert written == [True] + [False] * 41
    lines = [fields_of(KeyValueFormatter().format(item)) for item in captured]
    assert [(line["client"], line["more_since_last_line"]) for line in lines] == [("10.0.0.9", "0"), ("10.0.0.7", "0"), ("10.0.0.9", "41")]
    assert {line["event"] for line in lines} == {"http.refused"} and {line["level"] for line in lines} == {"WARNING"}
