"""The portal's SQL reads, on SQLite and PostgreSQL: cubes, versions, cache keys and texts."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, event, insert, text
from sqlalchemy.orm import sessionmaker

from bot.group.minutes import AttendanceCount, Minutes
from bot.portal import figures
from bot.portal.disclosure import Atom
from bot.portal.figures import FollowupText, ReflectionText
from bot.portal.model import (
    IMPACT_DIMS,
    NO_AGENCY,
    NO_TEAM,
    REFLECTION_DIMS,
    SESSION_DIMS,
    Scope,
)
from bot.storage.models import GroupMinutes, Reflection
from bot.storage.session import transaction
from tests.bot.storage.databases import BACKENDS, migrated_sessions

PACK = "esscp-child-z"
VERSION = "1.0.0"
EVERYONE = Scope(partnership=None)


@pytest.fixture(params=BACKENDS)
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sessions(request.param, tmp_path) as sessions:
        yield sessions


def reflection(
    week: str,
    agency: str | None,
    point: str,
    *,
    group_ref: str | None = None,
    pack_id: str = PACK,
    version: str = VERSION,
    words: str = "A reflection.",
    kind: str = "reflection",
) -> dict[str, Any]:
    year, number = week.split("-W")
    return {
        "kind": kind,
        "pack_id": pack_id,
        "pack_version": version,
        "point_id": point,
        "text": words,
        "agency": agency,
        "iso_week": week,
        "channel_kind": "web",
        "receipt_hash": secrets.token_hex(32),
        "created_week_start": date.fromisocalendar(int(year), int(number), 1),
        "group_ref": group_ref,
    }


def minutes_row(
    week: str,
    team: str | None,
    attendance: dict[str, int],
    *,
    group_ref: str | None = None,
    version: str = VERSION,
    body: str | None = None,
) -> dict[str, Any]:
    year, number = week.split("-W")
    minutes = Minutes(
        briefing_title="Child Z",
        partnership="ESSCP",
        pack_id=PACK,
        pack_version=version,
        iso_week=week,
        team_code=team,
        planned_minutes=30,
        duration_minutes=30,
        attendance=tuple(AttendanceCount(a, n) for a, n in attendance.items()),
        joined_count=0,
        points=(),
    )
    return {
        "public_id": secrets.token_urlsafe(16),
        "group_ref": group_ref,
        "pack_id": PACK,
        "pack_version": version,
        "iso_week": week,
        "created_week_start": date.fromisocalendar(int(year), int(number), 1),
        "team_code": team,
        "body": body if body is not None else json.dumps(minutes.to_dict()),
        "receipt_hash": secrets.token_hex(32),
    }


def add(
    factory: sessionmaker, reflections: list[dict[str, Any]], minutes: list[dict[str, Any]]
) -> None:
    with transaction(factory) as session:
        if reflections:
            session.execute(insert(Reflection.__table__), reflections)
        if minutes:
            session.execute(insert(GroupMinutes.__table__), minutes)


@pytest.fixture
def seeded(factory: sessionmaker) -> sessionmaker:
    add(
        factory,
        [
            *[reflection("2026-W45", "police", "p1") for _ in range(3)],
            reflection("2026-W45", None, "p1"),
            reflection("2026-W45", "health", "p2", group_ref="g-one"),
            reflection("2026-W45", "health", "p2", group_ref="g-one"),
            reflection("2026-W46", "health", "p2", group_ref="g-gone"),  # minutes withdrawn
            reflection("2026-W46", "health", "p2", group_ref="g-untitled"),
            reflection("2026-W46", "police", "p1", version="0.9.0"),
            reflection("2026-W46", "police", "p1", pack_id="other-pack"),
        ],
        [
            minutes_row("2026-W45", "TEAM-A", {"police": 4, "health": 2}, group_ref="g-one"),
            # The same session filed twice must not count its members' reflections twice.
            minutes_row("2026-W45", "TEAM-A", {"police": 1}, group_ref="g-one"),
            minutes_row("2026-W46", None, {"health": 3}, group_ref="g-untitled"),
            minutes_row("2026-W46", "TEAM-B", {"education": 5}, version="0.9.0"),
        ],
    )
    return factory


def test_the_reflection_cube_counts_by_week_agency_point_and_team(seeded: sessionmaker) -> None:
    with transaction(seeded) as session:
        cube = figures.reflection_cube(session, pack_id=PACK, pack_version=VERSION, scope=EVERYONE)

    assert cube.dims == REFLECTION_DIMS
    assert sorted(cube.atoms, key=lambda atom: atom.key) == [
        Atom(("2026-W45", "health", "p2", "TEAM-A"), 2),
        Atom(("2026-W45", NO_AGENCY, "p1", NO_TEAM), 1),
        Atom(("2026-W45", "police", "p1", NO_TEAM), 3),
        Atom(("2026-W46", "health", "p2", NO_TEAM), 2),
    ]


def test_an_agency_scope_sees_only_that_agency(seeded: sessionmaker) -> None:
    with transaction(seeded) as session:
        police = figures.reflection_cube(
            session, pack_id=PACK, pack_version=VERSION, scope=Scope(None, "police")
        )
        unsaid = figures.reflection_cube(
            session, pack_id=PACK, pack_version=VERSION, scope=Scope(None, NO_AGENCY)
        )

    assert police.atoms == (Atom(("2026-W45", "police", "p1", NO_TEAM), 3),)
    assert unsaid.atoms == (Atom(("2026-W45", NO_AGENCY, "p1", NO_TEAM), 1),)


def test_the_reflection_cube_is_one_query_from_the_covering_index(seeded: sessionmaker) -> None:
    statements: list[str] = []
    with transaction(seeded) as session:
        engine = session.get_bind()

        def record(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", record)
        try:
            figures.reflection_cube(session, pack_id=PACK, pack_version=VERSION, scope=EVERYONE)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert len(statements) == 1
        if engine.dialect.name == "sqlite":
            compiled = statements[0].replace("?", "'x'")
            plan = " ".join(
                str(row[-1]) for row in session.execute(text("EXPLAIN QUERY PLAN " + compiled))
            )
            assert "COVERING INDEX ix_reflections_portal_cube" in plan


def test_the_session_cube_counts_sessions_weighted_by_attendance(seeded: sessionmaker) -> None:
    add(seeded, [], [minutes_row("2026-W47", "TEAM-C", {}, body="{not json")])
    with transaction(seeded) as session:
        everyone = figures.session_cube(session, pack_id=PACK, pack_version=VERSION, scope=EVERYONE)
        police = figures.session_cube(
            session, pack_id=PACK, pack_version=VERSION, scope=Scope(None, "police")
        )

    assert everyone.dims == SESSION_DIMS and everyone.weighted
    assert everyone.atoms == (
        Atom(("2026-W45", "TEAM-A"), 2, 7),
        Atom(("2026-W46", NO_TEAM), 1, 3),
        Atom(("2026-W47", "TEAM-C"), 1, 0),  # unreadable minutes: a session, nobody counted
    )
    assert police.atoms == (Atom(("2026-W45", "TEAM-A"), 2, 5),)


def test_versions_with_data_come_newest_first(factory: sessionmaker) -> None:
    add(
        factory,
        [reflection("2026-W45", "police", "p1", version=v) for v in ("1.9.0", "1.10.0", "1.0.0")],
        [minutes_row("2026-W45", None, {"police": 1}, version="2.0.0-rc1")],
    )
    with transaction(factory) as session:
        assert figures.versions(session, PACK) == ["2.0.0-rc1", "1.10.0", "1.9.0", "1.0.0"]
        assert figures.versions(session, "no-such-pack") == []


def test_the_data_version_changes_whenever_the_data_does(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        assert figures.data_version(session, PACK, VERSION) == (0, 0)
        assert figures.minutes_version(session, PACK, VERSION) == (0, 0)
    add(
        factory,
        [reflection("2026-W45", "police", "p1") for _ in range(2)],
        [minutes_row("2026-W45", None, {})],
    )
    with transaction(factory) as session:
        largest, rows = figures.data_version(session, PACK, VERSION)
        assert rows == 2 and largest > 0
        assert figures.minutes_version(session, PACK, VERSION)[1] == 1
        session.execute(delete(Reflection).where(Reflection.id == largest - 1))
    with transaction(factory) as session:
        assert figures.data_version(session, PACK, VERSION) == (largest, 1)


def test_texts_stream_in_id_order_batch_by_batch(seeded: sessionmaker) -> None:
    with transaction(seeded) as session:
        streamed = list(
            figures.reflection_texts(
                session, pack_id=PACK, pack_version=VERSION, scope=EVERYONE, batch=2
            )
        )
        police = list(
            figures.reflection_texts(
                session, pack_id=PACK, pack_version=VERSION, scope=Scope(None, "police")
            )
        )
        with pytest.raises(ValueError):
            next(
                figures.reflection_texts(
                    session, pack_id=PACK, pack_version=VERSION, scope=EVERYONE, batch=0
                )
            )

    assert [row.id for row in streamed] == sorted(row.id for row in streamed)
    assert len(streamed) == 8
    assert streamed[3] == ReflectionText(
        streamed[3].id, "2026-W45", NO_AGENCY, NO_TEAM, "p1", "A reflection."
    )
    assert [row.team for row in streamed[4:]] == ["TEAM-A", "TEAM-A", NO_TEAM, NO_TEAM]
    assert [row.agency for row in police] == ["police"] * 3


def test_texts_by_id_reads_in_chunks_and_skips_missing_ids(factory: sessionmaker) -> None:
    add(
        factory,
        [reflection("2026-W45", "police", "p1", words=f"Reflection {n}.") for n in range(1200)],
        [],
    )
    with transaction(factory) as session:
        ids = [
            row.id
            for row in figures.reflection_texts(
                session, pack_id=PACK, pack_version=VERSION, scope=EVERYONE
            )
        ]
        found = figures.texts_by_id(session, [*ids, 10**9, ids[0]])

    assert len(found) == 1200
    assert found[ids[0]] == "Reflection 0." and found[ids[-1]] == "Reflection 1199."


def followup(week: str, agency: str | None, point: str, **values: Any) -> dict[str, Any]:
    return reflection(week, agency, point, kind="followup", **values)


@pytest.fixture
def answered(seeded: sessionmaker) -> sessionmaker:
    """The seeded reflections, and follow-up answers months later (which are not reflections)."""
    add(
        seeded,
        [
            *[followup("2026-W45", "police", "p1", words=f"Changed {n}.") for n in range(3)],
            followup("2026-W46", None, "general"),
            followup("2026-W50", "health", "p2", version="0.9.0", words="About 0.9.0."),
            followup("2026-W50", "police", "p1", pack_id="other-pack"),
        ],
        [],
    )
    return seeded


def test_follow_up_answers_are_in_no_reflection_figure(
    seeded: sessionmaker, answered: sessionmaker
) -> None:
    with transaction(answered) as session:
        cube = figures.reflection_cube(session, pack_id=PACK, pack_version=VERSION, scope=EVERYONE)
        texts = list(
            figures.reflection_texts(session, pack_id=PACK, pack_version=VERSION, scope=EVERYONE)
        )
        largest, rows = figures.data_version(session, PACK, VERSION)

    assert sorted(cube.atoms, key=lambda atom: atom.key) == [
        Atom(("2026-W45", "health", "p2", "TEAM-A"), 2),
        Atom(("2026-W45", NO_AGENCY, "p1", NO_TEAM), 1),
        Atom(("2026-W45", "police", "p1", NO_TEAM), 3),
        Atom(("2026-W46", "health", "p2", NO_TEAM), 2),
    ]
    assert len(texts) == 8 and not any(text.text.startswith("Changed") for text in texts)
    assert rows == 8 and largest == max(text.id for text in texts)


def test_the_impact_cube_counts_answers_of_every_version_by_point(answered: sessionmaker) -> None:
    with transaction(answered) as session:
        cube = figures.impact_cube(session, pack_id=PACK, scope=EVERYONE)
        police = figures.impact_cube(session, pack_id=PACK, scope=Scope(None, "police"))
        quoted = figures.followup_texts(
            session,
            pack_id=PACK,
            point_id="p1",
            first_week="2026-W40",
            last_week="2026-W49",
            scope=EVERYONE,
            limit=2,
        )
        health = figures.followup_texts(
            session,
            pack_id=PACK,
            point_id="p2",
            first_week="2026-W40",
            last_week="2026-W52",
            scope=EVERYONE,
            agency="health",
        )

    assert cube.dims == IMPACT_DIMS
    assert sorted(cube.atoms, key=lambda atom: atom.key) == [
        Atom(("2026-W45", "police", "p1", VERSION), 3),
        Atom(("2026-W46", NO_AGENCY, "general", VERSION), 1),
        Atom(("2026-W50", "health", "p2", "0.9.0"), 1),
    ]
    assert police.atoms == (Atom(("2026-W45", "police", "p1", VERSION), 3),)
    assert [row.text for row in quoted] == ["Changed 2.", "Changed 1."]  # newest first
    assert health == [
        FollowupText(health[0].id, "2026-W50", "health", "p2", "0.9.0", "About 0.9.0.")
    ]


def test_the_impact_cube_is_read_from_the_covering_index(answered: sessionmaker) -> None:
    statements: list[str] = []
    with transaction(answered) as session:
        engine = session.get_bind()

        def record(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", record)
        try:
            figures.impact_cube(session, pack_id=PACK, scope=EVERYONE)
            figures.reflection_cube(session, pack_id=PACK, pack_version=VERSION, scope=EVERYONE)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert len(statements) == 2
        if engine.dialect.name == "sqlite":
            for statement in statements:
                compiled = statement.replace("?", "'x'")
                plan = " ".join(
                    str(row[-1]) for row in session.execute(text("EXPLAIN QUERY PLAN " + compiled))
                )
                assert "COVERING INDEX ix_reflections_portal_cube" in plan, plan
