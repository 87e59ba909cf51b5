from __future__ import annotations

import os

from bench.procs import cpu_seconds, maps_mention, parse_status_kb, peak_rss_mb, rss_mb

STATUS = """Name:\tpython
VmPeak:\t 2000000 kB
VmHWM:\t  524288 kB
VmRSS:\t  262144 kB
"""


def test_parse_status_reads_kilobytes() -> None:
    assert parse_status_kb(STATUS, "VmHWM") == 524288
    assert parse_status_kb(STATUS, "VmRSS") == 262144
    assert parse_status_kb(STATUS, "VmSwap") is None


def test_this_process_has_a_peak_rss_and_cpu_time() -> None:
    pid = os.getpid()

    now = rss_mb(pid)
    peak = peak_rss_mb(pid)  # read second: the high-water mark can only have grown since
    assert peak is not None and now is not None and peak >= now > 0
    assert (cpu_seconds(pid) or 0) > 0


def test_a_missing_process_reads_as_none() -> None:
    assert peak_rss_mb(2**22 + 12345) is None
    assert cpu_seconds(2**22 + 12345) is None


def test_maps_mention_finds_a_library_this_process_has_mapped_and_not_one_it_has_not() -> None:
    assert maps_mention(os.getpid(), "libc")
    assert not maps_mention(os.getpid(), "libtensorflow-that-does-not-exist")
    assert not maps_mention(2**22 + 7, "libc")
