"""Printer status and whole-ticket time over each read-back connection: p50/p99 per exchange.

    python bench/printer_status.py [--rounds 30] [--timeout 2]

A status check asks DLE EOT 1 and 4 (and 2 when offline); a printer answers each with one
byte. Over a loopback TCP printer, a serial printer on a real pseudo-terminal and the USB path
(python-escpos's Usb with a stand-in device), the time should be a few milliseconds, far under
the timeout: a read that waited for more than the one byte would take the whole timeout per
question (serial printers never printed while it did). Target: p99 status check under 10 % of
the timeout on every connection.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import percentile  # noqa: E402
from printer import PrinterState, TicketPrint, print_ticket  # noqa: E402
from printer.status import check_status_reading  # noqa: E402
from tests.printer.fake_printer import FakePrinter  # noqa: E402
from tests.printer.fake_serial import SerialPrinter  # noqa: E402


def timed(call, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def usb_context():
    """python-escpos's Usb on a stand-in device (the one the tests use), or None without pyusb."""
    try:
        import usb.core
    except ImportError:
        return None
    from tests.printer.test_usb import FakeUsbDevice

    original = usb.core.find
    device = FakeUsbDevice("ready")

    class Plugged:
        uri = "usb://04b8:0202"

        def __enter__(self):
            usb.core.find = lambda **_: device
            return self

        def __exit__(self, *_):
            usb.core.find = original

    return Plugged()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    ticket = TicketPrint.sample()
    from printer.output import warm_up

    warm_up()
    contexts = [("tcp", FakePrinter("ready")), ("serial pty", SerialPrinter("ready"))]
    usb = usb_context()
    if usb is not None:
        contexts.append(("usb", usb))
    print(f"{'connection':<11} {'status p50 ms':>13} {'status p99 ms':>13} {'ticket p50 ms':>13} {'ticket p99 ms':>13}  (timeout {args.timeout:g} s)")
    worst_share = 0.0
    for name, context in contexts:
        with context as printer:
            def status() -> None:
                reading = check_status_reading(printer.uri, args.timeout)
                if reading.state is not PrinterState.READY:
                    raise SystemExit(f"{name}: {reading}")

            def whole_ticket() -> None:
                outcome = print_ticket(printer.uri, ticket, timeout=args.timeout)
                if not outcome.printed:
                    raise SystemExit(f"{name}: {outcome}")

            status()  # the first one loads python-escpos's profiles (about a second): not a status read
            status_times = timed(status, args.rounds)
            ticket_times = timed(whole_ticket, max(3, args.rounds // 5))
        p99 = percentile(status_times, 0.99)
        worst_share = max(worst_share, p99 / (args.timeout * 1000))
        print(f"{name:<11} {percentile(status_times, 0.5):>13.1f} {p99:>13.1f} "
              f"{percentile(ticket_times, 0.5):>13.1f} {percentile(ticket_times, 0.99):>13.1f}")
    print(f"worst status p99 = {worst_share:.1%} of the timeout (target under 10%)")
    return 0 if worst_share < 0.10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
