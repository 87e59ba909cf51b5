"""Time the group session's minutes: DOCX and PDF (and Markdown) for a realistic session.

The session is ``tests/data/group/minutes_session.yml``: a 4-point, 30-minute supervision of the
Child Z briefing as the lead typed it, names and all, built into
:class:`~bot.group.minutes.Minutes` through the real anonymiser as the door would (so the tests
use the same fixture to check no name survives). Medians of warm renders in this process, plus
what a fresh web-app process pays once: WeasyPrint's import and its first PDF (measured in a
child process, since both are one-off costs this process has already paid).

``python -m bench.minutes_bench`` prints the figures as JSON; ``make bench`` runs it as a step.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.group.minutes import AgreedAction, AttendanceCount, Minutes, PointMinutes
from bot.settings.config import DEFAULT_PACK_DIR, PROJECT_ROOT

FIXTURE = PROJECT_ROOT / "tests" / "data" / "group" / "minutes_session.yml"


def fixture_data(path: Path = FIXTURE) -> dict[str, Any]:
    """The raw session as typed (names included)."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def realistic_minutes(*, actions: bool = True, path: Path = FIXTURE) -> Minutes:
    """The fixture's minutes, every typed text through the anonymiser as the door passes it.

    Questions, learning titles, links and prompts come from the content pack; notes and
    actions are what the lead typed, anonymised. ``actions=False`` drops the agreed actions
    (the minutes must then say that none was agreed).
    """
    from bot.anonymise import anonymise
    from bot.content.loader import get_pack

    data = fixture_data(path)
    pack = get_pack(DEFAULT_PACK_DIR, data["pack_id"])
    by_id = {point.id: point for point in pack.discussion_points}

    def door(text: str) -> str:
        return anonymise(text).text

    points = []
    for raw in data["points"]:
        point = by_id[raw["id"]]
        points.append(
            PointMinutes(
                number=point.number,
                point_id=point.id,
                question=point.question,
                learning=tuple(learning.title for learning in point.learning),
                links=tuple((link.title, link.url) for link in point.links),
                planned_minutes=raw["planned_minutes"],
                notes=tuple(door(note) for note in raw["notes"]),
                prompts_used=tuple(point.prompts[i] for i in raw["prompts_used"]),
                covered=raw.get("covered", True),
            )
        )
    agreed = tuple(
        AgreedAction(
            what=door(a["what"]),
            owner_role=door(a["owner_role"]),
            by_when=door(a["by_when"]),
            measure=door(a["measure"]),
        )
        for a in data["actions"]
    )
    return Minutes(
        briefing_title=pack.title,
        partnership=pack.partnership,
        pack_id=pack.id,
        pack_version=pack.version,
        iso_week=data["iso_week"],
        team_code=data["team_code"],
        planned_minutes=data["planned_minutes"],
        duration_minutes=data["duration_minutes"],
        attendance=tuple(
            AttendanceCount(agency, count) for agency, count in data["attendance"].items()
        ),
        joined_count=data["joined_count"],
        points=tuple(points),
        actions=agreed if actions else (),
    )


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls, after one unmeasured call."""
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def warm_timings(minutes: Minutes, *, repeat: int) -> dict[str, float]:
    """Median ms per format, and of DOCX + PDF together (what a lead downloading both costs)."""
    from bot.group.documents import to_docx, to_markdown, to_pdf

    docx = median_ms(lambda: to_docx(minutes), repeat)
    pdf = median_ms(lambda: to_pdf(minutes), repeat)
    both = median_ms(lambda: (to_docx(minutes), to_pdf(minutes)), repeat)
    return {
        "docx_median_ms": round(docx, 1),
        "pdf_median_ms": round(pdf, 1),
        "docx_and_pdf_median_ms": round(both, 1),
        "markdown_median_ms": round(median_ms(lambda: to_markdown(minutes), repeat), 2),
        "docx_bytes": len(to_docx(minutes)),
        "pdf_bytes": len(to_pdf(minutes)),
    }


def cold_start() -> dict[str, float]:
    """In this process (meant to be a fresh one): WeasyPrint's import, then the first PDF."""
    minutes = realistic_minutes()
    from bot.group.documents import to_pdf

    started = time.perf_counter()
    import weasyprint  # noqa: F401  (the import is what is timed)

    imported = time.perf_counter()
    to_pdf(minutes)
    first = time.perf_counter()
    to_pdf(minutes)
    second = time.perf_counter()
    return {
        "weasyprint_import_ms": round((imported - started) * 1000, 1),
        "first_pdf_ms": round((first - imported) * 1000, 1),
        "second_pdf_ms": round((second - first) * 1000, 1),
    }


def cold_start_in_child(timeout: float = 120.0) -> dict[str, float]:
    """:func:`cold_start` in a fresh interpreter, so nothing is imported or cached yet."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.minutes_bench", "--cold"],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_ROOT,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(*, repeat: int = 20, cold: bool = True) -> dict[str, Any]:
    """Warm medians for the realistic minutes and, if ``cold``, the fresh-process costs."""
    minutes = realistic_minutes()
    result: dict[str, Any] = {"repeat": repeat, **warm_timings(minutes, repeat=repeat)}
    if cold:
        result["cold"] = cold_start_in_child()
    return result


def main(argv: list[str] | None = None) -> int:
    """``--cold``: the fresh-process figures only (used by :func:`cold_start_in_child`)."""
    args = sys.argv[1:] if argv is None else argv
    if "--cold" in args:
        print(json.dumps(cold_start()))
    else:
        print(json.dumps(run(repeat=5 if "--quick" in args else 20), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
