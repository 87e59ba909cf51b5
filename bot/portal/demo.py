"""Clearly synthetic reflections, follow-up answers and group minutes, for trying the portal.

A new partnership has no reflections yet, and nobody may demonstrate the portal with real ones, so
:func:`seed_demo` writes fiction that looks like the real thing to every figure: reflections over
the past weeks (more in the first weeks after a briefing is published, as happens), across the
agencies (some small, so suppression is visible) and the pack's discussion points, plus a few
dozen sets of group minutes whose members' reflections carry the session's id, and optionally
answers to the follow-up months later (the impact view). Every text starts "Demo reflection:",
"Demo follow-up:" or "Demo note:", is built from the phrase bank in ``data/demo.yml`` (no names,
places or dates), and is stored with ``channel_kind`` "demo", so :func:`purge_demo` can remove it
all. A demo row's receipt hash is random: no receipt code exists for it, so nobody can withdraw
one; purge them instead.

The same seed gives the same data (texts, weeks, agencies, points, minutes), except the random
receipt hashes and public ids, which must be unique across repeated seeding. Rows are inserted
with Core ``INSERT`` executemany in batches of 10,000 (psycopg2's ``execute_values`` on
PostgreSQL), so a million rows take a minute or two, with flat memory.

The command line (``reflect demo-data``) refuses to run in production; this module only writes.
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import csv
import io
import json
import math
import re
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from random import Random
from typing import Any

import yaml
from sqlalchemy import delete, insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.content.schema import DiscussionPoint, Pack
from bot.group.minutes import AgreedAction, AttendanceCount, Minutes, PointMinutes
from bot.group.plan import DURATIONS, make_plan
from bot.portal.model import GENERAL_POINT
from bot.reflections.service import iso_week_label, week_start
from bot.storage.models import AGENCIES, GroupMinutes, Reflection

#: The channel kind every demo reflection carries (real ones say "teams", "web", ...).
DEMO_CHANNEL = "demo"
#: Team codes of the demo group sessions.
DEMO_TEAMS: tuple[str, ...] = tuple(f"DEMO-{letter}" for letter in "ABCDEF")
#: The prefix of every demo minutes' public id and session id.
DEMO_ID_PREFIX = "demo-"
#: Rows per INSERT executemany.
BATCH = 10_000
PHRASES_FILE = Path(__file__).with_name("data") / "demo.yml"

#: The key added to a demo minutes' JSON body (Minutes.from_dict ignores it). JSON escapes the
#: quotes of any text inside the minutes, so ``"synthetic": true`` can only be this key.
_MARKER = '"synthetic": true'

# How the fiction is spread. Agencies: two small ones, so the portal shows suppression.
_AGENCY_WEIGHTS: tuple[tuple[str | None, float], ...] = (
    ("health", 0.25),
    ("childrens_social_care", 0.22),
    ("police", 0.17),
    ("education", 0.15),
    ("early_help", 0.08),
    (None, 0.09),
    ("voluntary_sector", 0.025),
    ("other", 0.015),
)
_TEAM_WEIGHTS = (6, 4, 3, 2, 1, 1)
_TAGGED_SHARE = 0.08  # reflections written by members who joined a group session that week
_CROSS_CUTTING_SHARE = 0.24  # reflections on a theme that belongs to no particular point
_WEEK_DECAY = 5.0  # weeks: the burst after publication fades on this scale
_WEEK_FLOOR = 0.2  # the steady trickle that remains, relative to the first week


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`seed_demo` wrote."""

    pack_id: str
    pack_version: str
    reflections: int
    minutes: int
    tagged: int
    """Reflections carrying a group session's id (written by members who joined)."""
    first_week: str
    last_week: str
    followups: int = 0
    """Answers to the follow-up months later (kind "followup"): the portal's impact view."""


@dataclass(frozen=True)
class _Bank:
    """The phrase bank (``data/demo.yml``), parsed once."""

    prefix: str
    note_prefix: str
    fillers: Mapping[str, tuple[str, ...]]
    openers: tuple[str, ...]
    closers: tuple[str, ...]
    themes: Mapping[str, tuple[str, ...]]
    keywords: Mapping[str, tuple[str, ...]]
    cross_cutting: tuple[str, ...]
    actions: tuple[AgreedAction, ...]
    followup_prefix: str = ""
    followups: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def phrase_bank(path: Path = PHRASES_FILE) -> _Bank:
    """The demo phrase bank, read on first use (nothing is read at import)."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    themes = raw["themes"]
    return _Bank(
        prefix=str(raw["prefix"]),
        note_prefix=str(raw["note_prefix"]),
        fillers={key: tuple(values) for key, values in raw["fillers"].items()},
        openers=tuple(raw["openers"]),
        closers=tuple(raw["closers"]),
        themes={name: tuple(theme["sentences"]) for name, theme in themes.items()},
        keywords={name: tuple(theme["keywords"]) for name, theme in themes.items()},
        cross_cutting=tuple(raw["cross_cutting"]),
        actions=tuple(AgreedAction(**item) for item in raw["actions"]),
        followup_prefix=str(raw["followup_prefix"]),
        followups=tuple(raw["followups"]),
    )


class _Fill(dict[str, str]):
    """A format_map mapping that draws a filler for each placeholder as the text is built."""

    def __init__(self, rng: Random, fillers: Mapping[str, tuple[str, ...]]) -> None:
        super().__init__()
        self._rng = rng
        self._fillers = fillers

    def __missing__(self, key: str) -> str:
        return self._rng.choice(self._fillers[key])


def _sentences(rng: Random, bank: _Bank, theme: str, count: int) -> list[str]:
    fill = _Fill(rng, bank.fillers)
    return [sentence.format_map(fill) for sentence in rng.sample(bank.themes[theme], count)]


def demo_text(rng: Random, bank: _Bank, theme: str) -> str:
    """One synthetic reflection on ``theme``: prefix, opener?, one or two sentences, closer?"""
    parts = [bank.prefix]
    if rng.random() < 0.3:
        parts.append(rng.choice(bank.openers))
    parts += _sentences(rng, bank, theme, 2 if rng.random() < 0.45 else 1)
    if rng.random() < 0.3:
        parts.append(rng.choice(bank.closers))
    return " ".join(parts)


def _point_words(point: DiscussionPoint) -> set[str]:
    text = " ".join((point.question, *point.prompts, *(item.title for item in point.learning)))
    return set(re.findall(r"[a-z]+", text.lower()))


def point_themes(point: DiscussionPoint, bank: _Bank) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The themes a point's reflections are about, weighted by the point's own words.

    A theme scores one for each of its keywords the point's question, prompts or learning use;
    the cross-cutting themes (escalation, recording) share a fixed part of every point. A point
    that matches no theme gets every theme equally, so any pack works.
    """
    words = _point_words(point)
    topical = [name for name in bank.themes if name not in bank.cross_cutting]
    scores = {name: sum(word in words for word in bank.keywords[name]) for name in topical}
    if not any(scores.values()):
        scores = dict.fromkeys(topical, 1)
    total = sum(scores.values())
    names = [name for name in topical if scores[name]]
    weights = [(1 - _CROSS_CUTTING_SHARE) * scores[name] / total for name in names]
    for name in bank.cross_cutting:
        names.append(name)
        weights.append(_CROSS_CUTTING_SHARE / len(bank.cross_cutting))
    return tuple(names), tuple(weights)


def demo_weeks(today: date, weeks: int) -> list[date]:
    """The Mondays of the ``weeks`` whole ISO weeks before today's, oldest first."""
    this_monday = week_start(today)
    return [this_monday - timedelta(weeks=back) for back in range(weeks, 0, -1)]


def _week_weights(count: int) -> list[float]:
    """More in the first weeks after publication, then a steady trickle."""
    return [math.exp(-index / _WEEK_DECAY) + _WEEK_FLOOR for index in range(count)]


def _demo_id() -> str:
    """A random id marked as demo: 21 characters, while real ones are 22 (never the same)."""
    return DEMO_ID_PREFIX + secrets.token_urlsafe(12)


@dataclass(frozen=True)
class _Session:
    """A demo group session: its id (what members' reflections carry) and its week."""

    group_ref: str
    monday: date


def _attendance(rng: Random) -> tuple[AttendanceCount, ...]:
    present = sorted(rng.sample(AGENCIES, rng.randint(2, 4)))
    return tuple(AttendanceCount(agency, rng.randint(1, 6)) for agency in present)


def _demo_minutes(rng: Random, bank: _Bank, pack: Pack, monday: date) -> Minutes:
    """One session's minutes, as the group service would file them, with demo notes."""
    duration = rng.choice(DURATIONS[1:])
    plan = make_plan(duration, len(pack.discussion_points))
    attendance = _attendance(rng)
    points = []
    for point in pack.discussion_points:
        covered = rng.random() < 0.85
        names, weights = point_themes(point, bank)
        notes = tuple(
            f"{bank.note_prefix} {_sentences(rng, bank, rng.choices(names, weights)[0], 1)[0]}"
            for _ in range(rng.randint(1, 3) if covered else 0)
        )
        points.append(
            PointMinutes(
                number=point.number,
                point_id=point.id,
                question=point.question,
                learning=tuple(item.title for item in point.learning),
                links=tuple((link.title, link.url) for link in point.links),
                planned_minutes=plan.point_minutes(point.number),
                notes=notes,
                prompts_used=point.prompts if covered else (),
                covered=covered,
            )
        )
    actions = tuple(rng.sample(bank.actions, rng.randint(0, 3)))
    return Minutes(
        briefing_title=pack.title,
        partnership=pack.partnership,
        pack_id=pack.id,
        pack_version=pack.version,
        iso_week=iso_week_label(monday),
        team_code=rng.choices(DEMO_TEAMS, _TEAM_WEIGHTS)[0],
        planned_minutes=duration,
        duration_minutes=max(5, duration + rng.randint(-5, 10)),
        attendance=attendance,
        joined_count=rng.randint(0, sum(item.count for item in attendance)),
        points=tuple(points),
        actions=actions,
    )


def _seed_minutes(
    session: Session, rng: Random, bank: _Bank, pack: Pack, mondays: Sequence[date], count: int
) -> list[_Session]:
    """Insert ``count`` demo minutes; return their sessions for members' reflections to carry."""
    sessions: list[_Session] = []
    rows: list[dict[str, Any]] = []
    for monday in sorted(rng.choices(mondays, _week_weights(len(mondays)), k=count)):
        minutes = _demo_minutes(rng, bank, pack, monday)
        body = minutes.to_dict() | {"synthetic": True}
        group_ref = _demo_id()
        sessions.append(_Session(group_ref, monday))
        rows.append(
            {
                "public_id": _demo_id(),
                "group_ref": group_ref,
                "pack_id": pack.id,
                "pack_version": pack.version,
                "iso_week": minutes.iso_week,
                "created_week_start": monday,
                "team_code": minutes.team_code,
                "body": json.dumps(body, ensure_ascii=False, sort_keys=True),
                "receipt_hash": secrets.token_hex(32),
            }
        )
    if rows:
        session.execute(insert(GroupMinutes.__table__), rows)
    return sessions


def _reflection_rows(
    rng: Random,
    bank: _Bank,
    pack: Pack,
    mondays: Sequence[date],
    sessions: Sequence[_Session],
    count: int,
) -> Iterator[list[dict[str, Any]]]:
    """The demo reflections, :data:`BATCH` rows at a time (drawn batch by batch: flat memory)."""
    agencies = [agency for agency, _ in _AGENCY_WEIGHTS]
    agency_weights = [weight for _, weight in _AGENCY_WEIGHTS]
    points = pack.discussion_points
    point_weights = [len(points) + 1 - index for index in range(len(points))]
    themes = {point.id: point_themes(point, bank) for point in points}
    labels = {monday: iso_week_label(monday) for monday in mondays}
    by_week: dict[date, list[str]] = {}
    for item in sessions:
        by_week.setdefault(item.monday, []).append(item.group_ref)
    week_weights = _week_weights(len(mondays))
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        weeks = rng.choices(mondays, week_weights, k=size)
        chosen_agencies = rng.choices(agencies, agency_weights, k=size)
        chosen_points = rng.choices(points, point_weights, k=size)
        hashes = secrets.token_hex(32 * size)
        rows = []
        for index, (monday, agency, point) in enumerate(
            zip(weeks, chosen_agencies, chosen_points, strict=True)
        ):
            names, weights = themes[point.id]
            refs = by_week.get(monday)
            group_ref = rng.choice(refs) if refs and rng.random() < _TAGGED_SHARE else None
            rows.append(
                {
                    "pack_id": pack.id,
                    "pack_version": pack.version,
                    "point_id": point.id,
                    "text": demo_text(rng, bank, rng.choices(names, weights)[0]),
                    "agency": agency,
                    "iso_week": labels[monday],
                    "channel_kind": DEMO_CHANNEL,
                    "receipt_hash": hashes[index * 64 : index * 64 + 64],
                    "created_week_start": monday,
                    "group_ref": group_ref,
                    "kind": "reflection",
                }
            )
        yield rows


def demo_followup_text(rng: Random, bank: _Bank) -> str:
    """One synthetic follow-up answer: the prefix and one or two "since then" sentences."""
    fill = _Fill(rng, bank.fillers)
    count = 2 if rng.random() < 0.35 else 1
    return " ".join(
        [
            bank.followup_prefix,
            *(item.format_map(fill) for item in rng.sample(bank.followups, count)),
        ]
    )


def _followup_rows(
    rng: Random, bank: _Bank, pack: Pack, mondays: Sequence[date], count: int
) -> list[dict[str, Any]]:
    """Follow-up answers, months after the reflections: the last weeks, about every point.

    An answer comes about FOLLOWUP_DAYS (13 weeks) after its reflection, so the answers fall in
    the weeks from the 14th on (or the later half of a shorter run), with the same burst; some
    are about the briefing as a whole ("general"), the rest about its points.
    """
    later = list(mondays[13:] if len(mondays) > 13 else mondays[len(mondays) // 2 :])
    agencies = [agency for agency, _ in _AGENCY_WEIGHTS]
    agency_weights = [weight for _, weight in _AGENCY_WEIGHTS]
    points = [point.id for point in pack.discussion_points] + [GENERAL_POINT]
    point_weights = [len(points) + 1 - index for index in range(len(points))]
    hashes = secrets.token_hex(32 * count)
    rows = []
    for index in range(count):
        monday = rng.choices(later, _week_weights(len(later)))[0]
        rows.append(
            {
                "pack_id": pack.id,
                "pack_version": pack.version,
                "point_id": rng.choices(points, point_weights)[0],
                "text": demo_followup_text(rng, bank),
                "agency": rng.choices(agencies, agency_weights)[0],
                "iso_week": iso_week_label(monday),
                "channel_kind": DEMO_CHANNEL,
                "receipt_hash": hashes[index * 64 : index * 64 + 64],
                "created_week_start": monday,
                "group_ref": None,
                "kind": "followup",
            }
        )
    return rows


_COLUMNS = (
    "pack_id",
    "pack_version",
    "point_id",
    "text",
    "agency",
    "iso_week",
    "channel_kind",
    "receipt_hash",
    "created_week_start",
    "group_ref",
    "kind",
)


def _insert_reflections(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert one batch: ``COPY`` on PostgreSQL (several times faster), else executemany.

    COPY goes through the session's own connection, so it is part of the same transaction. In
    its CSV format an unquoted empty field is NULL, which is what ``None`` is written as; no
    demo text is empty.
    """
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(Reflection.__table__), rows)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([row[column] for column in _COLUMNS] for row in rows)
    buffer.seek(0)
    cursor = session.connection().connection.cursor()
    try:
        cursor.copy_expert(
            f"COPY {Reflection.__tablename__} ({', '.join(_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
            buffer,
        )
    finally:
        cursor.close()


def _analyse(session: Session) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load.

    Without them the planner still believes the tables are as empty as when they were created
    and picks plans for a handful of rows (autovacuum would catch up, but may be off or slow).
    ``ANALYZE`` samples the table, so it costs seconds at most, and may run in a transaction.
    SQLite plans these queries well without statistics, so nothing is done there.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE reflections"))
        session.execute(text("ANALYZE group_minutes"))


def seed_demo(
    session: Session,
    *,
    pack: Pack,
    reflections: int,
    seed: int = 0,
    weeks: int = 26,
    today: date,
    followups: int = 0,
) -> DemoSummary:
    """Insert ``reflections`` synthetic reflections and a few dozen minutes for ``pack``.

    Spread over the ``weeks`` whole ISO weeks before ``today``'s (so the portal can release
    them), skewed towards the first. Then ``followups`` answers to the follow-up, in the later
    weeks (drawn from a random stream of their own, so the reflections are the same with or
    without them). The session is only written to; the caller commits.

    Raises:
        ValueError: if ``reflections`` or ``followups`` is negative or ``weeks`` is below 1.
    """
    if reflections < 0 or followups < 0:
        raise ValueError("reflections and followups must not be negative")
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    rng = Random(seed)
    bank = phrase_bank()
    mondays = demo_weeks(today, weeks)
    minutes_count = max(4, min(36, reflections // 50))
    sessions = _seed_minutes(session, rng, bank, pack, mondays, minutes_count)
    tagged = 0
    for rows in _reflection_rows(rng, bank, pack, mondays, sessions, reflections):
        _insert_reflections(session, rows)
        tagged += sum(row["group_ref"] is not None for row in rows)
    if followups:
        answers = _followup_rows(Random(f"followups-{seed}"), bank, pack, mondays, followups)
        for start in range(0, len(answers), BATCH):
            _insert_reflections(session, answers[start : start + BATCH])
    _analyse(session)
    return DemoSummary(
        pack_id=pack.id,
        pack_version=pack.version,
        reflections=reflections,
        minutes=minutes_count,
        tagged=tagged,
        first_week=iso_week_label(mondays[0]),
        last_week=iso_week_label(mondays[-1]),
        followups=followups,
    )


def vacuum_after_seeding(engine: Engine) -> None:
    """On PostgreSQL, ``VACUUM ANALYZE`` the seeded tables (run after the seeding commits).

    The reflection cube is read from a covering index, but PostgreSQL uses an index-only scan
    only for pages its visibility map marks all-visible, which takes a VACUUM. Autovacuum does
    that in time on a live server; right after a million-row seed (and on servers with
    autovacuum off) the cube would read the table instead: about 0.55 s rather than 0.17 s at a
    million rows. VACUUM cannot run inside a transaction, hence its own autocommit connection.
    Nothing to do on SQLite.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in (Reflection.__tablename__, GroupMinutes.__tablename__):
            connection.execute(text(f"VACUUM ANALYZE {table}"))


def purge_demo(session: Session) -> int:
    """Delete every demo reflection and demo minutes; return how many rows went (both kinds).

    Demo minutes are recognised by their demo id *and* the marker in their body, so no real
    minutes can ever match.
    """
    reflections = session.execute(
        delete(Reflection)
        .where(Reflection.channel_kind == DEMO_CHANNEL)
        .execution_options(synchronize_session=False)
    ).rowcount
    minutes = session.execute(
        delete(GroupMinutes)
        .where(
            GroupMinutes.public_id.startswith(DEMO_ID_PREFIX, autoescape=True),
            GroupMinutes.body.contains(_MARKER, autoescape=True),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    return int(reflections) + int(minutes)
