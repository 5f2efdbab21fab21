"""Printer URIs: every scheme parses; wrong, empty, huge and hostile ones are refused clearly."""

from __future__ import annotations

import pytest

from printer.uri import PrinterURIError, parse_printer_uri


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("tcp://192.168.1.50:9100", {"scheme": "tcp", "host": "192.168.1.50", "port": 9100}),
        ("tcp://printer-1.hall.local", {"host": "printer-1.hall.local", "port": 9100}),
        ("TCP://10.0.0.7:9101/", {"scheme": "tcp", "port": 9101}),
        ("tcp://[fe80::1]:9100", {"host": "fe80::1", "port": 9100}),
        ("usb://04b8:0202", {"vendor_id": 0x04B8, "product_id": 0x0202}),
        ("usb://0x0416:0x5011?profile=TM-T20II", {"vendor_id": 0x0416, "product_id": 0x5011, "profile": "TM-T20II"}),
        ("serial:///dev/ttyUSB0?baudrate=19200", {"device": "/dev/ttyUSB0", "baudrate": 19200}),
        ("serial://COM3", {"device": "COM3", "baudrate": 9600}),
        ("cups://TM-T20", {"queue": "TM-T20"}),
        ("win32://EPSON TM-T20II Receipt", {"name": "EPSON TM-T20II Receipt"}),
        ("win32://EPSON%20TM-T88V", {"name": "EPSON TM-T88V"}),
        ("file:///dev/usb/lp0", {"path": "/dev/usb/lp0"}),
        ("file:///C:/tickets/out.bin", {"path": "C:/tickets/out.bin"}),
        ("dummy://", {"scheme": "dummy"}),
        ("dummy://?width=384", {"width": 384}),
        ("tcp://10.0.0.7?profile=POS-5890&width=384", {"profile": "POS-5890", "width": 384}),
    ],
)
def test_good_uris_parse(uri: str, expected: dict) -> None:
    """Each supported scheme yields a target with the fields of its connection."""
    target = parse_printer_uri(uri)
    for key, value in expected.items():
        assert getattr(target, key) == value, key


def test_read_back_schemes() -> None:
    """Only tcp, usb and serial can read the printer's status back."""
    assert parse_printer_uri("tcp://h").can_read_status
    assert parse_printer_uri("usb://1:2").can_read_status
    assert parse_printer_uri("serial:///dev/ttyS0").can_read_status
    for uri in ("cups://q", "win32://P", "file:///tmp/x", "dummy://"):
        assert not parse_printer_uri(uri).can_read_status


@pytest.mark.parametrize(
    ("uri", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("192.168.1.50:9100", "no scheme"),
        ("http://printer:9100", "unknown printer connection"),
        ("javascript:alert(1)", "no scheme"),
        ("tcp://", "host"),
        ("tcp://:9100", "host"),
        ("tcp://host:", "port"),
        ("tcp://host:99999", "65535"),
        ("tcp://host:0", "65535"),
        ("tcp://host:-1", "port"),
        ("tcp://host:abc", "port"),
        ("tcp://host:9100/../../etc/passwd", "path"),
        ("tcp://user:secret@host:9100", "password"),
        ("tcp://bad_host!:9100", "not a valid host"),
        ("tcp://999.1.1.1", "not a valid host"),
        ("tcp://fe80::1", "brackets"),
        ("tcp://[nonsense]:9100", "IPv6"),
        ("tcp://host;rm -rf /", "not a valid host"),
        ("usb://", "vendor"),
        ("usb://04b8", "vendor"),
        ("usb://zzzz:0202", "hex"),
        ("usb://12345:1", "hex"),
        ("usb://0000:0000", "0000"),
        ("serial://", "serial device"),
        ("serial://ttyUSB0", "serial device"),
        ("serial:///dev/../etc/passwd", "serial device"),
        ("serial:///dev/ttyUSB0?baudrate=12345", "baudrate"),
        ("serial:///dev/ttyUSB0?baud=9600", "unknown option"),
        ("cups://", "queue"),
        ("cups://my queue", "queue"),
        ("cups://../../x", "queue"),
        ("win32://", "Windows printer name"),
        ("win32://a|b", "Windows printer name"),
        ("file://relative/path", "absolute path"),
        ("file:///tmp/../etc/passwd", ".."),
        ("file:///", "must name a file"),
        ("dummy://something", "nothing after"),
        ("tcp://host?width=500", "width"),
        ("tcp://host?width=99999999999999999999", "width"),
        ("tcp://host?profile=NoSuchPrinter", "unknown printer profile"),
        ("tcp://host?width=576&width=384", "twice"),
        ("tcp://host?=&&", "key=value"),
        ("tcp://host#frag", "#"),
        ("tcp://host\x00:9100", "control characters"),
        ("tcp://host\n:9100", "control characters"),
        ("tcp://\u202ehost:9100", "control characters"),
        ("tcp://" + "a" * 5000, "too long"),
        ("tcp://" + "a." * 200 + "com", "not a valid host"),
        ("tcp://مطبعة:9100", "not a valid host"),
    ],
)
def test_bad_uris_say_what_is_wrong(uri: str, words: str) -> None:
    """A wrong URI raises PrinterURIError naming the fault, in English and in Arabic."""
    with pytest.raises(PrinterURIError) as caught:
        parse_printer_uri(uri)
    assert words.lower() in str(caught.value).lower()
    assert any("\u0600" <= ch <= "\u06ff" for ch in caught.value.message_ar)
    assert len(str(caught.value)) < 400  # a huge input is never echoed back whole


def test_non_text_uri_is_refused() -> None:
    """A URI that is not a string (None, bytes, a number) gets a clear error, not a crash."""
    for value in (None, b"tcp://h", 9100):
        with pytest.raises(PrinterURIError, match="must be text"):
            parse_printer_uri(value)  # type: ignore[arg-type]


def test_printer_uri_error_is_a_value_error() -> None:
    """Callers that catch ValueError also catch bad printer URIs."""
    assert issubclass(PrinterURIError, ValueError)
