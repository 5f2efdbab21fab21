"""Estimated wait: people ahead × recent average service time ÷ open counters serving it."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean


def recent_average_service_seconds(recent_durations: Sequence[float], default_seconds: float) -> float:
    """Mean of the recent service durations, or the service's configured default with no history.

    Durations under a few seconds are clerk mistakes (a finish pressed right after start)
    and would make the estimate promise the impossible, so they are left out.
    """
    plausible = [d for d in recent_durations if d >= 5]
    return fmean(plausible) if plausible else float(default_seconds)


def estimate_wait_seconds(ahead: int, average_service_seconds: float, open_counters: int) -> int | None:
    """Seconds until a visitor with `ahead` people before them is called; None when no counter serves."""
    if ahead < 0:
        raise ValueError("ahead cannot be negative")
    if open_counters <= 0:
        return None
    return int(round(ahead * average_service_seconds / open_counters))
