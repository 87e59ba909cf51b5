"""Exactly-once saving: the same reflection or minutes sent again stores nothing new.

On SQLite and PostgreSQL (migrated by Alembic, so the unique index is the migration's).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.content.schema import Pack
from bot.group import service as group_service
from bot.group.minutes import Minutes
from bot.reflections import dialogue
from bot.reflections import service as reflection_service
from bot.reflections.receipts import (
    idempotency_key,
    minutes_key,
    receipt_hash,
    receipt_token_for,
)
from bot.reflections.service import Receipt, ReflectionError, record_reflection
from bot.storage.models import GroupMinutes, Reflection
from bot.storage.session import transaction
from tests.bot.storage.databases import BACKENDS, migrated_sessions

SECRET = b"idempotency-test-secret-0123456789"
TODAY = date(2026, 12, 7)
SENDER = "s_" + "b" * 64
TEXT = "Next time I would ask the health visitor about the new partner before the visit."


@pytest.fixture(params=BACKENDS)
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sessions(request.param, tmp_path) as sessions:
        yield sessions


def _count(factory: sessionmaker, model: Any = Reflection) -> int:
    with transaction(factory) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _save(factory: sessionmaker, pack: Pack, **overrides: Any) -> Receipt:
    arguments: dict[str, Any] = {
        "factory": factory,
        "pack": pack,
        "point_number": 2,
        "text": TEXT,
        "agency": "health",
        "channel_kind": "rest",
        "secret": SECRET,
        "today": TODAY,
        "sender_id": SENDER,
    }
    arguments.update(overrides)
    return dialogue.save(**arguments)


# --- the key ----------------------------------------------------------------------------------


def test_the_key_is_a_keyed_hash_of_conversation_point_and_text() -> None:
    key = idempotency_key(SENDER, pack_id="p", point_id="2", text=TEXT, secret=SECRET)
    assert key.startswith("i_") and len(key) == 66
    assert SENDER[2:] not in key
    assert key == idempotency_key(
        SENDER, pack_id="p", point_id="2", text=f" {TEXT}\n", secret=SECRET
    )
    others = {
        idempotency_key("s_other", pack_id="p", point_id="2", text=TEXT, secret=SECRET),
        idempotency_key(SENDER, pack_id="q", point_id="2", text=TEXT, secret=SECRET),
        idempotency_key(SENDER, pack_id="p", point_id="3", text=TEXT, secret=SECRET),
        idempotency_key(SENDER, pack_id="p", point_id="2", text=TEXT + ".", secret=SECRET),
        idempotency_key(SENDER, pack_id="p", point_id="2", text=TEXT, secret=SECRET[::-1]),
    }
    assert key not in others and len(others) == 5


def test_minutes_keys_and_derived_tokens_are_per_session() -> None:
    assert minutes_key("g1", secret=SECRET) != minutes_key("g2", secret=SECRET)
    token = receipt_token_for(minutes_key("g1", secret=SECRET), secret=SECRET)
    assert len(token) == 24 and int(token, 16) >= 0
    assert token == receipt_token_for(minutes_key("g1", secret=SECRET), secret=SECRET)


# --- reflections ------------------------------------------------------------------------------


def test_a_repeated_save_stores_once_and_returns_the_same_receipt(
    factory: sessionmaker, pack: Pack
) -> None:
    first = _save(factory, pack)
    again = _save(factory, pack, agency="police", channel_kind="teams")

    assert _count(factory) == 1
    assert (again.code, again.iso_week, again.token) == (first.code, first.iso_week, first.token)
    assert not first.repeated and again.repeated
    with transaction(factory) as session:
        row = session.execute(select(Reflection)).scalar_one()
    assert row.receipt_hash == receipt_hash(first.code, secret=SECRET)
    assert row.agency == "health"  # the first save's, untouched
    assert row.idempotency_key is not None and SENDER not in row.idempotency_key


def test_different_conversations_or_texts_store_separately(
    factory: sessionmaker, pack: Pack
) -> None:
    codes = {
        _save(factory, pack).code,
        _save(factory, pack, sender_id="s_" + "c" * 64).code,
        _save(factory, pack, text=TEXT + " And I would write it down.").code,
        _save(factory, pack, point_number=3).code,
    }
    assert len(codes) == 4 and _count(factory) == 4


def test_without_a_sender_every_save_is_new(factory: sessionmaker, pack: Pack) -> None:
    _save(factory, pack, sender_id=None)
    _save(factory, pack, sender_id=None)
    assert _count(factory) == 2


def test_a_withdrawn_reflection_can_be_saved_again(factory: sessionmaker, pack: Pack) -> None:
    first = _save(factory, pack)
    with transaction(factory) as session:
        assert reflection_service.withdraw_reflection(
            session=session, digest=receipt_hash(first.code, secret=SECRET)
        )
    again = _save(factory, pack)
    assert not again.repeated and _count(factory) == 1


def test_a_concurrent_duplicate_is_refused_by_the_index_and_answered_with_the_first_receipt(
    factory: sessionmaker, pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another replica commits the same save between our check and our insert."""
    first = _save(factory, pack)
    original = reflection_service._already_stored
    calls: list[str] = []

    def blind_once(*args: Any, **kwargs: Any) -> Receipt | None:
        calls.append("check")
        return None if len(calls) == 1 else original(*args, **kwargs)

    monkeypatch.setattr(reflection_service, "_already_stored", blind_once)
    in_use = reflection_service.receipt_in_use
    monkeypatch.setattr(  # its receipt code was not stored yet either, when we checked
        reflection_service,
        "receipt_in_use",
        lambda **kwargs: len(calls) > 1 and in_use(**kwargs),
    )
    again = _save(factory, pack)

    assert calls == ["check", "check"]
    assert again.repeated and again.code == first.code and _count(factory) == 1


def test_the_unique_index_refuses_a_second_row_with_the_key(factory: sessionmaker) -> None:
    key = idempotency_key(SENDER, pack_id="p", point_id="2", text=TEXT, secret=SECRET)
    with transaction(factory) as session:
        record_reflection(
            session=session,
            text=TEXT,
            pack_id="p",
            pack_version="1",
            point_id="2",
            agency=None,
            channel_kind="rest",
            secret=SECRET,
            today=TODAY,
            receipt_token="a" * 24,
            idempotency_key=key,
        )
    with pytest.raises(IntegrityError), transaction(factory) as session:
        session.add(
            Reflection(
                pack_id="p",
                pack_version="1",
                point_id="2",
                text=TEXT,
                iso_week="2026-W50",
                channel_kind="rest",
                receipt_hash="f" * 64,
                created_week_start=TODAY,
                idempotency_key=key,
            )
        )
        session.flush()
    assert _count(factory) == 1


def test_a_keyed_save_with_a_foreign_token_gives_no_wrong_receipt(factory: sessionmaker) -> None:
    key = idempotency_key(SENDER, pack_id="p", point_id="2", text=TEXT, secret=SECRET)
    arguments: dict[str, Any] = dict(
        text=TEXT,
        pack_id="p",
        pack_version="1",
        point_id="2",
        agency=None,
        channel_kind="rest",
        secret=SECRET,
        today=TODAY,
        idempotency_key=key,
    )
    with transaction(factory) as session:
        record_reflection(session=session, receipt_token="a" * 24, **arguments)
    with pytest.raises(ReflectionError), transaction(factory) as session:
        record_reflection(session=session, receipt_token="b" * 24, **arguments)
    assert _count(factory) == 1


def test_a_failed_commit_raises_so_saved_is_never_said(
    factory: sessionmaker, pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The receipt only exists once the commit succeeded: a commit failure raises instead."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    def broken_commit(self: Session) -> None:
        raise OperationalError("COMMIT", {}, ConnectionResetError())

    monkeypatch.setattr(Session, "commit", broken_commit)
    with pytest.raises(OperationalError):
        _save(factory, pack)
    monkeypatch.undo()
    assert _count(factory) == 0


# --- minutes ----------------------------------------------------------------------------------


def _minutes() -> Minutes:
    return Minutes(
        briefing_title="A briefing",
        partnership="A partnership",
        pack_id="p",
        pack_version="1",
        iso_week="2026-W50",
        team_code=None,
        planned_minutes=30,
        duration_minutes=30,
        attendance=(),
        joined_count=0,
        points=(),
    )


def test_minutes_of_one_session_are_stored_once(factory: sessionmaker) -> None:
    stored = []
    for _ in range(2):
        with transaction(factory) as session:
            stored.append(
                group_service.store_minutes(
                    session=session,
                    minutes=_minutes(),
                    group_ref="g" * 12,
                    secret=SECRET,
                    today=TODAY,
                )
            )
    assert stored[0] == stored[1] and stored[0].token == stored[1].token
    assert _count(factory, GroupMinutes) == 1
    with transaction(factory) as session:
        key = session.execute(select(GroupMinutes.idempotency_key)).scalar_one()
    assert key == minutes_key("g" * 12, secret=SECRET)
