"""The portal's reads: cubes of counts for the disclosure engine, and texts for the themes.

Counting is the database's job. :func:`reflection_cube` is one aggregate query, answered from a
covering index (migration 0006), so the dashboard costs the same whether a pack has a hundred
reflections or a million, and no row's text ever reaches Python for a figure. What comes back
is a :class:`~bot.portal.disclosure.Cube`; nothing here decides what may be shown.

Every function takes the pack and version explicitly and a :class:`~bot.portal.model.Scope`:
``scope.agency`` narrows the read to one agency's reflections. Partnership scoping is the
caller's: it chooses which packs a lead may ask about.
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.group.minutes import Minutes
from bot.portal.disclosure import Atom, Cube
from bot.portal.model import (
    IMPACT_DIMS,
    NO_AGENCY,
    NO_TEAM,
    REFLECTION_DIMS,
    SESSION_DIMS,
    Scope,
    version_key,
)
from bot.storage.models import GroupMinutes, Reflection

#: How many ids one ``IN (...)`` list holds (SQLite allows 999 parameters in old builds).
_ID_CHUNK = 500
#: ``reflections.kind`` of a reflection, and of an answer to the follow-up months later (impact).
REFLECTION = "reflection"
FOLLOWUP = "followup"


class FollowupText(NamedTuple):
    """One follow-up answer as the impact view quotes it: its atom, and its stored text."""

    id: int
    iso_week: str
    agency: str
    point_id: str
    pack_version: str
    text: str


class ReflectionText(NamedTuple):
    """One reflection as the themes read it: where it sits in the cube, and its stored text.

    ``text`` was anonymised at the door; outputs anonymise quotes again with the current
    anonymiser before showing them.
    """

    id: int
    iso_week: str
    agency: str
    team: str
    point_id: str
    text: str


def _teams() -> Any:
    """Each group session's team code, by the session's public id (one row per session).

    Minutes are few; grouping them first means a reflection joins at most one row, so a
    session filed twice could never count its members' reflections twice.
    """
    return (
        select(
            GroupMinutes.group_ref.label("group_ref"),
            func.max(GroupMinutes.team_code).label("team_code"),
        )
        .where(GroupMinutes.group_ref.is_not(None))
        .group_by(GroupMinutes.group_ref)
        .subquery("teams")
    )


def _in_scope(scope: Scope) -> list[Any]:
    """The WHERE clauses a lead's agency scope adds to a read of reflections."""
    if scope.agency is None:
        return []
    if scope.agency == NO_AGENCY:
        return [Reflection.agency.is_(None)]
    return [Reflection.agency == scope.agency]


def reflection_cube(
    session: Session,
    *,
    pack_id: str,
    pack_version: str,
    scope: Scope,
    since_week: str | None = None,
) -> Cube:
    """Reflections of one pack version counted by ISO week, agency, point and team code.

    One aggregate query. The inner GROUP BY runs in the order of the covering index
    ``ix_reflections_portal_cube`` (pack, version, week, agency, point, group), so it streams
    without a sort; only its result, a few thousand rows at most, is joined to the session's
    team codes and grouped again. A NULL agency becomes :data:`~bot.portal.model.NO_AGENCY`; a
    reflection outside a group session, or in one whose minutes are gone, has
    :data:`~bot.portal.model.NO_TEAM`. ``since_week`` reads only that ISO week and later (a
    range of the same index: the weeks that can still change, read on every request). Only
    rows of kind "reflection": follow-up answers are impact (:func:`impact_cube`), and counting
    them here would inflate every reflection figure (``kind`` is the index's last column, so
    the read stays index-only).
    """
    later = [] if since_week is None else [Reflection.iso_week >= since_week]
    cells = (
        select(
            Reflection.iso_week,
            Reflection.agency,
            Reflection.point_id,
            Reflection.group_ref,
            func.count().label("contributions"),
        )
        .where(
            Reflection.pack_id == pack_id,
            Reflection.pack_version == pack_version,
            *later,
            Reflection.kind == REFLECTION,
            *_in_scope(scope),
        )
        .group_by(Reflection.iso_week, Reflection.agency, Reflection.point_id, Reflection.group_ref)
        .subquery("cells")
    )
    teams = _teams()
    statement = (
        select(
            cells.c.iso_week,
            cells.c.agency,
            cells.c.point_id,
            teams.c.team_code,
            func.sum(cells.c.contributions),
        )
        .select_from(cells.outerjoin(teams, teams.c.group_ref == cells.c.group_ref))
        .group_by(cells.c.iso_week, cells.c.agency, cells.c.point_id, teams.c.team_code)
    )
    return Cube(
        REFLECTION_DIMS,
        tuple(
            Atom((week, agency or NO_AGENCY, point, team or NO_TEAM), int(count))
            for week, agency, point, team, count in session.execute(statement)
        ),
    )


def _participants(body: str, agency: str | None) -> int | None:
    """Who took part according to stored minutes: everyone, or one agency's count.

    Returns None when that agency did not take part. Unreadable minutes count as a session
    with no one recorded, so one damaged row never takes the dashboard down.
    """
    try:
        minutes = Minutes.from_dict(json.loads(body))
    except (ValueError, KeyError, TypeError):
        return 0 if agency is None else None
    if agency is None:
        return minutes.attendance_total
    present = sum(item.count for item in minutes.attendance if item.agency == agency)
    return present or None


def session_cube(session: Session, *, pack_id: str, pack_version: str, scope: Scope) -> Cube:
    """Group sessions (their filed minutes) by ISO week and team code, weighted by attendance.

    ``count`` is the number of sessions and ``weight`` the people who took part, so the
    engine protects people, not documents. Attendance lives inside each minutes' JSON body, so
    this reads the bodies and adds up in Python: acceptable because minutes are few (one per
    team meeting: thousands at most, never millions). With ``scope.agency`` only sessions that
    agency attended count, weighted by that agency's attendance.
    """
    statement = select(GroupMinutes.iso_week, GroupMinutes.team_code, GroupMinutes.body).where(
        GroupMinutes.pack_id == pack_id, GroupMinutes.pack_version == pack_version
    )
    sums: dict[tuple[str, str], list[int]] = {}
    for week, team, body in session.execute(statement):
        people = _participants(body, scope.agency)
        if people is None:
            continue
        entry = sums.setdefault((week, team or NO_TEAM), [0, 0])
        entry[0] += 1
        entry[1] += people
    return Cube(
        SESSION_DIMS,
        tuple(Atom(key, count, weight) for key, (count, weight) in sorted(sums.items())),
    )


def versions(session: Session, pack_id: str) -> list[str]:
    """The versions of a pack that have reflections or minutes, newest first."""
    found: set[str] = set()
    for column, pack in (
        (Reflection.pack_version, Reflection.pack_id),
        (GroupMinutes.pack_version, GroupMinutes.pack_id),
    ):
        found.update(session.execute(select(column).where(pack == pack_id).distinct()).scalars())
    return sorted(found, key=lambda version: (version_key(version), version), reverse=True)


def data_version(session: Session, pack_id: str, pack_version: str) -> tuple[int, int]:
    """(largest id, number of rows) of a pack version's reflections: a cache key for its cube.

    Any insert raises the largest id and any delete (withdrawal, purge) lowers the count, so a
    cube cached under this key is stale exactly when the key changes. Reflections only, like
    the cube (follow-up answers are counted apart, as impact).
    """
    largest, rows = session.execute(
        select(func.max(Reflection.id), func.count()).where(
            Reflection.pack_id == pack_id,
            Reflection.pack_version == pack_version,
            Reflection.kind == REFLECTION,
        )
    ).one()
    return int(largest or 0), int(rows)


def minutes_version(session: Session, pack_id: str, pack_version: str) -> tuple[int, int]:
    """The same cache key as :func:`data_version`, for the group minutes (the session cube)."""
    largest, rows = session.execute(
        select(func.max(GroupMinutes.id), func.count()).where(
            GroupMinutes.pack_id == pack_id, GroupMinutes.pack_version == pack_version
        )
    ).one()
    return int(largest or 0), int(rows)


def team_codes(session: Session) -> dict[str, str]:
    """Each group session's team code by the session's public id (sessions without one left out).

    Minutes are few (one per team meeting), so the whole map is small.
    """
    teams = _teams()
    statement = select(teams.c.group_ref, teams.c.team_code).where(teams.c.team_code.is_not(None))
    return {str(ref): str(team) for ref, team in session.execute(statement)}


def reflection_texts(
    session: Session, *, pack_id: str, pack_version: str, scope: Scope, batch: int = 5000
) -> Iterator[ReflectionText]:
    """Stream a pack version's reflections (not follow-up answers) in id order, ``batch`` a query.

    Keyset pagination (``id > last ORDER BY id LIMIT batch``) keeps memory flat and holds no
    server-side cursor open across the whole read, on SQLite and PostgreSQL alike; each batch
    starts where the last ended, so a million rows are read once. Team codes come from one
    small map read first (:func:`team_codes`) rather than a join in every batch, which keeps
    each batch a plain range read of the table.

    Raises:
        ValueError: if ``batch`` is not positive.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    teams = team_codes(session)
    last = 0
    while True:
        statement = (
            select(
                Reflection.id,
                Reflection.iso_week,
                Reflection.agency,
                Reflection.group_ref,
                Reflection.point_id,
                Reflection.text,
            )
            .where(
                Reflection.pack_id == pack_id,
                Reflection.pack_version == pack_version,
                Reflection.id > last,
                Reflection.kind == REFLECTION,
                *_in_scope(scope),
            )
            .order_by(Reflection.id)
            .limit(batch)
        )
        rows = session.execute(statement).all()
        for row_id, week, agency, group_ref, point, text in rows:
            team = teams.get(group_ref, NO_TEAM) if group_ref else NO_TEAM
            yield ReflectionText(row_id, week, agency or NO_AGENCY, team, point, text)
        if len(rows) < batch:
            return
        last = rows[-1][0]


def texts_by_id(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The stored texts of the given reflections (ids withdrawn meanwhile are simply absent)."""
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), _ID_CHUNK):
        chunk = wanted[start : start + _ID_CHUNK]
        statement = select(Reflection.id, Reflection.text).where(Reflection.id.in_(chunk))
        found.update((int(row_id), text) for row_id, text in session.execute(statement))
    return found


def impact_cube(session: Session, *, pack_id: str, scope: Scope) -> Cube:
    """Follow-up answers of a pack, every version, counted by ISO week, agency, point and version.

    The impact view's cube (:data:`~bot.portal.model.IMPACT_DIMS`): answers come months after
    the briefing, about the version the practitioner read then, which may no longer be the
    newest; so the version is a dimension, not a filter. One aggregate query over the covering
    index (``kind`` is its last column). Answers are never in a group session, so no team.
    """
    statement = (
        select(
            Reflection.iso_week,
            Reflection.agency,
            Reflection.point_id,
            Reflection.pack_version,
            func.count(),
        )
        .where(Reflection.pack_id == pack_id, Reflection.kind == FOLLOWUP, *_in_scope(scope))
        .group_by(
            Reflection.iso_week, Reflection.agency, Reflection.point_id, Reflection.pack_version
        )
    )
    return Cube(
        IMPACT_DIMS,
        tuple(
            Atom((week, agency or NO_AGENCY, point, version), int(count))
            for week, agency, point, version, count in session.execute(statement)
        ),
    )


def followup_texts(
    session: Session,
    *,
    pack_id: str,
    point_id: str,
    first_week: str,
    last_week: str,
    scope: Scope,
    agency: str | None = None,
    limit: int = 200,
) -> list[FollowupText]:
    """The newest ``limit`` follow-up answers on one point, in a run of weeks, to quote from.

    The caller keeps only those whose atom the engine released; the limit bounds the read
    (quotes are a handful), and newest first gives the lead what changed most recently.
    """
    wanted = [] if agency is None else _in_scope(Scope(None, agency))
    statement = (
        select(
            Reflection.id,
            Reflection.iso_week,
            Reflection.agency,
            Reflection.point_id,
            Reflection.pack_version,
            Reflection.text,
        )
        .where(
            Reflection.pack_id == pack_id,
            Reflection.kind == FOLLOWUP,
            Reflection.point_id == point_id,
            Reflection.iso_week >= first_week,
            Reflection.iso_week <= last_week,
            *_in_scope(scope),
            *wanted,
        )
        .order_by(Reflection.id.desc())
        .limit(limit)
    )
    return [
        FollowupText(int(row_id), week, agency_key or NO_AGENCY, point, version, text)
        for row_id, week, agency_key, point, version, text in session.execute(statement)
    ]
