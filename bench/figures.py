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
    return _cpu_seconds(f"/proc/{pid}/stat")


def main_thread_cpu_seconds(pid: int) -> float | None:
    """What `process_cpu_seconds` gives, for the process's main thread alone (the hub's event
    loop: HTTP, WebSockets, the handlers); the rest is the writer's and the readers' threads."""
    return _cpu_seconds(f"/proc/{pid}/task/{pid}/stat")


def _cpu_seconds(stat_file: str) -> float | None:
    import os
    from pathlib import Path

    try:
        fields = Path(stat_file).read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float | None:
    """CPU seconds all the machine's cores have spent busy so far, whoever ran (Linux /proc/stat),
    or None elsewhere: over a run, the busy time against the cores × seconds on offer shows
    whether the processes measured had to share the machine."""
    import os
    from pathlib import Path

    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and waiting for the disk
    busy = sum(fields[:8]) - idle  # user, nice, system, irq, softirq, steal (guest time is inside user)
    return busy / os.sysconf("SC_CLK_TCK")
