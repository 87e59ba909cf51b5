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
- the briefing's links not checked for LINK_STALE_DAYS (public, so no disclosure control);
- impact: follow-up answers months later ("what has changed in your practice since?") per
  point and per pack version, with quotes, released by the same engine and rules as the
  reflections over blocks of their own (never added into a reflection figure).

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
    GENERAL_POINT,
    NO_TEAM,
    ActionSummary,
    AppliedFilters,
    Cell,
    Dashboard,
    Filters,
    Impact,
    ImpactPoint,
    MinutesSummary,
    Scope,
    StaleLink,
    Table,
    Theme,
    version_key,
)
from bot.portal.themes import ThemeModel, choose_quotes, select_quotes

#: The most sets of minutes one view lists (newest first); the downloads say when cut.
MAX_MINUTES = 100
#: How many quotes a theme shows at most.
QUOTES_PER_THEME = 3
#: How many quotes a point's impact shows at most.
QUOTES_PER_POINT = 3

#: Follow-up answers to quote for (point, first week, last week, agency or None): each its cube
#: key (ISO week, agency, point, version) and its stored text, newest first.
ImpactTexts = Callable[[str, str, str, str | None], Iterable[tuple[tuple[str, ...], str]]]


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
    impact: Cube | None = None
    """Follow-up answers of the pack, every version (bot.portal.model.IMPACT_DIMS), in scope;
    None: no impact view."""
    impact_whole: Cube | None = None
    """The same over every agency (its blocks are shared, as ``whole``'s); None: ``impact``."""


def _released(cube: Cube, whole: Cube | None, k: int, today: date) -> Release:
    """``cube`` released over the blocks of ``whole`` (the same data, every agency), if given.

    Blocks formed from every agency's data are one partition for every account, so a lead of
    one agency and a partnership lead see the same periods, and neither can difference them.
    """
    basis = build_release(whole or cube, k, today=today)
    return basis if whole is None else build_release(cube, k, today=today, blocks=basis.blocks)


def _box(release: Release, filters: Filters, where: Mapping[str, str | None]) -> Box:
    try:
        return release.box(filters.week_from, filters.week_to, where)
    except ValueError as exc:
        raise FilterError(str(exc)) from exc


def _point_label(number: int, question: str) -> str:
    short = question if len(question) <= 70 else question[:67].rsplit(" ", 1)[0] + "…"
    return f"Point {number}: {short}"


def _point_labels(pack: Pack) -> dict[str, str]:
    return {
        point.id: _point_label(point.number, point.question) for point in pack.discussion_points
    }


def _tables(release: Release, box: Box, pack: Pack, scope: Scope) -> tuple[Table, ...]:
    points = _point_labels(pack)
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


def _impact_quotes(
    release: Release, box: Box, point: str, texts: ImpactTexts, anonymise: Callable[[str], str]
) -> tuple[str, ...]:
    """Quotes for one point, only from answers whose atom is safe and inside the box."""
    first = release.blocks[box.first_block].first_week
    last = release.blocks[box.last_block].last_week

    def cleared() -> Iterable[str]:
        for key, text in texts(point, first, last, dict(box.where).get("agency")):
            located = release.locate(key)
            if located is not None and disclosure.in_box(release, box, located):
                yield text

    return choose_quotes(cleared(), anonymise=anonymise, limit=QUOTES_PER_POINT)


def _impact_tables(
    release: Release, box: Box, pack: Pack
) -> tuple[Table, Table, dict[str, set[str]]]:
    """The impact by point and by pack version, and the released versions of each point."""
    point_at, version_at = release.dims.index("point"), release.dims.index("version")
    versions: dict[str, set[str]] = {}
    for atom in disclosure.atoms_in_box(release, box):
        versions.setdefault(atom.key[point_at], set()).add(atom.key[version_at])
    points = _point_labels(pack) | {GENERAL_POINT: text_of("portal_impact_general")}
    newest_first = sorted(set().union(*versions.values()), key=version_key, reverse=True)
    value_label = text_of("portal_value_followups")
    by_point = table(
        release,
        box,
        "point",
        labels=points,
        order=list(points),
        table_id="impact_by_point",
        title=text_of("portal_table_impact_by_point"),
        description=text_of("portal_table_impact_by_point_about"),
        value_label=value_label,
    )
    by_version = table(
        release,
        box,
        "version",
        # "Version 1.0.0", not "1.0.0": a bare "1" in a file would read as a count below k.
        labels={key: text_of("portal_impact_version", version=key) for key in newest_first},
        order=newest_first,
        table_id="impact_by_version",
        title=text_of("portal_table_impact_by_version"),
        description=text_of("portal_table_impact_by_version_about"),
        value_label=value_label,
    )
    return by_point, by_version, versions


def _impact(
    inputs: Inputs,
    filters: Filters,
    *,
    k: int,
    today: date,
    texts: ImpactTexts | None,
    anonymise: Callable[[str], str],
) -> Impact | None:
    """Follow-up answers per point, through the engine exactly as reflections are.

    The same k, block rule and safe atoms (bot.portal.disclosure); blocks are formed from the
    answers themselves (every agency's), since they arrive months after the reflections whose
    blocks would leave them pending. Filters: weeks (widened to whole blocks) and agency; the
    team filter does not apply (an answer is never in a group session) and says so.
    """
    if inputs.impact is None:
        return None
    release = _released(inputs.impact, inputs.impact_whole, k, today)
    box = _box(release, filters, {"agency": filters.agency})
    by_point, by_version, versions = _impact_tables(release, box, inputs.pack)
    points = tuple(
        ImpactPoint(
            key=cell.key,
            label=cell.label,
            count=cell,
            versions=()
            if cell.suppressed
            else tuple(sorted(versions.get(cell.key, ()), key=version_key, reverse=True)),
            quotes=()
            if cell.suppressed or texts is None
            else _impact_quotes(release, box, cell.key, texts, anonymise),
        )
        for cell in by_point.cells
    )
    applied = _applied(release, box, filters, inputs.version)
    notes = box.notes
    if filters.team is not None:
        notes = (*notes, text_of("portal_impact_no_team"))
    return Impact(
        by_point=by_point,
        by_version=by_version,
        points=points,
        week_from=applied.week_from,
        week_to=applied.week_to,
        notes=notes,
        pending_weeks=release.pending_weeks,
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
    followups: ImpactTexts | None = None,
) -> Dashboard:
    """The view for ``filters``: every figure through the engine, quotes anonymised again.

    Also the pack's links last checked more than ``link_stale_days`` before ``today``, and the
    impact view when ``inputs.impact`` is given (quoting ``followups``' texts).

    Raises:
        FilterError: when the filters cannot be applied (a malformed or inverted range).
    """
    release = _released(inputs.reflections, inputs.whole, k, today)
    where = {"agency": filters.agency, "team": filters.team}
    box = _box(release, filters, where)
    reflections = box_total(release, box, label=text_of("portal_headline_reflections"))
    tables = _tables(release, box, inputs.pack, scope)
    headline: tuple[Cell, ...] = (reflections,)
    applied = _applied(release, box, filters, inputs.version)
    if filters.agency is None or filters.agency == scope.agency:
        sessions = build_release(inputs.sessions, k, today=today, blocks=release.blocks)
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
        impact=_impact(inputs, filters, k=k, today=today, texts=followups, anonymise=anonymise),
    )
