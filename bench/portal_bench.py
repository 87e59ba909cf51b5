"""The lead portal on a county's data: dashboard p95 at 1,000,000 reflections, and exports.

For each database (SQLite, PostgreSQL): seed the demo data (bot.portal.demo, not timed), let the
themes be fitted once (timed and reported, as the background job it is), then time
:meth:`bot.portal.service.PortalService.build` for a mix of filters, twice:

- *typical*: what every request does in service: the SQL aggregate over the current week (an
  index range), the finished weeks' cube from the cache that is read again in full every ten
  minutes, the release, themes, minutes and quotes (the figure compared with the 500 ms target);
- *cold*: every cache emptied before each request, so each one runs the full SQL aggregate over
  all 1,000,000 rows (what the first request after a ten-minute period pays).

The baseline, run in the same process on the same data, is the naive dashboard: read every
reflection's week, agency and point into Python and count them there. Its ratio to ours says
what the SQL aggregate and the covering index buy. Then the exports of 100,000 reflections:
the dashboard built and written as CSV, XLSX and the tagged PDF report.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from bot.content.loader import get_pack
from bot.portal.demo import seed_demo, vacuum_after_seeding
from bot.portal.downloads import dashboard_csv, dashboard_pdf, dashboard_xlsx
from bot.portal.model import Filters, Scope
from bot.portal.service import PortalService
from bot.settings.config import DEFAULT_PACK_DIR, Settings
from bot.storage.migrate import upgrade
from bot.storage.models import Reflection
from bot.storage.session import make_engine, make_session_factory, transaction

PACK_ID = "esscp-child-z"
SECRET = b"bench-secret-not-for-production-use!"
EVERYONE = Scope(partnership=None)
NOW = datetime.now(timezone.utc)
#: How long the themes may take to fit in the background before the bench gives up on them.
THEME_WAIT_SECONDS = 900


def _filters(version: str) -> list[Filters]:
    """The filter mix a lead clicks through: everything, one agency, a range, a team."""
    return [
        Filters(PACK_ID, version),
        Filters(PACK_ID, version, agency="police"),
        Filters(PACK_ID, version, agency="health"),
        Filters(PACK_ID, version, week_from=_weeks_ago(20), week_to=_weeks_ago(8)),
        Filters(PACK_ID, version, week_from=_weeks_ago(10)),
        Filters(PACK_ID, version, team="DEMO-A"),
        Filters(PACK_ID, version, agency="childrens_social_care", week_to=_weeks_ago(4)),
    ]


def _weeks_ago(weeks: int) -> str:
    year, week, _ = datetime.fromordinal(NOW.toordinal() - 7 * weeks).isocalendar()
    return f"{year}-W{week:02d}"


def _seed(url: str, count: int) -> float:
    upgrade(url)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        started = time.perf_counter()
        with transaction(factory) as session:
            seed_demo(
                session,
                pack=get_pack(DEFAULT_PACK_DIR, PACK_ID),
                reflections=count,
                seed=1,
                today=NOW.date(),
            )
        if url.startswith("postgresql"):
            vacuum_after_seeding(engine)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(calls: int, once: Callable[[int], Any]) -> dict[str, float]:
    times = []
    for index in range(calls):
        started = time.perf_counter()
        once(index)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "requests": calls,
    }


def _wait_for_themes(service: PortalService, filters: Filters) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < THEME_WAIT_SECONDS:
        dashboard = service.build(filters, EVERYONE, NOW)
        if not any("Themes are still" in note for note in dashboard.filters.notes):
            return time.perf_counter() - started
        time.sleep(1.0)
    return float("nan")


def _naive(url: str, version: str) -> float:
    """The baseline: every row into Python, counted there (what an ORM loop would do)."""
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        started = time.perf_counter()
        with transaction(factory) as session:
            counts: Counter[tuple[str, str | None, str]] = Counter()
            rows = session.execute(
                select(Reflection.iso_week, Reflection.agency, Reflection.point_id).where(
                    Reflection.pack_id == PACK_ID, Reflection.pack_version == version
                )
            )
            for week, agency, point in rows:
                counts[(week, agency, point)] += 1
        return (time.perf_counter() - started) * 1000
    finally:
        engine.dispose()


def dashboard(url: str, *, reflections: int, requests: int) -> dict[str, Any]:
    """Seed, fit themes, then typical and cold dashboard timings and the naive baseline."""
    seeded = _seed(url, reflections)
    service = PortalService(Settings(secret=SECRET, database_url=url))
    try:
        version = service.versions(PACK_ID, EVERYONE)[0]
        mix = _filters(version)
        themes = _wait_for_themes(service, mix[0])

        def cold(index: int) -> None:
            service.cubes.clear()
            service.history.clear()
            service.meta.clear()
            service.build(mix[index % len(mix)], EVERYONE, NOW)

        def typical(index: int) -> None:
            service.build(mix[index % len(mix)], EVERYONE, NOW)

        cold_times = _timed(requests, cold)
        typical_times = _timed(requests, typical)
        naive_ms = statistics.median(_naive(url, version) for _ in range(3))
    finally:
        service.close()
    return {
        "reflections": reflections,
        "seed_s": round(seeded, 1),
        "themes_ready_s": round(themes, 1),
        "cold": cold_times,
        "typical": typical_times,
        "naive_count_ms": round(naive_ms, 1),
        "naive_over_cold_p50": round(naive_ms / cold_times["p50_ms"], 2),
    }


def exports(url: str, *, reflections: int) -> dict[str, Any]:
    """The dashboard for 100,000 reflections written as CSV, XLSX and PDF, each timed."""
    import io

    _seed(url, reflections)
    service = PortalService(Settings(secret=SECRET, database_url=url))
    try:
        version = service.versions(PACK_ID, EVERYONE)[0]
        filters = Filters(PACK_ID, version)
        started = time.perf_counter()
        built = service.build(filters, EVERYONE, NOW)
        build_s = time.perf_counter() - started
        results: dict[str, Any] = {"reflections": reflections, "build_s": round(build_s, 3)}
        writers: dict[str, Callable[[], Any]] = {
            "csv": lambda: dashboard_csv(built, io.StringIO()),
            "xlsx": lambda: dashboard_xlsx(built, io.BytesIO()),
            "pdf": lambda: dashboard_pdf(built),
        }
        for fmt, write in writers.items():
            started = time.perf_counter()
            write()
            results[f"{fmt}_s"] = round(build_s + time.perf_counter() - started, 3)
    finally:
        service.close()
    return results


def run(
    dashboard_urls: dict[str, str],
    export_urls: dict[str, str],
    *,
    reflections: int = 1_000_000,
    export_reflections: int = 100_000,
    requests: int = 40,
) -> dict[str, Any]:
    """Every database: the dashboard at ``reflections``, the exports at ``export_reflections``.

    Each URL must name an empty database; the two maps name different ones.
    """
    results: dict[str, Any] = {"by_database": {}}
    for label, url in dashboard_urls.items():
        results["by_database"][label] = {
            "dashboard": dashboard(url, reflections=reflections, requests=requests),
            "exports": exports(export_urls[label], reflections=export_reflections),
        }
    slowest = max(
        results["by_database"].values(), key=lambda r: r["dashboard"]["typical"]["p95_ms"]
    )
    results["dashboard_p95_ms"] = slowest["dashboard"]["typical"]["p95_ms"]
    return results
