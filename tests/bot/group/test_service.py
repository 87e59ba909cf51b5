from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.content.schema import Pack
from bot.group import service
from bot.group.minutes import AgreedAction
from bot.group.plan import make_plan
from bot.reflections.receipts import code_from_token, receipt_hash
from bot.reflections.service import receipt_in_use
from bot.storage.models import GroupMinutes, GroupNote, GroupSession
from bot.storage.session import transaction

SECRET = b"test-secret-0123456789abcdef"
NOW = datetime(2026, 12, 8, 14, 0, tzinfo=timezone.utc)


def _session(db: Session, pack: Pack, **overrides: object) -> GroupSession:
    arguments: dict[str, object] = {"session": db, "pack": pack, "lead_key": "k" * 64, "now": NOW}
    arguments.update(overrides)
    return service.create_session(**arguments)  # type: ignore[arg-type]


def _count(db: Session, table: type) -> int:
    return int(db.execute(select(func.count()).select_from(table)).scalar_one())


def test_times_must_say_they_are_utc() -> None:
    assert service.utc_naive(NOW) == datetime(2026, 12, 8, 14, 0)
    plus_one = datetime(2026, 12, 8, 15, 0, tzinfo=timezone(timedelta(hours=1)))
    assert service.utc_naive(plus_one) == datetime(2026, 12, 8, 14, 0)
    with pytest.raises(ValueError):
        service.utc_naive(datetime(2026, 12, 8, 14, 0))


def test_a_new_session_is_live_and_found_by_its_public_id(
    factory: sessionmaker, pack: Pack
) -> None:
    with transaction(factory) as db:
        row = _session(db, pack)
        public_id = row.public_id

    with transaction(factory) as db:
        found = service.find_session(session=db, public_id=public_id)
        assert found is not None and found.status == "live" and found.stage == "duration"
        assert (found.pack_id, found.pack_version) == (pack.id, pack.version)
        assert service.find_session(session=db, public_id=None) is None
        assert service.find_session(session=db, public_id="nope") is None


def test_only_a_live_session_is_found_by_its_join_hash(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as db:
        row = _session(db, pack)
        row.join_hash = "j" * 64
        db.flush()
        assert service.find_by_join_hash(session=db, digest="j" * 64) is row
        service.end_session(session=db, row=row, status=service.CLOSED)
        assert service.find_by_join_hash(session=db, digest="j" * 64) is None


def test_notes_are_counted_per_point_and_kept_in_order(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as db:
        row = _session(db, pack)
        counts = [
            service.add_note(session=db, row=row, point_number=1, text="one"),
            service.add_note(session=db, row=row, point_number=2, text="two"),
            service.add_note(session=db, row=row, point_number=1, text="three"),
        ]
        assert counts == [1, 1, 2]
        assert service.notes_by_point(session=db, row=row) == {1: ("one", "three"), 2: ("two",)}


def test_attendance_is_replaced_or_corrected(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as db:
        row = _session(db, pack)
        first = service.set_attendance(
            session=db, row=row, counts={"police": 2, "health": 1}, replace=True
        )
        corrected = service.set_attendance(
            session=db, row=row, counts={"police": 0, "education": 3}, replace=False
        )
        again = service.set_attendance(session=db, row=row, counts={"other": 1}, replace=True)

    assert first == {"police": 2, "health": 1}
    assert corrected == {"health": 1, "education": 3}
    assert again == {"other": 1}


def test_actions_are_filled_in_and_only_complete_ones_count(
    factory: sessionmaker, pack: Pack
) -> None:
    with transaction(factory) as db:
        row = _session(db, pack)
        assert service.open_action(session=db, row=row) is None
        assert service.start_action(session=db, row=row, what="Check partners") == 1
        action = service.open_action(session=db, row=row)
        assert action is not None
        action.owner_role, action.by_when = "team manager", "January"
        assert service.actions(session=db, row=row) == ()
        action.measure = "An audit"
        db.flush()
        assert service.open_action(session=db, row=row) is None
        assert service.actions(session=db, row=row) == (
            AgreedAction("Check partners", "team manager", "January", "An audit"),
        )


def test_members_are_counted_once(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as db:
        row = _session(db, pack)
        assert service.add_member(session=db, row=row, member_key="a" * 64)
        assert not service.add_member(session=db, row=row, member_key="a" * 64)
        assert service.add_member(session=db, row=row, member_key="b" * 64)
        assert service.member_count(session=db, row=row) == 2
        assert service.is_member(session=db, row=row, member_key="b" * 64)


def test_ending_a_session_deletes_what_it_held(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as db:
        row = _session(db, pack)
        other = _session(db, pack)
        for target in (row, other):
            service.add_note(session=db, row=target, point_number=1, text="a note")
            service.add_member(session=db, row=target, member_key="a" * 64)
        service.end_session(session=db, row=row, status=service.EXPIRED)

    with transaction(factory) as db:
        ended = service.find_session(session=db, public_id=row.public_id)
        assert ended is not None and ended.status == "expired" and ended.lead_key is None
        assert _count(db, GroupNote) == 1  # the other session's note stays


def test_the_database_refuses_an_ended_session_that_keeps_a_key(
    factory: sessionmaker, pack: Pack
) -> None:
    with pytest.raises(IntegrityError), transaction(factory) as db:
        row = _session(db, pack)
        row.status = "closed"
        db.flush()


def test_only_idle_live_sessions_expire(factory: sessionmaker, pack: Pack) -> None:
    with transaction(factory) as db:
        idle = _session(db, pack, now=NOW - timedelta(minutes=241))
        fresh = _session(db, pack, now=NOW - timedelta(minutes=200))
        assert service.expire_idle(session=db, now=NOW, idle_minutes=240) == 1
        assert service.expire_idle(session=db, now=NOW, idle_minutes=240) == 0
        assert (idle.status, fresh.status) == ("expired", "live")


def _facts(pack: Pack, **overrides: object) -> service.SessionFacts:
    arguments: dict[str, object] = {
        "pack": pack,
        "plan": make_plan(30, 4),
        "team_code": None,
        "started_at": datetime(2026, 12, 8, 13, 30),
        "points_shown": 0b0111,
        "points_skipped": 0b0010,
        "joined": 2,
        "notes": {2: ("a note on a skipped point",), 4: ("a note on an unseen point",)},
        "attendance": {"health": 1, "police": 2},
    }
    arguments.update(overrides)
    return service.SessionFacts(**arguments)  # type: ignore[arg-type]


def test_build_minutes_marks_what_was_covered(pack: Pack) -> None:
    minutes = service.build_minutes(_facts(pack), now=NOW)

    assert [p.covered for p in minutes.points] == [True, True, True, True]
    assert [bool(p.prompts_used) for p in minutes.points] == [True, True, True, False]
    assert [(a.agency, a.count) for a in minutes.attendance] == [("police", 2), ("health", 1)]
    assert (minutes.duration_minutes, minutes.iso_week) == (30, "2026-W50")
    unseen = service.build_minutes(_facts(pack, notes={}), now=NOW)
    assert [p.covered for p in unseen.points] == [True, False, True, False]
    instant = service.build_minutes(_facts(pack, started_at=datetime(2026, 12, 8, 14)), now=NOW)
    assert instant.duration_minutes == 1


def test_minutes_are_stored_with_a_receipt_hash_and_loaded(
    factory: sessionmaker, pack: Pack
) -> None:
    minutes = service.build_minutes(_facts(pack), now=NOW)
    with transaction(factory) as db:
        stored = service.store_minutes(
            session=db, minutes=minutes, group_ref="g1", secret=SECRET, today=NOW.date()
        )
    digest = receipt_hash(code_from_token(stored.token, secret=SECRET), secret=SECRET)

    with transaction(factory) as db:
        assert service.load_minutes(db, stored.public_id) == minutes
        assert service.load_minutes(db, "unknown") is None
        row = db.execute(select(GroupMinutes)).scalar_one()
        assert (row.receipt_hash, row.group_ref, row.created_week_start) == (
            digest,
            "g1",
            date(2026, 12, 7),
        )
        assert receipt_in_use(session=db, digest=digest)
    assert stored.token not in repr(stored)


def test_purge_deletes_old_minutes_and_ended_sessions(factory: sessionmaker, pack: Pack) -> None:
    old = service.build_minutes(_facts(pack), now=NOW - timedelta(days=400))
    new = service.build_minutes(_facts(pack), now=NOW)
    with transaction(factory) as db:
        for minutes, day in ((old, NOW.date() - timedelta(days=400)), (new, NOW.date())):
            service.store_minutes(
                session=db, minutes=minutes, group_ref=None, secret=SECRET, today=day
            )
        live, ended = _session(db, pack), _session(db, pack)
        service.end_session(session=db, row=ended, status=service.CLOSED)

    with transaction(factory) as db:
        assert service.purge_minutes(session=db, now=NOW.date(), retention_days=365) == 1
        assert service.purge_ended_sessions(session=db) == 1
        assert _count(db, GroupMinutes) == 1
        assert service.find_session(session=db, public_id=live.public_id) is not None
        with pytest.raises(ValueError):
            service.purge_minutes(session=db, now=NOW.date(), retention_days=-1)
