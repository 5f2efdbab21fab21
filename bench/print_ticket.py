"""Ticket rendering and encoding: p50/p99 time and bytes per ticket, 80 and 58 mm, both text paths.

    python bench/print_ticket.py [--rounds 200]

Targets: p99 render+encode under 100 ms; an 80 mm ticket under 40 KB. Each round uses a new
status address (a new QR code) and alternates the leading language, as real tickets do; the
centre's names and footer repeat and are drawn once (the layout caches paragraphs).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from printer import TicketPrint, encode_ticket, render_ticket  # noqa: E402
from printer.layout import raqm_available  # noqa: E402
from bench.figures import percentile  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    layouts = ["raqm", "basic"] if raqm_available() else ["basic"]
    base = TicketPrint.sample()
    cases = {
        "normal": base,
        "priority": dataclasses.replace(base, priority="elderly"),
        "long names": dataclasses.replace(base, service_name_ar="خدمة إصدار وتجديد وتعديل السجلات التجارية للمؤسسات الصغيرة والمتوسطة", service_name_en="Issuing, renewing and amending commercial registrations for small and medium enterprises"),
    }
    print(f"{'case':<12} {'width':>5} {'layout':<6} {'p50 ms':>7} {'p99 ms':>7} {'cpu p50':>7} {'cpu p99':>7} {'bytes':>7} {'raster only':>11}")
    worst_p99, worst_cpu_p99, worst_bytes_80 = 0.0, 0.0, 0
    for name, ticket in cases.items():
        for width in (576, 384):
            for layout in layouts:
                for language in ("ar", "en"):
                    render_ticket(dataclasses.replace(ticket, language=language), width, text_layout=layout)  # warm caches
                times, cpu = [], []
                for index in range(args.rounds):
                    sample = dataclasses.replace(
                        ticket, language="ar" if index % 2 == 0 else "en", ahead=index % 40, status_url=f"{ticket.status_url}{index}"
                    )
                    started, started_cpu = time.perf_counter(), time.thread_time()
                    data = encode_ticket(render_ticket(sample, width, text_layout=layout))
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.thread_time() - started_cpu) * 1000)
                image = render_ticket(ticket, width, text_layout=layout)
                size = len(encode_ticket(image))
                plain = len(encode_ticket(image, feed_blank_rows=False))
                p50, p99 = statistics.median(times), percentile(times, 0.99)
                cpu50, cpu99 = statistics.median(cpu), percentile(cpu, 0.99)
                worst_p99, worst_cpu_p99 = max(worst_p99, p99), max(worst_cpu_p99, cpu99)
                if width == 576:
                    worst_bytes_80 = max(worst_bytes_80, size)
                print(f"{name:<12} {width:>5} {layout:<6} {p50:7.1f} {p99:7.1f} {cpu50:7.1f} {cpu99:7.1f} {size:7d} {plain:11d}")
                del data
    print(
        f"\nworst p99 {worst_p99:.1f} ms wall, {worst_cpu_p99:.1f} ms CPU (target < 100); "
        f"largest 80 mm ticket {worst_bytes_80 / 1024:.1f} KiB (target < 40)"
    )
    print("wall time includes waiting for a CPU; on a busy machine compare the CPU columns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
