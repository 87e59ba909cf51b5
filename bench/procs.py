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


def _own_pss_kb(pid: int) -> int | None:
    try:
        rollup = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return None
    return parse_status_kb(rollup, "Pss")


def pss_mb(pid: int) -> float | None:
    """Memory in MB of ``pid`` and its descendants with shared pages counted once (PSS).

    Sanic workers are forked from the server's main process and share its pages until they
    write to them; summing each process's RSS counts those pages once per process, PSS splits
    them. For a single process PSS and RSS are nearly the same.
    """
    own = _own_pss_kb(pid)
    if own is None:
        return None
    total = own + sum(_own_pss_kb(child) or 0 for child in children(pid))
    return round(total / 1024, 1)


def _own_cpu_seconds(pid: int) -> float | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    # After the ')': state is field 0, utime field 11, stime field 12 (proc(5) 14 and 15).
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds used so far by ``pid`` and its live descendants.

    Descendants count because a Rasa server with several Sanic workers does its work in child
    processes (threads are included in each process's own figure).
    """
    own = _own_cpu_seconds(pid)
    if own is None:
        return None
    return own + sum(_own_cpu_seconds(child) or 0.0 for child in children(pid))


def _maps_mention(pid: int, needle: str) -> bool:
    try:
        with (PROC / str(pid) / "maps").open() as maps:
            return any(needle in line for line in maps)
    except OSError:
        return False


def maps_mention(pid: int, needle: str) -> bool:
    """Whether ``pid`` or a descendant has a file whose path contains ``needle`` mapped.

    ``maps_mention(pid, "libtensorflow")`` tells whether a Rasa server loaded TensorFlow: its
    shared libraries are mapped by the import and stay mapped (bot/rasa_ext/lean.py).
    """
    return any(_maps_mention(p, needle) for p in (pid, *children(pid)))
