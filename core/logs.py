"""`log_event`: one structured log line per notable event, shared by core and the hub.

`log_event(logger, "device.enrolled", device_id=4, name="kiosk-hall")` records the event name
and its fields on the log record; the hub's formatter (`hub/logs.py`) writes them as
`event=device.enrolled device_id=4 name=kiosk-hall` on one line. Standard library only, so the
store can log its own events (a full disk, a failed checkpoint) the same way. `SummarisedLog`
keeps a flood of refusals to a line a minute per client.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable
from typing import Any


def log_event(
    logger: logging.Logger, event: str, level: int = logging.INFO, *, exc_info: Any = None, **fields: Any
) -> None:
    """Log one structured event: `event` is a dotted name (`login.refused`), `fields` its facts.

    `exc_info` (an exception, or True inside an `except`) adds the traceback, on the same line.
    """
    if logger.isEnabledFor(level):
        logger.log(level, event, exc_info=exc_info, extra={"tabour_event": event, "tabour_fields": fields}, stacklevel=2)


class SummarisedLog:
    """At most one line per key (a client and why it was refused) a `seconds`, for refusals that
    come in floods: the next line after a quiet spell carries `more_since_last_line`, how many
    went unlogged meanwhile. A flood's refusals cost the hub a dict look-up each, not a log
    line, and the log keeps its other lines (docs/decisions/refusal-logs.md)."""

    def __init__(self, seconds: float = 60.0, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000) -> None:
        self.seconds = seconds
        self.clock = clock
        self.max_keys = max_keys
        self._lines: dict[Hashable, tuple[float, int]] = {}  # key: (when its last line was written, refusals since)

    def log(self, logger: logging.Logger, key: Hashable, event: str, level: int = logging.WARNING, **fields: Any) -> bool:
        """Log `event` with `fields` unless `key` had a line less than `seconds` ago; True if written."""
        now = self.clock()
        last = self._lines.get(key)
        if last is not None and now - last[0] < self.seconds:
            self._lines[key] = (last[0], last[1] + 1)
            return False
        if last is None and len(self._lines) >= self.max_keys:  # forget quiet keys rather than grow for ever
            self._lines = {k: line for k, line in self._lines.items() if now - line[0] < self.seconds}
        self._lines[key] = (now, 0)
        log_event(logger, event, level, **fields, more_since_last_line=last[1] if last is not None else 0)
        return True
