"""`log_event`: one structured log line per notable event, shared by core and the hub.

`log_event(logger, "device.enrolled", device_id=4, name="kiosk-hall")` records the event name
and its fields on the log record; the hub's formatter (`hub/logs.py`) writes them as
`event=device.enrolled device_id=4 name=kiosk-hall` on one line. Standard library only, so the
store can log its own events (a full disk, a failed checkpoint) the same way.
"""

from __future__ import annotations

import logging
from typing import Any


def log_event(
    logger: logging.Logger, event: str, level: int = logging.INFO, *, exc_info: Any = None, **fields: Any
) -> None:
    """Log one structured event: `event` is a dotted name (`login.refused`), `fields` its facts.

    `exc_info` (an exception, or True inside an `except`) adds the traceback, on the same line.
    """
    if logger.isEnabledFor(level):
        logger.log(level, event, exc_info=exc_info, extra={"tabour_event": event, "tabour_fields": fields}, stacklevel=2)
