"""Small inline SVG charts for web pages (the central's dashboard, the hub's console): drawn on the server, no script, no outside files.

Each chart carries a title and a description for screen readers, and the same figures are in
a table beside it. Right to left, the time axis runs from the right, as Arabic readers expect.
"""

from __future__ import annotations

from html import escape

GREEN = "#1f5c4a"
GOLD = "#8a6414"
GRID = "#d5dcd9"


def bars(values: list[tuple[str, float | None]], *, title: str, rtl: bool, unit: str = "", width: int = 640,
         height: int = 180) -> str:
    """A bar per label (e.g. hours of the day)."""
    top = max([v for _, v in values if v is not None] or [1]) or 1
    slot = width / max(1, len(values))
    parts = [_open(width, height + 24, title)]
    for index, (label, value) in enumerate(values):
        position = len(values) - 1 - index if rtl else index
        x = position * slot + slot * 0.15
        bar = 0 if value is None else value / top * (height - 16)
        parts.append(f'<rect x="{x:.1f}" y="{height - bar:.1f}" width="{slot * 0.7:.1f}" height="{bar:.1f}" fill="{GREEN}">'
                     f"<title>{escape(label)}: {escape(_text(value, unit))}</title></rect>")
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height + 16}" font-size="11" text-anchor="middle" fill="#333">'
                     f"{escape(label)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def lines(points: list[str], series: list[tuple[str, list[float | None], str, float | None]], *, title: str, rtl: bool,
          width: int = 640, height: int = 200) -> str:
    """One line per series over the same points; each series is scaled to its `top` (None: its own maximum)."""
    margin = 48
    parts = [_open(width, height + 28 + 18 * len(series), title)]
    step = (width - 2 * margin) / max(1, len(points) - 1)

    def x_of(index: int) -> float:
        return (width - margin - index * step) if rtl else (margin + index * step)

    for fraction in (0.25, 0.5, 0.75, 1.0):
        y = height - fraction * (height - 20)
        parts.append(f'<line x1="{margin}" x2="{width - margin}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
    for number, (label, values, colour, top) in enumerate(series):
        top = top or max([v for v in values if v is not None] or [1]) or 1
        coords = [(x_of(i), height - v / top * (height - 20)) for i, v in enumerate(values) if v is not None]
        if len(coords) > 1:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
                         f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in coords)}"/>')
        for x, y in coords:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        legend_x = (width - margin) if rtl else margin
        anchor = "end" if rtl else "start"
        parts.append(f'<text x="{legend_x}" y="{height + 38 + 18 * number}" font-size="12" fill="{colour}" text-anchor="{anchor}">'
                     f"■ {escape(label)}</text>")
    for index, label in enumerate(points):
        if len(points) <= 14 or index % max(1, len(points) // 12) == 0:
            parts.append(f'<text x="{x_of(index):.1f}" y="{height + 16}" font-size="10" text-anchor="middle" fill="#333">'
                         f"{escape(label)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>')


def _text(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:.1f}{unit}"
