"""Printer addresses: one URI names the connection, e.g. `tcp://10.0.0.31:9100`.

Schemes (python-escpos connection classes behind them):

==========================================  =====================================
`tcp://HOST[:PORT]`                          Network (port 9100 by default)
`usb://VID:PID`                              Usb (hex ids, e.g. `usb://04b8:0202`)
`serial:///dev/ttyUSB0?baudrate=19200`       Serial (`serial://COM3` on Windows)
`cups://QUEUE`                               CupsPrinter (raw queue)
`win32://NAME`                               Win32Raw (Windows printer name)
`file:///path`                               File (a device node or a plain file)
`dummy://`                                   Dummy (keeps the bytes in memory)
==========================================  =====================================

Every scheme also takes `?profile=NAME` (a python-escpos printer profile such as `TM-T20II`)
and `?width=DOTS` (576 for 80 mm paper, 384 for 58 mm). A wrong URI raises `PrinterURIError`
saying, in English and Arabic, what is wrong with it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from core.errors import BilingualError

SCHEMES = ("tcp", "usb", "serial", "cups", "win32", "file", "dummy")
READ_BACK_SCHEMES = frozenset({"tcp", "usb", "serial"})
MAX_URI_LENGTH = 1024
DEFAULT_TCP_PORT = 9100
DEFAULT_BAUDRATE = 9600
BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
MIN_WIDTH, MAX_WIDTH = 128, 1024
_QUERY_KEYS = {
    "tcp": {"profile", "width"},
    "usb": {"profile", "width"},
    "serial": {"profile", "width", "baudrate"},
    "cups": {"profile", "width"},
    "win32": {"profile", "width"},
    "file": {"profile", "width"},
    "dummy": {"profile", "width"},
}
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_HEX_ID = re.compile(r"^(?:0x)?([0-9A-Fa-f]{1,4})$")
_QUEUE = re.compile(r"^[A-Za-z0-9_.\-]{1,127}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class PrinterURIError(BilingualError, ValueError):
    """A printer URI that cannot be used; the message says what is wrong and how it should look."""


@dataclass(frozen=True)
class PrinterTarget:
    """A parsed printer URI. Only the fields of its scheme are set."""

    scheme: str
    uri: str
    host: str | None = None
    port: int | None = None
    vendor_id: int | None = None
    product_id: int | None = None
    device: str | None = None
    baudrate: int | None = None
    queue: str | None = None
    name: str | None = None
    path: str | None = None
    profile: str | None = None
    width: int | None = None

    @property
    def can_read_status(self) -> bool:
        """True where the connection carries the printer's answers back (DLE EOT status)."""
        return self.scheme in READ_BACK_SCHEMES

    def __str__(self) -> str:
        return self.uri


def _fail(en: str, ar: str) -> PrinterURIError:
    return PrinterURIError(en, ar)


def _shown(text: str) -> str:
    """A safe, short quotation of user input for an error message."""
    text = _CONTROL.sub("?", text)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def parse_printer_uri(uri: str) -> PrinterTarget:
    """Parse and check a printer URI; raise `PrinterURIError` saying what is wrong."""
    if not isinstance(uri, str):
        raise _fail(f"the printer address must be text, not {type(uri).__name__}", "عنوان الطابعة يجب أن يكون نصاً")
    uri = uri.strip()
    if not uri:
        raise _fail(
            "the printer address is empty; give one like tcp://192.168.1.50:9100 or usb://04b8:0202",
            "عنوان الطابعة فارغ؛ اكتب عنواناً مثل tcp://192.168.1.50:9100 أو usb://04b8:0202",
        )
    if len(uri) > MAX_URI_LENGTH:
        raise _fail(
            f"the printer address is too long ({len(uri)} characters, at most {MAX_URI_LENGTH})",
            f"عنوان الطابعة طويل جداً (الحد الأقصى {MAX_URI_LENGTH} حرفاً)",
        )
    if _CONTROL.search(uri):
        raise _fail(
            f"the printer address {_shown(uri)} contains control characters",
            "عنوان الطابعة يحتوي على رموز تحكم غير مسموحة",
        )
    scheme, sep, rest = uri.partition("://")
    scheme_lower = scheme.lower()
    if not sep or scheme_lower not in SCHEMES:
        hint = ", ".join(f"{s}://" for s in SCHEMES)
        if not sep:
            raise _fail(
                f"the printer address {_shown(uri)} has no scheme; it must start with one of {hint}",
                f"عنوان الطابعة بلا نوع اتصال؛ يجب أن يبدأ بأحد: {hint}",
            )
        raise _fail(
            f"unknown printer connection {_shown(scheme)}; use one of {hint}",
            f"نوع اتصال الطابعة غير معروف؛ استخدم أحد: {hint}",
        )
    body, _, query_text = rest.partition("?")
    if "#" in query_text or "#" in body:
        raise _fail(f"the printer address {_shown(uri)} must not contain '#'", "عنوان الطابعة يجب ألا يحتوي على #")
    query = _parse_query(query_text, scheme_lower)
    common = {"scheme": scheme_lower, "uri": uri, "profile": query.get("profile"), "width": query.get("width")}
    parser = {
        "tcp": _tcp,
        "usb": _usb,
        "serial": _serial,
        "cups": _cups,
        "win32": _win32,
        "file": _file,
        "dummy": _dummy,
    }[scheme_lower]
    return parser(body, query, common)


def _parse_query(text: str, scheme: str) -> dict:
    values: dict = {}
    if not text:
        return values
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, max_num_fields=10)
    except ValueError:
        raise _fail(
            f"the options after '?' ({_shown(text)}) are not of the form key=value&key=value",
            "الخيارات بعد ? يجب أن تكون بالشكل key=value",
        ) from None
    allowed = _QUERY_KEYS[scheme]
    for key, value in pairs:
        if key not in allowed:
            raise _fail(
                f"unknown option {_shown(key)} for {scheme}://; allowed: {', '.join(sorted(allowed))}",
                f"خيار غير معروف لـ {scheme}://؛ المسموح: {', '.join(sorted(allowed))}",
            )
        if key in values:
            raise _fail(f"option {key!r} is given twice", f"الخيار {key} مكرر")
        if key == "width":
            values["width"] = _width(value)
        elif key == "baudrate":
            values["baudrate"] = _baudrate(value)
        elif key == "profile":
            values["profile"] = _profile(value)
    return values


def _width(value: str) -> int:
    if not value.isdigit() or not (MIN_WIDTH <= int(value) <= MAX_WIDTH) or int(value) % 8:
        raise _fail(
            f"width {_shown(value)} is not a printer width in dots; use 576 for 80 mm paper or 384 for 58 mm "
            f"(a multiple of 8 between {MIN_WIDTH} and {MAX_WIDTH})",
            "عرض الطابعة غير صالح؛ استخدم 576 لورق 80 مم أو 384 لورق 58 مم",
        )
    return int(value)


def _baudrate(value: str) -> int:
    if not value.isdigit() or int(value) not in BAUDRATES:
        raise _fail(
            f"baudrate {_shown(value)} is not one of {', '.join(map(str, BAUDRATES))}",
            f"سرعة المنفذ التسلسلي غير صالحة؛ استخدم إحدى: {', '.join(map(str, BAUDRATES))}",
        )
    return int(value)


def _profile(value: str) -> str:
    from escpos.capabilities import CAPABILITIES

    profiles = CAPABILITIES["profiles"]
    if value not in profiles:
        near = ", ".join(sorted(p for p in profiles if p.lower().startswith(value[:4].lower()))[:6]) or "TM-T20II, TM-T88V, POS-5890"
        raise _fail(
            f"unknown printer profile {_shown(value)}; python-escpos knows e.g. {near}",
            f"ملف تعريف الطابعة غير معروف؛ أمثلة معروفة: {near}",
        )
    return value


def _no_credentials(body: str, scheme: str) -> None:
    if "@" in body:
        raise _fail(
            f"{scheme}:// addresses take no user name or password ('@' found)",
            f"عناوين {scheme}:// لا تقبل اسم مستخدم أو كلمة مرور",
        )


def _tcp(body: str, query: dict, common: dict) -> PrinterTarget:
    _no_credentials(body, "tcp")
    hostport = body[:-1] if body.endswith("/") else body
    if "/" in hostport:
        raise _fail(
            f"tcp:// takes only a host and port, not a path ({_shown(body)}); e.g. tcp://192.168.1.50:9100",
            "عنوان tcp:// يأخذ المضيف والمنفذ فقط، مثل tcp://192.168.1.50:9100",
        )
    if hostport.startswith("["):
        host, bracket, port_text = hostport[1:].partition("]")
        if not bracket:
            raise _fail(f"unclosed '[' in IPv6 address {_shown(body)}", "عنوان IPv6 ينقصه ]")
        if port_text and not port_text.startswith(":"):
            raise _fail(f"unexpected text after the IPv6 address in {_shown(body)}", "نص غير متوقع بعد عنوان IPv6")
        port_text = port_text[1:] if port_text else ""
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise _fail(f"{_shown(host)} is not an IPv6 address", "عنوان IPv6 غير صالح") from None
    else:
        host, colon, port_text = hostport.rpartition(":")
        if not colon:
            host, port_text = hostport, ""
        elif not port_text:
            raise _fail(f"the port after ':' is missing in {_shown(body)}", "رقم المنفذ بعد : مفقود")
        if not host:
            raise _fail(
                "tcp:// needs the printer's host name or IP address, e.g. tcp://192.168.1.50:9100",
                "عنوان tcp:// يحتاج اسم المضيف أو عنوان IP للطابعة",
            )
        if ":" in host:
            raise _fail(f"write IPv6 addresses in brackets, e.g. tcp://[fe80::1]:9100 (got {_shown(host)})", "اكتب عنوان IPv6 بين قوسين []")
        if not _valid_host(host):
            raise _fail(f"{_shown(host)} is not a valid host name or IPv4 address", "اسم المضيف أو عنوان IPv4 غير صالح")
    port = DEFAULT_TCP_PORT
    if port_text:
        if not port_text.isdigit() or not (1 <= int(port_text) <= 65535):
            raise _fail(f"port {_shown(port_text)} is not a number from 1 to 65535", "رقم المنفذ يجب أن يكون بين 1 و65535")
        port = int(port_text)
    return PrinterTarget(host=host, port=port, **common)


def _valid_host(host: str) -> bool:
    if len(host) > 253:
        return False
    if re.fullmatch(r"[0-9.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    return all(_HOST_LABEL.match(label) for label in host.rstrip(".").split("."))


def _usb(body: str, query: dict, common: dict) -> PrinterTarget:
    text = body.rstrip("/")
    vid_text, colon, pid_text = text.partition(":")
    vid, pid = _HEX_ID.match(vid_text), _HEX_ID.match(pid_text)
    if not colon or not vid or not pid:
        raise _fail(
            f"usb:// takes the vendor and product id in hex, e.g. usb://04b8:0202 (got {_shown(body)})",
            "عنوان usb:// يأخذ رقم المصنّع ورقم المنتج بالنظام الست عشري، مثل usb://04b8:0202",
        )
    vendor_id, product_id = int(vid.group(1), 16), int(pid.group(1), 16)
    if vendor_id == 0 or product_id == 0:
        raise _fail("usb vendor and product ids cannot be 0000", "رقم المصنّع أو المنتج لا يمكن أن يكون صفراً")
    return PrinterTarget(vendor_id=vendor_id, product_id=product_id, **common)


def _serial(body: str, query: dict, common: dict) -> PrinterTarget:
    device = unquote(body)
    if re.fullmatch(r"/?COM[1-9][0-9]{0,2}", device, re.IGNORECASE):
        device = device.lstrip("/").upper()
    elif not device.startswith("/dev/") or ".." in device.split("/") or len(device) <= len("/dev/"):
        raise _fail(
            f"serial:// needs a serial device such as /dev/ttyUSB0 or COM3 (got {_shown(device)}); "
            "e.g. serial:///dev/ttyUSB0?baudrate=19200",
            "عنوان serial:// يحتاج منفذاً تسلسلياً مثل /dev/ttyUSB0 أو COM3",
        )
    return PrinterTarget(device=device, baudrate=query.get("baudrate", DEFAULT_BAUDRATE), **common)


def _cups(body: str, query: dict, common: dict) -> PrinterTarget:
    queue = unquote(body.rstrip("/"))
    if not _QUEUE.match(queue):
        raise _fail(
            f"cups:// needs a print queue name of letters, digits, '_', '-' or '.' (got {_shown(queue)}); e.g. cups://TM-T20",
            "عنوان cups:// يحتاج اسم طابور طباعة من حروف وأرقام، مثل cups://TM-T20",
        )
    return PrinterTarget(queue=queue, **common)


def _win32(body: str, query: dict, common: dict) -> PrinterTarget:
    name = unquote(body.rstrip("/")).strip()
    if not name or len(name) > 200 or any(ch in name for ch in '\\"*?<>|'):
        raise _fail(
            f"win32:// needs the Windows printer name as shown in Printers & scanners (got {_shown(name)}); "
            "e.g. win32://EPSON TM-T20II Receipt",
            "عنوان win32:// يحتاج اسم الطابعة كما يظهر في إعدادات ويندوز",
        )
    return PrinterTarget(name=name, **common)


def _file(body: str, query: dict, common: dict) -> PrinterTarget:
    if body.startswith("localhost/"):
        body = body[len("localhost") :]
    path = unquote(body)
    if re.match(r"^/[A-Za-z]:[/\\]", path):  # file:///C:/... on Windows
        path = path[1:]
    elif not path.startswith("/"):
        raise _fail(
            f"file:// needs an absolute path, e.g. file:///dev/usb/lp0 or file:///tmp/ticket.bin (got {_shown(path)})",
            "عنوان file:// يحتاج مساراً كاملاً، مثل file:///dev/usb/lp0",
        )
    if ".." in re.split(r"[/\\]", path) or path.rstrip("/\\") in ("", "/"):
        raise _fail(f"file:// path {_shown(path)} must name a file without '..'", "مسار الملف غير صالح")
    return PrinterTarget(path=path, **common)


def _dummy(body: str, query: dict, common: dict) -> PrinterTarget:
    if body.strip("/"):
        raise _fail(f"dummy:// takes nothing after it (got {_shown(body)})", "العنوان dummy:// لا يأخذ شيئاً بعده")
    return PrinterTarget(**common)
