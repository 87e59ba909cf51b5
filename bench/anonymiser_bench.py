"""Time the anonymiser per message and per 1,000 messages, and Presidio on the same texts.

The texts are the anonymisation dev and blind sets (fictional practitioner reflections with
identifiers). "Typical" means up to 300 characters, the length of most chat messages; the
per-1,000 figure cycles through every text, long ones included, and is what a busy hour costs.
Presidio runs in its own venv through ``bench/presidio_compare.py`` (its ``analyze +
anonymize`` on the dev set); the comparison uses our median on exactly the same dev-set texts.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.stats import percentile
from bot.settings.config import PROJECT_ROOT

DEVSET = PROJECT_ROOT / "tests" / "data" / "anonymisation_dev.txt"
BLIND = PROJECT_ROOT / "tests" / "data" / "anonymisation_heldout.txt"
TYPICAL_CHARS = 300


def _texts(*paths: Path) -> list[str]:
    from bench.evaluate_anonymiser import load_devset

    return [example.text for path in paths for example in load_devset(path)]


def per_message_ms(texts: Sequence[str], fn: Callable[[str], object], repeat: int) -> list[float]:
    """Milliseconds per call of ``fn`` on each text, ``repeat`` passes after one warm pass."""
    for text in texts:
        fn(text)  # word lists, compiled patterns and phonenumbers metadata load on first use
    times: list[float] = []
    for _ in range(repeat):
        for text in texts:
            started = time.perf_counter()
            fn(text)
            times.append((time.perf_counter() - started) * 1000)
    return times


def per_thousand_s(texts: Sequence[str], fn: Callable[[str], object], runs: int) -> float:
    """Median seconds to anonymise 1,000 messages drawn in turn from ``texts``."""
    batch = list(itertools.islice(itertools.cycle(texts), 1000))
    results = []
    for _ in range(runs):
        started = time.perf_counter()
        for text in batch:
            fn(text)
        results.append(time.perf_counter() - started)
    return statistics.median(results)


def run(*, repeat: int = 20, presidio: bool = True) -> dict[str, Any]:
    """Our timings, and Presidio's where its venv can be built (else the reason it could not)."""
    from bot.anonymise import anonymise

    texts = _texts(DEVSET, BLIND)
    typical = [t for t in texts if len(t) <= TYPICAL_CHARS]
    typical_ms = per_message_ms(typical, anonymise, repeat)
    dev_ms = per_message_ms(_texts(DEVSET), anonymise, repeat)
    result: dict[str, Any] = {
        "texts": len(texts),
        "typical_texts": len(typical),
        "typical_chars": TYPICAL_CHARS,
        "typical_median_ms": round(statistics.median(typical_ms), 4),
        "typical_p95_ms": round(percentile(typical_ms, 95), 4),
        "per_1000_s": round(per_thousand_s(texts, anonymise, runs=max(3, repeat // 4)), 4),
        "devset_median_ms": round(statistics.median(dev_ms), 4),
        "repeat": repeat,
        "presidio": None,
        "vs_presidio": None,
    }
    if presidio:
        result["presidio"] = presidio_timing(repeat)
        median = (result["presidio"] or {}).get("median_ms")
        if median:
            # Throughput ratio from medians on the same dev-set texts, as presidio_compare.py.
            result["vs_presidio"] = round(median / result["devset_median_ms"], 2)
    return result


def presidio_timing(repeat: int) -> dict[str, Any]:
    """Presidio's analyze + anonymize median/p95 ms on the dev set, or why it is missing."""
    from bench import presidio_compare

    try:
        python = presidio_compare.presidio_python(None)
        data = presidio_compare.run_presidio_subprocess(python, DEVSET, repeat)
    except presidio_compare.CompareError as exc:
        return {"error": str(exc)}
    info = data.get("info", {})
    return {
        "median_ms": data["time_ms"]["median"],
        "p95_ms": data["time_ms"]["p95"],
        "recall": data.get("recall"),
        "presidio_analyzer": info.get("presidio_analyzer"),
        "spacy_model": info.get("spacy_model"),
    }
