"""What the safeguarding lead's portal shows, as plain frozen data shared by every output.

The page, the CSV, the XLSX, the PDF report and the JSON API are all rendered from one
:class:`Dashboard`, built once by :func:`bot.portal.dashboard.build_dashboard` after the
disclosure engine (:mod:`bot.portal.disclosure`) has decided what may be shown. Nothing that
renders a Dashboard computes a figure of its own, so nothing can show more than the engine
released: a suppressed figure is a :class:`Cell` whose ``value`` is ``None``.

Plain Python: no Rasa, no database, no web framework.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

#: The dimensions a reflection atom is keyed by (bot.portal.disclosure), in this order.
#: ``block`` is a run of whole ISO weeks (the engine's release period); ``team`` is the team
#: code of the group session a joined member wrote in (None outside one).
REFLECTION_DIMS: tuple[str, ...] = ("block", "agency", "point", "team")
#: A theme atom: the same, with the reflection's theme instead of its discussion point.
THEME_DIMS: tuple[str, ...] = ("block", "agency", "team", "theme")
#: A group-session atom: sessions are multi-agency, so only time and team code.
SESSION_DIMS: tuple[str, ...] = ("block", "team")
#: A follow-up answer's atom (the impact view): the week answered, the agency, the point (or
#: :data:`GENERAL_POINT`) and the pack version the practitioner was briefed on. No team: an
#: answer comes months later, outside any group session.
IMPACT_DIMS: tuple[str, ...] = ("block", "agency", "point", "version")

#: A follow-up answer about the briefing as a whole rather than one discussion point (the point
#: id bot.reflections.dialogue.GENERAL_POINT_ID saves outside the discussion).
GENERAL_POINT = "general"

#: "Prefer not to say" as an agency key (a NULL agency in the database).
NO_AGENCY = "not_said"
#: A reflection written outside a group session has no team code.
NO_TEAM = "none"


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Sorts "1.10.0" after "1.9.2" (numbers as numbers; other parts as text, before numbers)."""
    return tuple(
        (1, int(part), "") if part.isdigit() else (0, 0, part)
        for part in re.split(r"[.\-+]", version)
    )


@dataclass(frozen=True)
class Scope:
    """What one portal account may see: a partnership (or all, for an admin) and an agency.

    ``partnership`` is compared with a pack's ``partnership_short`` (case-insensitively);
    ``None`` means every partnership. ``agency`` narrows a lead of one organisation (e.g. the
    police's safeguarding lead in the partnership) to that agency's reflections; ``None`` means
    every agency.
    """

    partnership: str | None
    agency: str | None = None


@dataclass(frozen=True)
class Filters:
    """What the lead asked for, before the engine snaps it.

    Weeks are ISO weeks ("2026-W45"); None means "from the start" / "to the latest"; agency and
    team None mean all.
    """

    pack_id: str
    pack_version: str | None = None
    week_from: str | None = None
    week_to: str | None = None
    agency: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class Cell:
    """One released figure. ``value`` None means suppressed ("fewer than k")."""

    key: str
    label: str
    value: int | None

    @property
    def suppressed(self) -> bool:
        """Whether the engine withheld this figure."""
        return self.value is None


@dataclass(frozen=True)
class Table:
    """A breakdown (by week, by point, by agency...) and its total, as released.

    ``total`` counts only what the table shows (the engine never adds a suppressed group into
    any figure), so no suppressed cell can be recovered from it.
    """

    id: str
    title: str
    description: str
    dimension: str
    value_label: str
    cells: tuple[Cell, ...]
    total: Cell


@dataclass(frozen=True)
class RecommendationMatch:
    """The review recommendation a theme matches best (None when nothing matches well)."""

    number: int
    title: str
    score: float


@dataclass(frozen=True)
class Theme:
    """A recurring theme: its words, its released size, its recommendation and its quotes.

    ``quotes`` is empty whenever the theme's released count is suppressed; quotes are
    re-anonymised with the current anonymiser when the Dashboard is built.
    """

    id: str
    label: str
    terms: tuple[str, ...]
    count: Cell
    agencies: int
    recommendation: RecommendationMatch | None
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class ActionSummary:
    """An action a team agreed, as the minutes recorded it (owner is a role)."""

    what: str
    owner_role: str | None
    by_when: str | None
    measure: str | None


@dataclass(frozen=True)
class MinutesSummary:
    """One set of group minutes filed for the lead (a team's document, not a figure)."""

    public_id: str
    iso_week: str
    team_code: str | None
    planned_minutes: int | None
    points_discussed: int
    points_total: int
    attendance: int | None
    """People who took part, or None when fewer than k (never split by agency here)."""
    actions: tuple[ActionSummary, ...]


@dataclass(frozen=True)
class StaleLink:
    """A link of the briefing not checked for a while: the page may have moved.

    Links are public (the briefing's own), so they need no disclosure control.
    """

    id: str
    title: str
    url: str
    last_verified: date
    days: int
    """Days since it was last checked."""


@dataclass(frozen=True)
class AppliedFilters:
    """The filters as the engine applied them (date range snapped to release blocks)."""

    pack_id: str
    pack_version: str
    week_from: str | None
    week_to: str | None
    agency: str | None
    team: str | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImpactPoint:
    """What practitioners said changed in practice since the briefing, for one point.

    ``count`` is released like any figure; ``versions`` are the pack versions the released
    answers were about (newest first, from safe atoms only), and ``quotes`` come only from safe
    atoms inside the view, re-anonymised; both are empty whenever ``count`` is suppressed.
    """

    key: str
    label: str
    count: Cell
    versions: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Impact:
    """The follow-up answers ("what has changed in your practice since?"), per point.

    Released by the same engine, threshold and rules as the reflections, over release blocks
    of their own (answers come months later than reflections). ``by_point`` and ``by_version``
    are ordinary tables (so every output draws and writes them as it does the others);
    ``points`` follows ``by_point.cells``. ``week_from``/``week_to`` are the weeks as the engine
    applied them to the answers, ``notes`` say why (widening, pending, the team filter).
    """

    by_point: Table
    by_version: Table
    points: tuple[ImpactPoint, ...]
    week_from: str | None = None
    week_to: str | None = None
    notes: tuple[str, ...] = ()
    pending_weeks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dashboard:
    """Everything one view of the portal shows, already through disclosure control."""

    pack_id: str
    pack_version: str
    pack_title: str
    partnership: str
    filters: AppliedFilters
    k: int
    produced_on: date
    retention_days: int
    rule: str
    """The suppression rule in plain English, printed on every page and in every file."""
    headline: tuple[Cell, ...]
    tables: tuple[Table, ...]
    themes: tuple[Theme, ...]
    minutes: tuple[MinutesSummary, ...]
    pending_weeks: tuple[str, ...] = field(default=())
    """Recent weeks not yet released (not enough contributions yet to protect anonymity)."""
    link_stale_days: int = 180
    """LINK_STALE_DAYS: a link last checked longer ago than this is listed in ``stale_links``."""
    stale_links: tuple[StaleLink, ...] = field(default=())
    """The briefing's links last checked more than ``link_stale_days`` ago, oldest first."""
    impact: Impact | None = None
    """Follow-up answers per point (None: not worked out for this view, e.g. a test's)."""
