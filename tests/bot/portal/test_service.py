"""The whole portal pipeline on 2,000 seeded reflections: SQL, engine, themes, every output.

Property tests (hypothesis) pick filter pairs and check what a lead could do with two
downloads: no figure below k, no formula in any cell, and nothing suppressed recoverable by
subtracting one output from another.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from bot.content.loader import get_pack
from bot.portal.api import dashboard_json
from bot.portal.demo import seed_demo
from bot.portal.downloads import dashboard_csv, dashboard_pdf, dashboard_xlsx
from bot.portal.filters import FilterError
from bot.portal.model import Dashboard, Filters, Scope
from bot.portal.service import PortalService
from bot.settings.config import DEFAULT_PACK_DIR
from bot.storage.migrate import upgrade
from bot.storage.models import Reflection
from bot.storage.session import make_engine, make_session_factory, transaction
from tests.bot.storage.databases import BACKENDS, temporary_database
from tests.settings import make_settings

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
PACK = "esscp-child-z"
EVERYONE = Scope(partnership=None)
K = 10
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = [
    '=HYPERLINK("http://evil.example","click") we never checked who the new partner was',
    "+SUM(1,2) information sharing with the family about the new adult in the household",
    "-2+3 professional curiosity about who lives in the house and the new partner",
    "@cmd the new adult in the household was never checked with police",
]


def _seed(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            summary = seed_demo(
                session,
                pack=get_pack(DEFAULT_PACK_DIR, PACK),
                reflections=2000,
                seed=11,
                today=NOW.date(),
                followups=400,
            )
            monday = date.fromisocalendar(
                *[int(x) for x in summary.first_week.replace("W", "").split("-")], 1
            )
            session.execute(
                insert(Reflection),
                [
                    {
                        "pack_id": PACK,
                        "pack_version": summary.pack_version,
                        "point_id": "dp-1",
                        "text": HOSTILE[i % len(HOSTILE)],
                        "agency": ("police", "health")[i % 2],
                        "iso_week": summary.first_week,
                        "channel_kind": "demo",
                        "receipt_hash": f"{i:064x}",
                        "created_week_start": monday,
                    }
                    for i in range(40)
                ],
            )
            session.execute(
                insert(Reflection),
                [
                    {
                        "pack_id": PACK,
                        "pack_version": summary.pack_version,
                        "point_id": "general",
                        "text": "Since then " + HOSTILE[i % len(HOSTILE)],
                        "agency": "police",
                        "iso_week": summary.last_week,
                        "channel_kind": "demo",
                        "receipt_hash": f"{i + 1000:064x}",
                        "created_week_start": monday,
                        "kind": "followup",
                    }
                    for i in range(12)
                ]
                + [
                    {
                        "pack_id": PACK,
                        "pack_version": summary.pack_version,
                        "point_id": "dp-1",
                        "text": HOSTILE[i % len(HOSTILE)],
                        "agency": "police",
                        "iso_week": summary.last_week,
                        "channel_kind": "demo",
                        "receipt_hash": f"{i + 2000:064x}",
                        "created_week_start": monday,
                        "kind": "followup",
                    }
                    for i in range(12)
                ],
            )
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalService]:
    folder = tmp_path_factory.mktemp("service")
    settings = make_settings(var_dir=folder)
    _seed(settings.reflections_url)
    portal = PortalService(settings)
    yield portal
    portal.close()


@pytest.fixture(scope="module")
def version(service: PortalService) -> str:
    return service.versions(PACK, EVERYONE)[0]


def _figures(dashboard: Dashboard) -> dict[tuple[str, str], int | None]:
    found: dict[tuple[str, str], int | None] = {}
    for table in dashboard.tables:
        for cell in (*table.cells, table.total):
            found[(table.id, cell.key)] = cell.value
    for theme in dashboard.themes:
        found[("themes", theme.id)] = theme.count.value
    for cell in dashboard.headline:
        found[("headline", cell.key)] = cell.value
    if dashboard.impact is not None:
        for table in (dashboard.impact.by_point, dashboard.impact.by_version):
            for cell in (*table.cells, table.total):
                found[(table.id, cell.key)] = cell.value
    return found


def _outputs(dashboard: Dashboard) -> dict[str, list[Any]]:
    """Every cell of every output a lead can take away."""
    text = io.StringIO()
    dashboard_csv(dashboard, text)
    binary = io.BytesIO()
    dashboard_xlsx(dashboard, binary)
    book = openpyxl.load_workbook(io.BytesIO(binary.getvalue()))
    api: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        else:
            api.append(value)

    walk(dashboard_json(dashboard))
    return {
        "csv": [cell for row in csv.reader(io.StringIO(text.getvalue())) for cell in row],
        "xlsx": [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row],
        "api": api,
    }


def test_the_dashboard_shows_real_figures_and_themes(service: PortalService, version: str) -> None:
    dashboard = service.build(Filters(PACK, version), EVERYONE, NOW)
    total = dashboard.headline[0].value
    assert total is not None and 1000 <= total <= 2040
    assert {table.id for table in dashboard.tables} >= {"by_week", "by_point", "by_agency"}
    assert dashboard.themes, "2,000 reflections on four points give themes"
    assert all(theme.agencies >= 2 for theme in dashboard.themes)
    quoted = [quote for theme in dashboard.themes for quote in theme.quotes]
    assert quoted
    assert dashboard.minutes and any(m.actions for m in dashboard.minutes)
    assert "fewer than 10" in dashboard.rule
    # Child Z's links were checked on 2026-11-27, ten days before NOW.
    assert dashboard.link_stale_days == 180 and dashboard.stale_links == ()


def test_the_dashboard_shows_impact_apart_from_the_reflections(
    service: PortalService, version: str
) -> None:
    dashboard = service.build(Filters(PACK, version), EVERYONE, NOW)

    impact = dashboard.impact
    assert impact is not None
    assert impact.by_point.total.value is not None and impact.by_point.total.value >= K
    shown = [point for point in impact.points if not point.count.suppressed]
    assert shown and all(point.versions == (version,) for point in shown)
    quotes = [quote for point in shown for quote in point.quotes]
    assert quotes and all(quote.startswith(("Demo follow-up:", "Since then")) for quote in quotes)
    assert all(point.quotes == () for point in impact.points if point.count.suppressed)
    # No reflection figure moved: the headline counts the reflections alone (2,040 of them).
    by_point = next(table for table in dashboard.tables if table.id == "by_point")
    assert dashboard.headline[0].value == by_point.total.value
    assert not any(
        quote.startswith("Demo follow-up") for theme in dashboard.themes for quote in theme.quotes
    )


def test_every_download_and_the_api_carry_the_impact_part(
    service: PortalService, version: str
) -> None:
    dashboard = service.build(Filters(PACK, version), EVERYONE, NOW)
    assert dashboard.impact is not None
    released = dashboard.impact.by_point.total.value
    outputs = _outputs(dashboard)

    assert "Impact: what changed in practice" in outputs["csv"]
    assert "Impact: what changed in practice" in outputs["xlsx"]
    assert released in outputs["xlsx"]
    body = dashboard_json(dashboard)["impact"]
    assert body["total"]["value"] == released
    points = {point["point"] for point in body["points"]}
    assert points >= {point.id for point in service.packs[PACK].discussion_points} | {"general"}
    reader = pypdf.PdfReader(io.BytesIO(dashboard_pdf(dashboard)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Impact: what changed in practice" in text and "Briefing version" in text


def test_the_dashboard_lists_links_not_checked_within_link_stale_days(
    service: PortalService, version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "settings", replace(service.settings, link_stale_days=9))

    dashboard = service.build(Filters(PACK, version), EVERYONE, NOW)

    assert dashboard.link_stale_days == 9
    assert [(link.id, link.last_verified, link.days) for link in dashboard.stale_links] == [
        (link_id, date(2026, 11, 27), 10)
        for link_id in (
            "pan-sussex-procedures",
            "sharing-information-family-members",
            "spoa",
            "esscp-training",
            "esscp-site",
            "national-review-panel",
        )
    ]
    spoa = dashboard_json(dashboard)["stale_links"][2]
    assert spoa == {
        "id": "spoa",
        "title": "Contacting the Single Point of Advice (SPoA), East Sussex County Council",
        "url": "https://www.eastsussex.gov.uk/children-families/professional-resources/spoa",
        "last_verified": "2026-11-27",
        "days": 10,
    }
    assert dashboard_json(dashboard)["link_stale_days"] == 9


def test_the_xlsx_and_pdf_of_2000_reflections_open_and_say_what_they_are(
    service: PortalService, version: str
) -> None:
    dashboard = service.build(Filters(PACK, version, agency="police"), EVERYONE, NOW)
    binary = io.BytesIO()
    dashboard_xlsx(dashboard, binary)
    book = openpyxl.load_workbook(io.BytesIO(binary.getvalue()))
    about = " ".join(str(c.value) for row in book.worksheets[0].iter_rows() for c in row)
    assert dashboard.pack_title in about and version in about
    assert "fewer than 10" in about and "Police" in about
    assert NOW.date().isoformat() in about
    numbers = [
        c.value
        for s in book.worksheets
        for r in s.iter_rows()
        for c in r
        if isinstance(c.value, (int, float))
    ]
    assert numbers and all(n >= K for n in numbers)

    reader = pypdf.PdfReader(io.BytesIO(dashboard_pdf(dashboard)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert dashboard.pack_title.split(":")[0] in text
    assert "fewer than 10" in text and "Police" in text
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert len(reader.pages) >= 2


WEEKS = st.one_of(st.none(), st.integers(min_value=0, max_value=30))
AGENCY = st.sampled_from(
    [None, "police", "health", "education", "childrens_social_care", "not_said", "voluntary_sector"]
)
TEAM = st.sampled_from([None, "DEMO-A", "DEMO-B", "DEMO-C"])


def _week(back: int | None) -> str | None:
    if back is None:
        return None
    year, week, _ = date.fromordinal(NOW.date().toordinal() - 7 * back).isocalendar()
    return f"{year}-W{week:02d}"


def _nested(data: st.DataObject, version: str) -> tuple[Filters, Filters]:
    """An outer selection and one inside it (narrower range and/or one agency/team)."""
    start, end = sorted([data.draw(st.integers(0, 30)), data.draw(st.integers(0, 30))])
    outer = Filters(
        PACK,
        version,
        week_from=_week(end) if data.draw(st.booleans()) else None,
        week_to=_week(start) if data.draw(st.booleans()) else None,
        team=data.draw(TEAM),
    )
    inner_start = data.draw(st.integers(start, end))
    inner_end = data.draw(st.integers(inner_start, end))
    inner = Filters(
        PACK,
        version,
        week_from=_week(inner_end),
        week_to=_week(inner_start),
        agency=data.draw(AGENCY),
        team=outer.team or data.draw(TEAM),
    )
    if outer.week_from is None or outer.week_to is None:
        inner = Filters(
            PACK,
            version,
            week_from=outer.week_from,
            week_to=outer.week_to,
            agency=inner.agency,
            team=inner.team,
        )
    return outer, inner


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_two_nested_outputs_difference_out_a_small_group(
    service: PortalService, version: str, data: st.DataObject
) -> None:
    outer, inner = _nested(data, version)
    try:
        big = service.build(outer, EVERYONE, NOW)
        small = service.build(inner, EVERYONE, NOW)
    except FilterError:
        return
    wide, narrow = _figures(big), _figures(small)
    for key, value in narrow.items():
        if key[0] in {"by_week", "sessions_by_week"} or key[0] == "themes":
            continue  # blocks and themes are compared through the totals below
        other = wide.get(key)
        if value is None or other is None:
            continue
        difference = other - value
        assert difference == 0 or difference >= K, (key, other, value, outer, inner)
    for figures in (wide, narrow):
        assert all(v is None or v >= K for v in figures.values())


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(agency=AGENCY, team=TEAM, back=WEEKS)
def test_no_output_holds_a_formula_or_a_count_below_k(
    service: PortalService, version: str, agency: str | None, team: str | None, back: int | None
) -> None:
    dashboard = service.build(
        Filters(PACK, version, week_from=_week(back), agency=agency, team=team), EVERYONE, NOW
    )
    for name, cells in _outputs(dashboard).items():
        for cell in cells:
            if isinstance(cell, str):
                assert not cell.startswith(TRIGGERS), (name, cell)
            elif isinstance(cell, (int, float)) and not isinstance(cell, bool) and name != "api":
                assert cell >= K, (name, cell)


def test_the_api_only_holds_released_counts(service: PortalService, version: str) -> None:
    body = dashboard_json(service.build(Filters(PACK, version), EVERYONE, NOW))
    for table in body["tables"]:
        for cell in [*table["cells"], table["total"]]:
            assert cell["value"] is None or cell["value"] >= K
            assert cell["suppressed"] == (cell["value"] is None)
    json.dumps(body)


def test_a_lead_of_one_agency_gets_only_its_figures(service: PortalService, version: str) -> None:
    police = Scope(partnership="ESSCP", agency="police")
    dashboard = service.build(Filters(PACK, version, agency="police"), police, NOW)
    by_agency = next(t for t in dashboard.tables if t.id == "by_agency")
    assert [cell.key for cell in by_agency.cells] == ["police"]
    # Its release blocks are formed from its own scope's data, so its figures need not equal
    # the police row of an all-agency view; they are still sums of safe atoms.
    assert all(c.value is None or c.value >= K for t in dashboard.tables for c in t.cells)
    with pytest.raises(FilterError):
        from bot.portal.filters import parse_filters

        parse_filters({"agency": "health"}, [service.packs[PACK]], police)


def test_unknown_versions_and_packs_outside_the_scope_are_refused(
    service: PortalService, version: str
) -> None:
    with pytest.raises(FilterError):
        service.build(Filters(PACK, "9.9.9"), EVERYONE, NOW)
    with pytest.raises(FilterError):
        service.build(Filters(PACK, version), Scope(partnership="ELSEWHERE"), NOW)


@pytest.mark.parametrize("backend", BACKENDS)
def test_both_databases_give_the_same_dashboard(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path) as database:
        _seed(database.url)
        portal = PortalService(make_settings(var_dir=tmp_path, database_url=database.url))
        try:
            chosen = portal.versions(PACK, EVERYONE)[0]
            built = portal.build(Filters(PACK, chosen, agency="health"), EVERYONE, NOW)
        finally:
            portal.close()
    assert built.headline[0].value is not None
    assert all(
        cell.value is None or cell.value >= K for table in built.tables for cell in table.cells
    )
