"""The dashboard's inline SVG charts: drawn by reports/svg.py, which the hub's console shares."""

from reports.svg import GOLD, GREEN, GRID, bars, lines

__all__ = ["GOLD", "GREEN", "GRID", "bars", "lines"]
