"""What every benchmark here reports its timings with."""

from __future__ import annotations


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the ⌈fraction·n⌉-th smallest value (rounded to the nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time process `pid` has used so far (Linux /proc), or None elsewhere.

    Another process's load on the machine stretches wall-clock figures far more than it changes
    the CPU a hub spends per operation, so each benchmark prints this beside its wall figures."""
    import os
    from pathlib import Path

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
