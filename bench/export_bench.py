"""Time the safeguarding lead's export of 100,000 reflections, as ``bin/reflect export`` runs it.

The reflections are inserted first (not timed) into a real, migrated database; the timed part
is what the lead waits for: one query (:func:`bot.reflections.service.list_reflections`) and writing
the CSV or XLSX file to disk. Texts are reflection-sized (about 150 to 700 characters, some
multi-line, with placeholders), not one-liners, because cell size dominates the XLSX cost.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.reflections.service import list_reflections
from bot.reports.export import export_csv, export_xlsx
from bot.storage.migrate import upgrade
from bot.storage.models import AGENCIES, Reflection
from bot.storage.session import make_engine, make_session_factory, transaction

_SENTENCES = (
    "We did not ask who else was living in the house.",
    "I would check the new partner's background with the police before closing.",
    "[NAME 1] told us at the school gate that things were fine, and we accepted it.",
    "Next time I will escalate to the SPoA sooner and record why.",
    "The health visitor and the school each held part of the picture.",
    "Nobody rang [PHONE 1] back to check what we had been told.",
    "Supervision should have challenged the plan to step down to early help.",
    "We need a shared chronology across agencies, not four separate ones.",
)


def reflection_texts(count: int, *, seed: int = 5) -> Iterator[str]:
    """Deterministic reflection-like texts of realistic length."""
    rng = random.Random(seed)
    for index in range(count):
        sentences = rng.sample(_SENTENCES, rng.randint(2, 7))
        if rng.random() < 0.3:
            sentences.insert(rng.randint(1, len(sentences)), "\n\n")
        yield f"({index}) " + " ".join(sentences)


def fill(database_url: str, count: int) -> None:
    """Insert ``count`` reflections in one transaction (Core bulk insert: seconds, not minutes)."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            batch: list[dict[str, Any]] = []
            agencies = [*AGENCIES, None]
            for index, text in enumerate(reflection_texts(count)):
                batch.append(
                    {
                        "pack_id": "esscp-child-z",
                        "pack_version": "1.0.0",
                        "point_id": f"dp-{index % 4 + 1}",
                        "text": text,
                        "agency": agencies[index % len(agencies)],
                        "iso_week": "2026-W48",
                        "channel_kind": "rest",
                        "receipt_hash": f"{index:064x}",
                        "created_week_start": date(2026, 11, 23),
                    }
                )
                if len(batch) == 10_000:
                    connection.execute(insert(Reflection), batch)
                    batch = []
            if batch:
                connection.execute(insert(Reflection), batch)
    finally:
        engine.dispose()


def time_export(database_url: str, fmt: str, out_dir: Path) -> dict[str, Any]:
    """Query + write, timed separately and together, for one format."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    path = out_dir / f"reflections.{fmt}"
    try:
        started = time.perf_counter()
        with transaction(factory) as session:
            rows = list_reflections(session=session)
        queried = time.perf_counter()
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as handle:
                count = export_csv(rows, handle)
        else:
            count = export_xlsx(rows, path)
        written = time.perf_counter()
    finally:
        engine.dispose()
    return {
        "rows": count,
        "seconds": round(written - started, 3),
        "query_seconds": round(queried - started, 3),
        "write_seconds": round(written - queried, 3),
        "file_mb": round(path.stat().st_size / 1e6, 2),
    }


def run(database_urls: dict[str, str], *, count: int = 100_000) -> dict[str, Any]:
    """Fill each database and time both formats; the headline is the slower database.

    ``database_urls`` maps a label (``sqlite``, ``postgresql``) to an empty database.
    """
    results: dict[str, Any] = {"reflections": count, "by_database": {}}
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        for label, url in database_urls.items():
            fill(url, count)
            results["by_database"][label] = {
                fmt: time_export(url, fmt, Path(tmp)) for fmt in ("csv", "xlsx")
            }
    for fmt in ("csv", "xlsx"):
        slowest = max(results["by_database"].values(), key=lambda r: r[fmt]["seconds"])
        results[fmt] = slowest[fmt]
    return results
