"""Send a ticket to a printer: render, encode as ESC/POS raster, check status, send, check again.

`print_ticket` never raises for printer trouble and never blocks the caller for long: the whole
exchange runs in a worker thread that the caller waits for at most a few timeouts. What
happened comes back as a `PrintOutcome` with bilingual messages for the kiosk's screen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from printer.connection import ConnectionFailed, open_connection, private_profile_copy, profile_width
from printer.fonts import FontNotFoundError
from printer.layout import WIDTH_80MM, render_ticket
from printer.states import PrinterState, StatusReading
from printer.status import read_status
from printer.ticket import TicketPrint
from printer.uri import PrinterTarget, PrinterURIError, parse_printer_uri

ESC, GS = b"\x1b", b"\x1d"
INIT = ESC + b"@"
MIN_BLANK_RUN = 3  # blank runs shorter than this stay in the raster
DEFAULT_DPI = 203


@dataclass
class PrintOutcome:
    printed: bool
    state_before: PrinterState
    state_after: PrinterState | None
    message_ar: str
    message_en: str
    bytes_sent: int
    seconds: float
    detail: str = ""

    @property
    def visitor_should_note_number(self) -> bool:
        return not self.printed


def _dpi(width: int, profile: str | None) -> int:
    if profile:
        from escpos.capabilities import get_profile

        media = get_profile(profile).profile_data.get("media", {})
        try:
            return int(media["dpi"])
        except (KeyError, TypeError, ValueError):
            try:
                return round(int(media["width"]["pixels"]) / float(media["width"]["mm"]) * 25.4)
            except (KeyError, TypeError, ValueError, ZeroDivisionError):
                pass
    return DEFAULT_DPI


def encode_ticket(image: Image.Image, *, profile: str | None = None, feed_blank_rows: bool = True, cut: bool = True) -> bytes:
    """The ESC/POS bytes that print `image` and cut the paper.

    python-escpos writes the raster (GS v 0) and the cut (feed, GS V). Runs of blank rows are
    sent as paper feeds (ESC J n) instead of zero bytes, with the vertical motion unit set to one
    dot (GS P 0 dpi) so the gaps keep their height; this halves a ticket's bytes.
    """
    from escpos.printer import Dummy

    if image.mode != "1":
        raise ValueError(f"a ticket image must be black and white (mode '1'), not mode {image.mode!r}")
    if image.width % 8:
        raise ValueError(f"the image width ({image.width}) must be a multiple of 8 dots")
    printer = Dummy(**({"profile": profile} if profile else {}))
    private_profile_copy(printer)
    printer.profile.profile_data.setdefault("media", {}).setdefault("width", {})["pixels"] = image.width
    dpi = min(255, _dpi(image.width, profile))
    printer._raw(INIT)
    if feed_blank_rows:
        printer._raw(GS + b"P" + bytes((0, dpi)))
    for top, bottom, blank in _bands(image, MIN_BLANK_RUN if feed_blank_rows else None):
        if blank:
            remaining = bottom - top
            while remaining > 0:
                step = min(255, remaining)
                printer._raw(ESC + b"J" + bytes((step,)))
                remaining -= step
        else:
            printer.image(image.crop((0, top, image.width, bottom)), impl="bitImageRaster", fragment_height=960)
    if cut:
        printer.cut()
    return printer.output


def _bands(image: Image.Image, min_blank: int | None) -> list[tuple[int, int, bool]]:
    """Split rows into (top, bottom, blank) bands; blank bands are runs of at least `min_blank` rows."""
    if min_blank is None:
        return [(0, image.height, False)]
    width_bytes = image.width // 8
    raw = image.tobytes()  # mode "1": 1 = white, rows padded to bytes
    white = b"\xff" * width_bytes
    blank_rows = [raw[y * width_bytes : (y + 1) * width_bytes] == white for y in range(image.height)]
    bands: list[tuple[int, int, bool]] = []
    start = 0
    y = 0
    while y < image.height:
        if blank_rows[y]:
            end = y
            while end < image.height and blank_rows[end]:
                end += 1
            if end - y >= min_blank:
                if y > start:
                    bands.append((start, y, False))
                bands.append((y, end, True))
                start = end
            y = end
        else:
            y += 1
    if start < image.height:
        bands.append((start, image.height, False))
    return bands


def warm_up(width: int = WIDTH_80MM) -> None:
    """Load python-escpos (its profile data takes about a second to read), the fonts and the
    layout caches, so the first visitor's ticket is as quick as the others. Call it once at
    start-up, off the UI thread."""
    encode_ticket(render_ticket(TicketPrint.sample(), width))


def resolve_width(target: PrinterTarget, width: int | None) -> int:
    """The dot width to draw at: the caller's, else the URI's `width=`, else the profile's, else 576."""
    return width or target.width or profile_width(target.profile) or WIDTH_80MM


def _message(state: PrinterState, printed: bool) -> tuple[str, str]:
    if printed and state in (PrinterState.READY, PrinterState.UNKNOWN):
        return "تمت طباعة التذكرة", "The ticket was printed"
    if printed:
        return f"تمت طباعة التذكرة. {state.message_ar}", f"The ticket was printed. {state.message_en}"
    return (
        f"تعذّرت طباعة التذكرة: {state.message_ar}. يرجى تدوين رقمك من الشاشة",
        f"The ticket could not be printed: {state.message_en}. Please note your number from the screen",
    )


def _transact(target: PrinterTarget, data: bytes, timeout: float, result: dict) -> None:
    """Open, check, send, check again; fills `result` as it goes (the caller may stop waiting)."""
    try:
        conn = open_connection(target, timeout)
    except ConnectionFailed as exc:
        result["before"] = StatusReading(exc.state, exc.detail)
        return
    try:
        before = read_status(conn, timeout) if target.can_read_status else StatusReading(PrinterState.UNKNOWN)
        result["before"] = before
        if not before.state.ok_to_print:
            return
        try:
            _set_write_timeout(conn, max(timeout * 4, 5.0))
            conn._raw(data)
            if hasattr(conn, "flush"):
                conn.flush()
        except Exception as exc:  # noqa: BLE001 - any driver failure while sending
            result["send_error"] = f"{type(exc).__name__}: {exc}"
            return
        result["sent"] = len(data)
        result["after"] = read_status(conn, timeout) if target.can_read_status else StatusReading(PrinterState.UNKNOWN)
    finally:
        try:
            conn.close()
        except Exception:  # noqa: BLE001
            pass


def _set_write_timeout(conn, seconds: float) -> None:
    import socket

    from escpos.printer import Usb

    device = conn._device
    if isinstance(conn, Usb):
        conn.timeout = max(1, round(seconds * 1000))  # python-escpos passes it to every bulk write, in ms
    elif isinstance(device, socket.socket):
        device.settimeout(seconds)
    elif hasattr(device, "write_timeout"):
        try:
            device.write_timeout = seconds
        except Exception:  # noqa: BLE001
            pass


def print_ticket(printer: str | PrinterTarget, ticket: TicketPrint, *, width: int | None = None, timeout: float = 2.0, text_layout: str = "auto") -> PrintOutcome:
    """Print `ticket` on `printer` (a URI or a parsed target); never raises for printer trouble.

    Waits at most about 7 × `timeout` (connect, status, send, status); a printer that takes
    longer is reported as not answering and the exchange is left to finish in the background.
    """
    return print_drawing(printer, lambda dots: render_ticket(ticket, dots, text_layout=text_layout), width=width, timeout=timeout)


def print_drawing(printer: str | PrinterTarget, draw: Callable[[int], Image.Image], *, width: int | None = None, timeout: float = 2.0) -> PrintOutcome:
    """Print what `draw(width_in_dots)` draws (a ticket, a feedback slip) as `print_ticket` does:
    status before, raster and cut, status after; never raises for printer trouble."""
    started = time.monotonic()

    def outcome(printed: bool, before: PrinterState, after: PrinterState | None, sent: int = 0, detail: str = "", shown: PrinterState | None = None) -> PrintOutcome:
        ar, en = _message(shown or after or before, printed)
        return PrintOutcome(printed, before, after, ar, en, sent, time.monotonic() - started, detail)

    try:
        target = parse_printer_uri(printer) if isinstance(printer, str) else printer
    except PrinterURIError as exc:
        return outcome(False, PrinterState.MISCONFIGURED, None, detail=str(exc))
    try:
        image = draw(resolve_width(target, width))
    except FontNotFoundError as exc:
        return outcome(False, PrinterState.ERROR, None, detail=str(exc))
    data = encode_ticket(image, profile=target.profile)
    detail = "; ".join(image.info.get("warnings", []))

    result: dict = {}
    worker = threading.Thread(target=_transact, args=(target, data, timeout, result), name="ticket-printer", daemon=True)
    worker.start()
    worker.join(timeout * 7 + 1)
    before: StatusReading | None = result.get("before")
    if worker.is_alive() or before is None:
        state = before.state if before else PrinterState.SILENT
        return outcome(False, state if before else PrinterState.SILENT, None, detail=f"no reply within {timeout * 7 + 1:g} s; {detail}".strip("; "), shown=PrinterState.SILENT)
    if not before.state.ok_to_print:
        return outcome(False, before.state, None, detail=before.detail)
    if "send_error" in result:
        return outcome(False, before.state, PrinterState.UNREACHABLE, detail=result["send_error"])
    after: StatusReading = result["after"]
    # Paper or cover trouble right after sending means the ticket may be cut short.
    printed = after.state.ok_to_print
    return outcome(printed, before.state, after.state, result.get("sent", 0), "; ".join(filter(None, [after.detail, detail])), shown=after.state)
