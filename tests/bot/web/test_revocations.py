"""The revocation list in the database: shared by every process, rows purged after expiry.

On SQLite and PostgreSQL, on the schema Alembic builds (not create_all).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.storage.migrate import upgrade
from bot.storage.session import make_engine
from bot.web.revocations import SqlRevocationList
from bot.web.sessions import SessionSigner, WidgetSessions
from tests.bot.storage.databases import BACKENDS, TestDatabase, temporary_database

SECRET = b"session-test-secret-0123456789abcdef"
TODAY = date(2025, 3, 14)


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    with temporary_database(request.param, tmp_path) as db:
        upgrade(db.url)
        yield db


@pytest.fixture
def lists(database: TestDatabase) -> Iterator[list[SqlRevocationList]]:
    """Two lists on the same database, as two Rasa server workers would have."""
    made = [SqlRevocationList(database.url), SqlRevocationList(database.url)]
    yield made
    for revocations in made:
        revocations.close()


def _rows(url: str) -> list[tuple[str, date]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT token_key, issued_on FROM revoked_widget_sessions")
            ).all()
    finally:
        engine.dispose()
    return [
        (str(key), day if isinstance(day, date) else date.fromisoformat(day)) for key, day in rows
    ]


def test_a_key_added_by_one_process_is_seen_by_another(lists: list[SqlRevocationList]) -> None:
    one, other = lists

    assert other.contains("k" * 64) is False
    one.add("k" * 64, issued_on=TODAY)

    assert other.contains("k" * 64) is True
    assert other.contains("j" * 64) is False


def test_adding_twice_keeps_one_row(lists: list[SqlRevocationList], database: TestDatabase) -> None:
    one, other = lists

    one.add("k" * 64, issued_on=TODAY)
    other.add("k" * 64, issued_on=TODAY)

    assert _rows(database.url) == [("k" * 64, TODAY)]


def test_purge_deletes_only_rows_of_tokens_issued_before_the_day(
    lists: list[SqlRevocationList], database: TestDatabase
) -> None:
    revocations = lists[0]
    revocations.add("a" * 64, issued_on=TODAY - timedelta(days=10))
    revocations.add("b" * 64, issued_on=TODAY - timedelta(days=9))
    revocations.add("c" * 64, issued_on=TODAY)

    assert revocations.purge(issued_before=TODAY - timedelta(days=9)) == 1

    assert sorted(key for key, _ in _rows(database.url)) == ["b" * 64, "c" * 64]
    assert revocations.contains("a" * 64) is False


def test_a_token_forgotten_in_one_worker_is_refused_by_another_until_it_expires(
    lists: list[SqlRevocationList], database: TestDatabase
) -> None:
    signer = SessionSigner(secret=SECRET, max_age_days=7)
    worker_1 = WidgetSessions(signer=signer, revoked=lists[0])
    worker_2 = WidgetSessions(signer=signer, revoked=lists[1])
    token = worker_1.issue(today=TODAY)
    kept = worker_1.issue(today=TODAY)

    assert worker_1.revoke(token, today=TODAY) is True

    assert worker_2.verify(token, today=TODAY) is False
    assert worker_2.verify(kept, today=TODAY) is True
    (row,) = _rows(database.url)
    assert row == (signer.revocation_key(token), TODAY)
    assert token not in repr(row)
    # Once the token has expired everywhere, its row is gone with the next purge.
    assert worker_2.purge(today=TODAY + timedelta(days=8)) == 0
    assert worker_2.purge(today=TODAY + timedelta(days=9)) == 1
    assert _rows(database.url) == []


def test_nothing_touches_the_database_until_first_used(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never' / 'reflect.db'}"

    SqlRevocationList(url)

    assert not (tmp_path / "never").exists()
