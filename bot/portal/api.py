"""The JSON API's bodies: a Dashboard as plain JSON, the same figures the page shows.

Rendered from the same :class:`bot.portal.model.Dashboard` as the page and the downloads, so the
API can never release more than the disclosure engine did: a suppressed figure is ``null`` with
``"suppressed": true`` and the words the page uses, never a number below k. No cell is ever a
string a spreadsheet would run (labels pass through the same neutralisation as the CSV), because
API output is routinely pasted into spreadsheets.
"""

from __future__ import annotations

from typing import Any

from bot.portal.charts import fewer_than
from bot.portal.model import Cell, Dashboard, Impact, MinutesSummary, StaleLink, Table, Theme
from bot.reports.export import neutralise_cell

#: Bumped when a field changes meaning; additions keep the version.
API_VERSION = "1"


def _text(value: str | None) -> str | None:
    return None if value is None else neutralise_cell(value)


def cell_json(cell: Cell, k: int) -> dict[str, Any]:
    """One released figure: its value, or null and the words "fewer than k"."""
    return {
        "key": _text(cell.key),
        "label": _text(cell.label),
        "value": cell.value,
        "suppressed": cell.value is None,
        "display": fewer_than(k) if cell.value is None else str(cell.value),
    }


def table_json(table: Table, k: int) -> dict[str, Any]:
    """A breakdown with its total (which counts only the figures shown)."""
    return {
        "id": table.id,
        "title": _text(table.title),
        "description": _text(table.description),
        "dimension": table.dimension,
        "value_label": _text(table.value_label),
        "cells": [cell_json(cell, k) for cell in table.cells],
        "total": cell_json(table.total, k),
    }


def theme_json(theme: Theme, k: int) -> dict[str, Any]:
    """A theme, its recommendation and its quotes (empty when withheld)."""
    match = theme.recommendation
    return {
        "id": theme.id,
        "label": _text(theme.label),
        "terms": [_text(term) for term in theme.terms],
        "count": cell_json(theme.count, k),
        "agencies": theme.agencies,
        "recommendation": None
        if match is None
        else {"number": match.number, "title": _text(match.title), "score": round(match.score, 3)},
        "quotes": [_text(quote) for quote in theme.quotes],
        "quotes_withheld": not theme.quotes,
    }


def impact_json(impact: Impact | None, k: int) -> dict[str, Any] | None:
    """Follow-up answers per point and per pack version, released like every other figure.

    A point's ``versions`` and ``quotes`` are empty whenever its count is suppressed.
    """
    if impact is None:
        return None
    return {
        "week_from": impact.week_from,
        "week_to": impact.week_to,
        "notes": [_text(note) for note in impact.notes],
        "pending_weeks": list(impact.pending_weeks),
        "total": cell_json(impact.by_point.total, k),
        "points": [
            {
                "point": _text(point.key),
                "label": _text(point.label),
                "count": cell_json(point.count, k),
                "versions": [_text(version) for version in point.versions],
                "quotes": [_text(quote) for quote in point.quotes],
                "quotes_withheld": not point.quotes,
            }
            for point in impact.points
        ],
        "by_point": table_json(impact.by_point, k),
        "by_version": table_json(impact.by_version, k),
    }


def minutes_json(minutes: MinutesSummary) -> dict[str, Any]:
    """One set of group minutes and its agreed actions."""
    return {
        "id": minutes.public_id,
        "iso_week": minutes.iso_week,
        "team_code": _text(minutes.team_code),
        "planned_minutes": minutes.planned_minutes,
        "points_discussed": minutes.points_discussed,
        "points_total": minutes.points_total,
        "attendance": minutes.attendance,
        "attendance_suppressed": minutes.attendance is None,
        "actions": [
            {
                "what": _text(action.what),
                "owner_role": _text(action.owner_role),
                "by_when": _text(action.by_when),
                "measure": _text(action.measure),
            }
            for action in minutes.actions
        ],
    }


def stale_link_json(link: StaleLink) -> dict[str, Any]:
    """A link of the briefing not checked for a while (public: no disclosure control)."""
    return {
        "id": link.id,
        "title": _text(link.title),
        "url": _text(link.url),
        "last_verified": link.last_verified.isoformat(),
        "days": link.days,
    }


def dashboard_json(dashboard: Dashboard) -> dict[str, Any]:
    """The whole Dashboard: what it covers, the rule, and every released figure."""
    k = dashboard.k
    applied = dashboard.filters
    return {
        "api_version": API_VERSION,
        "briefing": {
            "pack_id": dashboard.pack_id,
            "version": dashboard.pack_version,
            "title": _text(dashboard.pack_title),
            "partnership": _text(dashboard.partnership),
        },
        "filters": {
            "week_from": applied.week_from,
            "week_to": applied.week_to,
            "agency": applied.agency,
            "team": _text(applied.team),
            "notes": [_text(note) for note in applied.notes],
        },
        "k": k,
        "rule": _text(dashboard.rule),
        "produced_on": dashboard.produced_on.isoformat(),
        "retention_days": dashboard.retention_days,
        "pending_weeks": list(dashboard.pending_weeks),
        "headline": [cell_json(cell, k) for cell in dashboard.headline],
        "tables": [table_json(table, k) for table in dashboard.tables],
        "themes": [theme_json(theme, k) for theme in dashboard.themes],
        "minutes": [minutes_json(item) for item in dashboard.minutes],
        "link_stale_days": dashboard.link_stale_days,
        "stale_links": [stale_link_json(link) for link in dashboard.stale_links],
        "impact": impact_json(dashboard.impact, k),
    }
