"""Memory and CPU of running processes, read from ``/proc`` (psutil is not a dependency).

The kernel keeps each process's peak resident set (``VmHWM``), so one read just before a
process is stopped gives its true peak over the whole run, however short the spike was;
sampling ``VmRSS`` in a loop could miss it.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def parse_status_kb(status_text: str, field: str) -> int | None:
    """The value in kB of ``field`` (e.g. ``VmHWM``) in a ``/proc/<pid>/status`` text."""
    for line in status_text.splitlines():
        if line.startswith(f"{field}:"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1])
    return None


def _status(pid: int) -> str | None:
    try:
        return (PROC / str(pid) / "status").read_text()
    except OSError:
        return None


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (children, grandchildren...), found via ``/proc/*/stat``."""
    parents: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces; fields follow the last ')'.
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _summed_kb(pid: int, field: str) -> float | None:
    """``field`` (a /proc status line in kB) of ``pid`` plus its descendants; ``None`` if gone."""
    own = _status(pid)
    if own is None:
        return None
    total_kb = parse_status_kb(own, field) or 0
    for child in children(pid):
        text = _status(child)
        if text is not None:
            total_kb += parse_status_kb(text, field) or 0
    return round(total_kb / 1024, 1)


def peak_rss_mb(pid: int) -> float | None:
    """Peak RSS in MB of ``pid`` plus the peaks of its descendants; ``None`` if it is gone.

    Summing the descendants' peaks is an upper bound if they peaked at different moments.
    """
    return _summed_kb(pid, "VmHWM")


def rss_mb(pid: int) -> float | None:
    """Current RSS in MB of ``pid`` and its descendants; ``None`` if the process is gone."""
    return _summed_kb(pid, "VmRSS")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds used so far by ``pid`` (threads included, children not)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    # After the ')': state is field 0, utime field 11, stime field 12 (proc(5) 14 and 15).
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
