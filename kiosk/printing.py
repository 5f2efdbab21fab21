"""Printing an issued ticket through `printer/`, in a worker thread.

`print_issued` is what the worker runs: it never touches a widget and never raises; every
failure (the printer's, or a fault in the printing code) comes back as a `PrintResult`
that says the ticket was not printed and why, in both languages.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import platformdirs

from core.contract import Centre, Service, Ticket
from core.images import image_kind
from kiosk.settings import PRINTER_WIDTHS
from qt_common.i18n import Text, text_of

log = logging.getLogger(__name__)

__all__ = [
    "PRINTER_WIDTHS", "PRINT_TIMEOUT_S", "PrintResult", "PrinterCheck", "check_printer", "check_printer_uri",
    "needs_staff", "print_issued", "print_reference_slip", "state_name",
]
#: each step with the printer (connect, status, send, status) waits at most this long; a
#: printer that does not answer keeps the visitor waiting about 8 s, never more
PRINT_TIMEOUT_S = 1.0


@dataclass(frozen=True, slots=True)
class PrintResult:
    """What became of one ticket at the printer."""

    printed: bool
    state: str  # the printer's state after the attempt ("ready", "paper_out", … or "error")
    message: Text | None  # the printer's own words when something is wrong
    outcome: Any = None  # printer.output.PrintOutcome, when the printer package got that far
    image: Any = None  # the rendered ticket (PIL image), when asked for
    seconds: float = 0.0


#: printer states that need nobody: printed fine, or a connection that cannot tell (file://, cups://)
FINE_STATES = frozenset({"ready", "unknown", "none"})


def needs_staff(state: str) -> bool:
    """Someone should look at the printer ("paper_out", "cover_open", "silent", "paper_near_end"…)."""
    return state not in FINE_STATES


@dataclass(frozen=True, slots=True)
class PrinterCheck:
    """The printer asked for its status between tickets."""

    state: str
    message: Text | None
    detail: str = ""


def state_name(state: Any) -> str:
    """"paper_out" for PrinterState.PAPER_OUT whatever the enum's values are."""
    if isinstance(state, Enum):
        value = state.value
        return value.lower() if isinstance(value, str) else state.name.lower()
    return str(state).lower() if state is not None else "unknown"


def _state_message(state: Any, outcome: Any) -> Text | None:
    """The printer's condition in a few words ("The printer is out of paper"), else the outcome's sentence."""
    for source in (state, outcome):
        ar, en = getattr(source, "message_ar", None), getattr(source, "message_en", None)
        if isinstance(ar, str) and isinstance(en, str) and ar.strip() and en.strip():
            return Text(ar, en)
    return None


LOGO_MAX_BYTES = 1_000_000
LOGO_FRESH_SECONDS = 600.0
LOGO_RETRY_SECONDS = 30.0  # after a failure, so a missing logo never slows every ticket
_logo_lock = threading.Lock()
_logo_cache: dict[str, tuple[float, Path | None]] = {}


def logo_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("tabour", appauthor=False)) / "logos"


def fetch_logo(hub_url: str, logo_url: str | None, token: str | None, *, timeout: float = 2.0,
               folder: Path | None = None) -> Path | None:
    """A local copy of the centre's ticket logo (`centre.logo_url` on the hub), or None.

    Fetched at most every ten minutes; a hub that is slow, refuses, or sends something that is
    not a small image simply gives a ticket without a logo. Runs in the printing worker.
    """
    if not logo_url or not isinstance(logo_url, str) or not logo_url.startswith("/api/v1/") or ".." in logo_url:
        return None
    url = hub_url.rstrip("/") + logo_url
    key = hashlib.sha256(f"{url}\n{token}".encode()).hexdigest()
    now = time.monotonic()
    with _logo_lock:
        cached = _logo_cache.get(key)
        if cached is not None and now - cached[0] < (LOGO_FRESH_SECONDS if cached[1] else LOGO_RETRY_SECONDS):
            return cached[1]
    path: Path | None = None
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            data = answer.read(LOGO_MAX_BYTES + 1)
        if len(data) <= LOGO_MAX_BYTES and image_kind(data) is not None:
            target_dir = folder or logo_cache_dir()
            target_dir.mkdir(parents=True, exist_ok=True)
            path = target_dir / f"logo-{hashlib.sha256(url.encode()).hexdigest()[:16]}"
            temporary = path.with_suffix(".part")
            temporary.write_bytes(data)
            temporary.replace(path)
        else:
            log.warning("the hub's logo at %s is not a small image; printing without it", url)
    except (urllib.error.URLError, OSError, ValueError) as error:
        log.warning("cannot fetch the logo %s (%s); printing without it", url, error)
        with _logo_lock:  # keep an older copy if there was one, and try again later
            if cached is not None:
                return cached[1]
    with _logo_lock:
        _logo_cache[key] = (now, path)
    return path


PHONE_ADDRESS_FRESH_SECONDS = 600.0
_phone_cache: dict[str, tuple[float, str]] = {}


def phone_address(hub_url: str, *, timeout: float = 2.0) -> str:
    """The address a ticket's code sends phones to: the hub's --public-url, else `hub_url`.

    A kiosk on the hub's own PC reaches it as 127.0.0.1, which on a phone is the phone itself;
    the hub says in `GET /` where phones reach it. Asked at most every ten minutes; a hub that
    does not say (or does not answer) leaves the kiosk's own address on the ticket.
    """
    now = time.monotonic()
    with _logo_lock:
        cached = _phone_cache.get(hub_url)
        if cached is not None and now - cached[0] < PHONE_ADDRESS_FRESH_SECONDS:
            return cached[1]
    found = hub_url
    request = urllib.request.Request(hub_url.rstrip("/") + "/", headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            facts = json.loads(answer.read(64 * 1024))
        public = facts.get("phone_address") if isinstance(facts, dict) else None
        if isinstance(public, str) and public.startswith(("http://", "https://")) and len(public) <= 200:
            found = public.rstrip("/")
    except (urllib.error.URLError, OSError, ValueError) as error:
        log.info("the hub at %s does not say where phones reach it (%s); tickets carry %s", hub_url, error, hub_url)
    with _logo_lock:
        _phone_cache[hub_url] = (now, found)
    return found


def check_printer_uri(uri: str) -> Any:
    """The printer target for `uri`; a ValueError with the printer package's own message if it is wrong."""
    from printer.uri import parse_printer_uri

    return parse_printer_uri(uri)


def print_issued(
    printer: str | None,
    ticket: Ticket | Mapping[str, Any],
    *,
    service: Service | Mapping[str, Any] | None,
    centre: Centre | Mapping[str, Any] | None,
    hub_url: str | None,
    language: str = "ar",
    width: int | None = None,
    want_image: bool = False,
    logo_url: str | None = None,
    token: str | None = None,
) -> PrintResult:
    """Lay out and print one ticket the hub issued (run it in a worker, never on the GUI thread).

    The kiosk passes the contract's models as its state holds them; the hub's JSON (a mapping)
    is taken too, each field checked (printer/ticket.py's `from_hub`)."""
    started = time.perf_counter()
    image = None
    try:
        from printer.ticket import TicketPrint

        logo = fetch_logo(hub_url, logo_url, token) if hub_url and logo_url else None
        address = phone_address(hub_url) if hub_url else None
        if isinstance(ticket, Ticket):
            ticket_print = TicketPrint.from_models(
                ticket, service=service, centre=centre, hub_url=address, language=language, logo_path=logo,  # type: ignore[arg-type]
            )
        else:
            ticket_print = TicketPrint.from_hub(
                dict(ticket), service=dict(service or {}), centre=dict(centre or {}), hub_url=address,
                language=language, logo_path=logo,
            )
        if want_image:
            from printer.layout import render_ticket

            image = render_ticket(ticket_print, width or PRINTER_WIDTHS[0])
        if printer is None:
            return PrintResult(False, "none", None, None, image, time.perf_counter() - started)
        from printer.output import print_ticket

        outcome = print_ticket(printer, ticket_print, width=width, timeout=PRINT_TIMEOUT_S)
    except Exception as error:  # noqa: BLE001 — a fault in printing must never take the kiosk down
        log.exception("printing ticket %s failed", ticket.number if isinstance(ticket, Ticket) else ticket.get("number"))
        return PrintResult(
            False, "error", _fault_message(error), None, image, time.perf_counter() - started
        )
    return _result(outcome, image, started)


def _result(outcome: Any, image: Any, started: float) -> PrintResult:
    printed = bool(getattr(outcome, "printed", False))
    after = getattr(outcome, "state_after", None)
    state = after if after is not None else getattr(outcome, "state_before", None)
    message = None if printed and state_name(state) == "ready" else _state_message(state, outcome)
    return PrintResult(printed, state_name(state), message, outcome, image, time.perf_counter() - started)


def print_reference_slip(
    printer: str,
    reference: str,
    kind: str,
    *,
    centre: Mapping[str, Any],
    filed_at: str,
    language: str = "ar",
    width: int | None = None,
    hub_url: str | None = None,
) -> PrintResult:
    """Print the reference of a complaint, suggestion or thanks the hub filed (in a worker), with the
    QR code of its page where phones reach the hub; never raises."""
    from datetime import datetime

    started = time.perf_counter()
    try:
        from printer.output import print_drawing
        from printer.slip import ReferenceSlip, render_slip

        slip = ReferenceSlip(
            reference=reference, kind=kind, centre_name_ar=str(centre.get("name_ar") or ""),
            centre_name_en=str(centre.get("name_en") or ""), filed_at=datetime.fromisoformat(filed_at), language=language,
            follow_url=f"{phone_address(hub_url)}/f/{reference}" if hub_url else None,
        )
        outcome = print_drawing(printer, lambda dots: render_slip(slip, dots), width=width, timeout=PRINT_TIMEOUT_S)
    except Exception as error:  # noqa: BLE001 — a fault in printing must never take the kiosk down
        log.exception("printing the slip of %s failed", reference)
        return PrintResult(False, "error", _fault_message(error), None, None, time.perf_counter() - started)
    return _result(outcome, None, started)


def check_printer(printer: str) -> PrinterCheck:
    """Ask the printer how it is (run it in a worker); never raises, waits a few seconds at most."""
    try:
        from printer.status import check_status_reading

        reading = check_status_reading(printer, PRINT_TIMEOUT_S)
    except Exception as error:  # noqa: BLE001 — a fault here must not take the kiosk down
        log.exception("checking the printer %s failed", printer)
        return PrinterCheck("error", _fault_message(error), str(error))
    state = state_name(reading.state)
    return PrinterCheck(state, None if state == "ready" else _state_message(reading.state, None), reading.detail)


def _fault_message(error: Exception) -> Text:
    """The error's own bilingual message (a TicketDataError has one), else a generic one."""
    ar, en = getattr(error, "message_ar", None), getattr(error, "message_en", None)
    if isinstance(ar, str) and isinstance(en, str) and ar and en:
        return Text(ar, en)
    return text_of("kiosk.print_failed")
