"""Open a python-escpos connection for a `PrinterTarget`, sorting failures into printer states."""

from __future__ import annotations

import copy
import socket
from typing import TYPE_CHECKING

from printer.states import PrinterState
from printer.uri import PrinterTarget

if TYPE_CHECKING:
    from escpos.escpos import Escpos


class ConnectionFailed(Exception):
    """The connection could not be opened; `state` says how (refused, unreachable, error)."""

    def __init__(self, state: PrinterState, detail: str) -> None:
        super().__init__(detail)
        self.state = state
        self.detail = detail


def _profile_kwargs(target: PrinterTarget) -> dict:
    return {"profile": target.profile} if target.profile else {}


def open_connection(target: PrinterTarget, timeout: float) -> "Escpos":
    """An open escpos printer object for `target`, or ConnectionFailed."""
    scheme = target.scheme
    if scheme == "tcp":
        from escpos.printer import Network

        try:
            sock = socket.create_connection((target.host, target.port), timeout=timeout)
        except ConnectionRefusedError as exc:
            raise ConnectionFailed(PrinterState.REFUSED, f"{target.host}:{target.port} refused the connection ({exc})") from None
        except (socket.timeout, TimeoutError):
            raise ConnectionFailed(PrinterState.UNREACHABLE, f"{target.host}:{target.port} did not answer within {timeout:g} s") from None
        except socket.gaierror as exc:
            raise ConnectionFailed(PrinterState.UNREACHABLE, f"host name {target.host!r} not found ({exc})") from None
        except OSError as exc:
            raise ConnectionFailed(PrinterState.UNREACHABLE, f"{target.host}:{target.port}: {exc}") from None
        sock.settimeout(timeout)
        conn = Network(target.host, target.port, timeout=timeout, **_profile_kwargs(target))
        conn.device = sock
        return conn
    if scheme == "usb":
        from escpos.printer import Usb

        _require(Usb.is_usable(), "usb:// needs the pyusb package and libusb (pip install pyusb)")
        conn = Usb(target.vendor_id, target.product_id, timeout=max(int(timeout * 1000), 1), **_profile_kwargs(target))
        return _open(conn, f"no USB printer {target.vendor_id:04x}:{target.product_id:04x} found or it is in use")
    if scheme == "serial":
        from escpos.printer import Serial

        _require(Serial.is_usable(), "serial:// needs the pyserial package (pip install pyserial)")
        conn = Serial(target.device, baudrate=target.baudrate, timeout=timeout, **_profile_kwargs(target))
        return _open(conn, f"cannot open serial port {target.device}")
    if scheme == "cups":
        from escpos.printer import CupsPrinter

        _require(CupsPrinter.is_usable(), "cups:// needs the pycups package and a CUPS server (pip install pycups)")
        conn = CupsPrinter(target.queue, **_profile_kwargs(target))
        return _open(conn, f"CUPS queue {target.queue!r} not found")
    if scheme == "win32":
        from escpos.printer import Win32Raw

        _require(Win32Raw.is_usable(), "win32:// works only on Windows with the pywin32 package")
        conn = Win32Raw(target.name, **_profile_kwargs(target))
        return _open(conn, f"Windows printer {target.name!r} not found")
    if scheme == "file":
        from escpos.printer import File

        conn = File(target.path, **_profile_kwargs(target))
        return _open(conn, f"cannot open {target.path} for writing")
    if scheme == "dummy":
        from escpos.printer import Dummy

        return Dummy(**_profile_kwargs(target))
    raise ValueError(f"unhandled printer scheme {scheme!r}")  # parse_printer_uri only makes the ones above


def _require(usable: bool, message: str) -> None:
    if not usable:
        raise ConnectionFailed(PrinterState.ERROR, message)


def _open(conn: "Escpos", message: str) -> "Escpos":
    try:
        conn.open()
    except ConnectionFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - each driver raises its own kind; all mean "not there"
        raise ConnectionFailed(PrinterState.UNREACHABLE, f"{message}: {str(exc).strip()[:300]}") from None
    return conn


def profile_width(name: str | None) -> int | None:
    """The dot width a python-escpos profile declares, if it declares one."""
    if not name:
        return None
    from escpos.capabilities import get_profile

    pixels = get_profile(name).profile_data.get("media", {}).get("width", {}).get("pixels")
    try:
        return int(pixels)
    except (TypeError, ValueError):
        return None


def private_profile_copy(conn: "Escpos") -> None:
    """Give `conn` its own copy of its profile data (python-escpos shares it between instances)."""
    conn.profile.profile_data = copy.deepcopy(conn.profile.profile_data)
