from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.storage.models import Reflection, metadata
from bot.storage.session import (
    make_engine,
    make_session_factory,
    transaction,
    use_write_ahead_log,
)


def _reflection(receipt_hash: str = "h" * 64) -> Reflection:
    from datetime import date

    return Reflection(
        pack_id="esscp-child-z",
        pack_version="1",
        point_id="dp1",
        text="We did not share information.",
        agency=None,
        iso_week="2026-W48",
        channel_kind="rest",
        receipt_hash=receipt_hash,
        created_week_start=date(2026, 11, 23),
    )


def test_sqlite_file_database_gets_its_parent_directories(tmp_path: Path) -> None:
    path = tmp_path / "var" / "deep" / "reflect.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()

    assert path.exists()


def test_sqlite_connections_may_cross_threads(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'threads.db'}")
    errors: list[BaseException] = []
    try:
        with engine.connect() as connection:

            def use_elsewhere() -> None:
                try:
                    connection.execute(text("SELECT 1"))
                except BaseException as exc:  # pragma: no cover - reported below
                    errors.append(exc)

            thread = threading.Thread(target=use_elsewhere)
            thread.start()
            thread.join()
    finally:
        engine.dispose()

    assert errors == []


def test_in_memory_sqlite_is_shared_by_every_session() -> None:
    engine = make_engine("sqlite://")
    try:
        metadata.create_all(engine)  # tests only: real databases are migrated by Alembic
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            session.add(_reflection())
        with transaction(factory) as session:
            count = session.execute(select(func.count()).select_from(Reflection)).scalar_one()
    finally:
        engine.dispose()

    assert count == 1


def test_postgres_engine_pools_and_pings_without_connecting() -> None:
    engine = make_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    try:
        assert engine.pool.size() == 5
        assert engine.pool._max_overflow == 10
        assert engine.pool._pre_ping is True
    finally:
        engine.dispose()


def test_transaction_commits_on_success_and_rolls_back_on_error() -> None:
    engine = make_engine("sqlite://")
    try:
        metadata.create_all(engine)
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            session.add(_reflection("a" * 64))

        with pytest.raises(RuntimeError, match="boom"), transaction(factory) as session:
            session.add(_reflection("b" * 64))
            session.flush()
            raise RuntimeError("boom")

        with transaction(factory) as session:
            hashes = session.execute(select(Reflection.receipt_hash)).scalars().all()
    finally:
        engine.dispose()

    assert hashes == ["a" * 64]


def test_sessions_are_2_0_style() -> None:
    engine = make_engine("sqlite://")
    try:
        session = make_session_factory(engine)()
        assert session.future is True
        session.close()
    finally:
        engine.dispose()


def test_a_sqlite_file_is_put_in_write_ahead_log_mode(tmp_path: Path) -> None:
    database = tmp_path / "var" / "tracker.db"

    use_write_ahead_log(database)
    use_write_ahead_log(database)  # again: harmless

    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        connection.close()
