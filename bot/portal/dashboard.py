"""One view of the portal, built once and rendered by every output (page, CSV, XLSX, PDF, API).

The cubes (SQL aggregates, bot.portal.figures) and the theme model (bot.portal.themes) go in;
a :class:`~bot.portal.model.Dashboard` comes out, every figure of it released by the disclosure
engine (bot.portal.disclosure) and nothing else:

- reflections by release block, by discussion point and by agency: one release of the
  reflection cube, one box from the lead's filters;
- themes: the theme cube released over the *same blocks* as the reflections (so the figures
  line up and the guarantee holds for both), a theme shown only with at least k reflections
  from at least two agencies, and quotes only from its safe atoms inside the box, anonymised
  again now;
- people in group sessions: the session cube, thresholded on participants (people, not
  documents) and released over its own blocks;
- the group minutes themselves: team documents filed for the lead (issue 12), listed with their
  actions for the weeks and team chosen;
- the briefing's links not checked for LINK_STALE_DAYS (public, so no disclosure control).

Pure Python over plain inputs (no database, no web): bot.portal.service gathers the inputs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from bot.content.links import stale_links
from bot.content.schema import Pack
from bot.group.minutes import Minutes
from bot.portal import disclosure
from bot.portal.disclosure import Box, Cube, Release, box_total, build_release, table
from bot.portal.filters import FilterError, agency_choices, text_of
from bot.portal.model import (
    NO_TEAM,
    ActionSummary,
    AppliedFilters,
    Cell,
    Dashboard,
    Filters,
    MinutesSummary,
    Scope,
    StaleLink,
    Table,
    Theme,
)
from bot.portal.themes import ThemeModel, select_quotes

#: The most sets of minutes one view lists (newest first); the downloads say when cut.
MAX_MINUTES = 100
#: How many quotes a theme shows at most.
QUOTES_PER_THEME = 3


@dataclass(frozen=True)
class MinutesRow:
    """Stored group minutes as the dashboard needs them (the body is Minutes JSON)."""

    public_id: str
    iso_week: str
    team_code: str | None
    body: str


@dataclass(frozen=True)
class Inputs:
    """Everything one pack version contributes to a view, already scoped to the account."""

    pack: Pack
    version: str
    reflections: Cube
    sessions: Cube
    themes: ThemeModel
    minutes: Sequence[MinutesRow]
    whole: Cube | None = None
    """The pack's cube over every agency, whose release blocks every account shares (None:
    ``reflections`` is that cube), so two accounts' figures cover the same weeks."""


def _box(release: Release, filters: Filters, where: Mapping[str, str | None]) -> Box:
    try:
        return release.box(filters.week_from, filters.week_to, where)
    except ValueError as exc:
        raise FilterError(str(exc)) from exc


def _point_label(number: int, question: str) -> str:
    short = question if len(question) <= 70 else question[:67].rsplit(" ", 1)[0] + "…"
    return f"Point {number}: {short}"


def _tables(release: Release, box: Box, pack: Pack, scope: Scope) -> tuple[Table, ...]:
    points = {
        point.id: _point_label(point.number, point.question) for point in pack.discussion_points
    }
    agencies = dict(agency_choices(scope))
    return (
        table(
            release,
            box,
            "block",
            table_id="by_week",
            title=text_of("portal_table_by_week"),
            description=text_of("portal_table_by_week_about"),
            value_label=text_of("portal_value_reflections"),
        ),
        table(
            release,
            box,
            "point",
            labels=points,
            order=list(points),
            table_id="by_point",
            title=text_of("portal_table_by_point"),
            description=text_of("portal_table_by_point_about"),
            value_label=text_of("portal_value_reflections"),
        ),
        table(
            release,
            box,
            "agency",
            labels=agencies,
            order=list(agencies),
            table_id="by_agency",
            title=text_of("portal_table_by_agency"),
            description=text_of("portal_table_by_agency_about"),
            value_label=text_of("portal_value_reflections"),
        ),
    )


def _session_table(sessions: Release, box: Box) -> Table:
    return table(
        sessions,
        box,
        "block",
        table_id="sessions_by_week",
        title=text_of("portal_table_sessions"),
        description=text_of("portal_table_sessions_about"),
        value_label=text_of("portal_value_people"),
        value="weight",
    )


@dataclass(frozen=True)
class _Spread:
    """What the wide box (no agency filter) holds of each theme: safe atoms only."""

    agencies: dict[str, set[str]]
    sizes: dict[str, int]


def _spread(release: Release, wide: Box) -> _Spread:
    """One pass over the wide box's safe atoms, grouped by theme (no figure is shown from it)."""
    agency_at, theme_at = release.dims.index("agency"), release.dims.index("theme")
    agencies: dict[str, set[str]] = {}
    sizes: dict[str, int] = {}
    for atom in disclosure.atoms_in_box(release, wide):
        theme = atom.key[theme_at]
        agencies.setdefault(theme, set()).add(atom.key[agency_at])
        sizes[theme] = sizes.get(theme, 0) + atom.count
    return _Spread(agencies, sizes)


def _theme(
    model: ThemeModel,
    theme_id: str,
    release: Release,
    box: Box,
    spread: _Spread,
    counts: Mapping[str, Cell],
    k: int,
    quotes: Callable[[str, Callable[[str, str, str], bool]], tuple[str, ...]],
) -> Theme | None:
    """A theme as shown in ``box``, or None when it may not be shown at all.

    A theme exists for the lead only when, in the box without the agency filter, at least k
    reflections from at least two agencies share it (each agency's part made of safe atoms, so
    of at least k itself). ``counts`` is the engine's table of the box by theme.
    """
    definition = model.theme(theme_id)
    if definition is None:
        return None
    agencies = spread.agencies.get(theme_id, set()) - {"not_said"}
    if len(agencies) < 2 or spread.sizes.get(theme_id, 0) < k:
        return None
    count = Cell(theme_id, definition.label, counts[theme_id].value if theme_id in counts else None)
    narrow = Box(
        box.first_block,
        box.last_block,
        tuple(sorted({**dict(box.where), "theme": theme_id}.items())),
    )

    def is_safe(week: str, agency: str, team: str) -> bool:
        key = release.locate((week, agency, team, theme_id))
        return key is not None and release.is_safe(key) and disclosure.in_box(release, narrow, key)

    return Theme(
        id=theme_id,
        label=definition.label,
        terms=definition.terms,
        count=count,
        # How many agencies share it, only when the view is not narrowed to one agency.
        agencies=0 if dict(box.where).get("agency") else len(agencies),
        recommendation=definition.recommendation,
        quotes=() if count.value is None else quotes(theme_id, is_safe),
    )


def _themes(
    inputs: Inputs,
    blocks: Release,
    filters: Filters,
    *,
    k: int,
    today: date,
    texts: Callable[[Iterable[int]], Mapping[int, str]],
    anonymise: Callable[[str], str],
    release_of: Callable[[Cube, Release], Release] | None = None,
) -> tuple[Theme, ...]:
    model = inputs.themes
    if not model.themes:
        return ()
    cube = Cube(
        ("block", "agency", "team", "theme"),
        tuple(disclosure.Atom(key, count) for key, count in model.counts),
    )
    if release_of is None:
        release = build_release(cube, k, today=today, blocks=blocks.blocks)
    else:
        release = release_of(cube, blocks)
    box = _box(release, filters, {"agency": filters.agency, "team": filters.team})
    wide = _box(release, filters, {"team": filters.team})
    by_theme = table(release, box, "theme", order=[theme.id for theme in model.themes])
    counts = {cell.key: cell for cell in by_theme.cells}
    spread = _spread(release, wide)
    wanted = [c.doc_id for candidates in model.candidates.values() for c in candidates]
    found = texts(wanted) if wanted else {}

    def quotes(theme_id: str, is_safe: Callable[[str, str, str], bool]) -> tuple[str, ...]:
        return select_quotes(
            model,
            theme_id,
            is_safe=is_safe,
            texts=found,
            anonymise=anonymise,
            limit=QUOTES_PER_THEME,
        )

    shown = (
        _theme(model, definition.id, release, box, spread, counts, k, quotes)
        for definition in model.themes
    )
    return tuple(theme for theme in shown if theme is not None)


def _minutes_summary(row: MinutesRow) -> MinutesSummary | None:
    try:
        minutes = Minutes.from_dict(json.loads(row.body))
    except (ValueError, KeyError, TypeError):
        return None
    return MinutesSummary(
        public_id=row.public_id,
        iso_week=row.iso_week,
        team_code=row.team_code,
        planned_minutes=minutes.planned_minutes,
        points_discussed=sum(1 for point in minutes.points if point.covered),
        points_total=len(minutes.points),
        # Never per session: with the engine's people per team and period beside it, one
        # session's count could be worked out by subtraction (a blind attack showed it).
        attendance=None,
        actions=tuple(
            ActionSummary(
                what=action.what,
                owner_role=action.owner_role,
                by_when=action.by_when,
                measure=action.measure,
            )
            for action in minutes.actions
        ),
    )


def _minutes(
    rows: Sequence[MinutesRow], release: Release, box: Box, filters: Filters
) -> tuple[MinutesSummary, ...]:
    """The minutes filed in the box's weeks (the reflections' blocks), for its team and agency."""
    if box.empty:
        return ()
    first = release.blocks[box.first_block].first_week
    last = release.blocks[box.last_block].last_week
    chosen = [
        row
        for row in rows
        if first <= row.iso_week <= last
        and (filters.team is None or (row.team_code or NO_TEAM) == filters.team)
    ]
    chosen.sort(key=lambda row: (row.iso_week, row.public_id), reverse=True)
    summaries = (_minutes_summary(row) for row in chosen[:MAX_MINUTES])
    return tuple(summary for summary in summaries if summary is not None)


def _stale_links(pack: Pack, *, today: date, days: int) -> tuple[StaleLink, ...]:
    return tuple(
        StaleLink(
            id=link.id,
            title=link.title,
            url=link.url,
            last_verified=link.last_verified,
            days=(today - link.last_verified).days,
        )
        for link in stale_links(pack, today=today, days=days)
    )


def _applied(release: Release, box: Box, filters: Filters, version: str) -> AppliedFilters:
    week_from = week_to = None
    if not box.empty:
        week_from = release.blocks[box.first_block].first_week if filters.week_from else None
        week_to = release.blocks[box.last_block].last_week if filters.week_to else None
    return AppliedFilters(
        pack_id=filters.pack_id,
        pack_version=version,
        week_from=week_from,
        week_to=week_to,
        agency=filters.agency,
        team=filters.team,
        notes=box.notes,
    )


def build_dashboard(
    inputs: Inputs,
    filters: Filters,
    scope: Scope,
    *,
    k: int,
    today: date,
    retention_days: int,
    link_stale_days: int,
    texts: Callable[[Iterable[int]], Mapping[int, str]],
    anonymise: Callable[[str], str],
    release_of: Callable[[Cube, Release], Release] | None = None,
) -> Dashboard:
    """The view for ``filters``: every figure through the engine, quotes anonymised again.

    Also the pack's links last checked more than ``link_stale_days`` before ``today``.

    Raises:
        FilterError: when the filters cannot be applied (a malformed or inverted range).
    """
    basis = build_release(inputs.whole or inputs.reflections, k, today=today)
    release = (
        basis
        if inputs.whole is None
        else build_release(inputs.reflections, k, today=today, blocks=basis.blocks)
    )
    where = {"agency": filters.agency, "team": filters.team}
    box = _box(release, filters, where)
    reflections = box_total(release, box, label=text_of("portal_headline_reflections"))
    tables = _tables(release, box, inputs.pack, scope)
    headline: tuple[Cell, ...] = (reflections,)
    applied = _applied(release, box, filters, inputs.version)
    if filters.agency is None or filters.agency == scope.agency:
        sessions = build_release(inputs.sessions, k, today=today, blocks=basis.blocks)
        people = _session_table(sessions, _box(sessions, filters, {"team": filters.team}))
        tables = (*tables, people)
        label = text_of("portal_headline_people")
        headline = (reflections, Cell("people_in_sessions", label, people.total.value))
    else:
        # Sessions are multi-agency and their cube is not split by agency: showing them under
        # an agency filter would need a second cube, and two cubes can be differenced.
        note = text_of("portal_sessions_not_by_agency")
        applied = replace(applied, notes=(*applied.notes, note))
    return Dashboard(
        pack_id=inputs.pack.id,
        pack_version=inputs.version,
        pack_title=inputs.pack.title,
        partnership=inputs.pack.partnership,
        filters=applied,
        k=k,
        produced_on=today,
        retention_days=retention_days,
        rule=disclosure.rule_text(k),
        headline=headline,
        tables=tables,
        themes=_themes(
            inputs,
            release,
            filters,
            k=k,
            today=today,
            texts=texts,
            anonymise=anonymise,
            release_of=release_of,
        ),
        minutes=_minutes(inputs.minutes, release, box, filters),
        pending_weeks=release.pending_weeks,
        link_stale_days=link_stale_days,
        stale_links=_stale_links(inputs.pack, today=today, days=link_stale_days),
    )
