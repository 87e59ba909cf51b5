"""The CPD record's storage: encrypted under a key that is only in the link, deleted on expiry."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.content.schema import Pack
from bot.cpd.covered import Covered
from bot.cpd.record import Record, build_record
from bot.cpd.store import decrypt, delete_expired, encrypt, load_record, store_record
from bot.storage.models import CpdRecord
from bot.storage.session import transaction
from tests.bot.cpd.conftest import REFLECTIONS, key_spellings
from tests.bot.storage.databases import migrated_sessions, postgres_admin_url, require_postgres

NOW = datetime(2026, 12, 7, 23, 0, tzinfo=timezone.utc)
TTL = timedelta(minutes=30)
#: This helper's own PostgreSQL database, so parallel work on the shared server never clashes.
PG_DATABASE = "reflect_i16_cpd"


def _own_postgres_url() -> str:
    """The admin URL pointed at :data:`PG_DATABASE`, created if missing (CI: fails if no server)."""
    require_postgres()
    admin = create_engine(postgres_admin_url(), future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_DATABASE}
            ).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    finally:
        admin.dispose()
    url = make_url(postgres_admin_url()).set(database=PG_DATABASE)
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[sessionmaker]:
    if request.param == "postgresql":
        monkeypatch.setenv("REFLECT_TEST_POSTGRES_URL", _own_postgres_url())
    with migrated_sessions(request.param, tmp_path) as factory:
        yield factory


@pytest.fixture
def record(pack: Pack, covered: Covered) -> Record:
    return build_record(pack, covered, variant="swe", today=date(2026, 12, 7))


def test_a_stored_record_reads_back_with_its_key_until_it_expires(
    sessions: sessionmaker, record: Record
) -> None:
    with transaction(sessions) as session:
        stored = store_record(session, record, now=NOW, ttl=TTL)

    assert stored.expires_at == NOW + TTL
    with transaction(sessions) as session:
        assert load_record(session, stored.public_id, stored.key, now=NOW) == record
        assert load_record(session, stored.public_id, bytes(32), now=NOW) is None
        assert load_record(session, "A" * 22, stored.key, now=NOW) is None
    with transaction(sessions) as session:
        assert load_record(session, stored.public_id, stored.key, now=NOW + TTL) is None
    with transaction(sessions) as session:  # met expired: deleted there and then
        assert session.execute(select(func.count()).select_from(CpdRecord)).scalar_one() == 0


def test_the_row_holds_no_key_no_text_and_nothing_about_who(
    sessions: sessionmaker, record: Record
) -> None:
    with transaction(sessions) as session:
        stored = store_record(session, record, now=NOW, ttl=TTL)
    with transaction(sessions) as session:
        row = session.execute(select(CpdRecord)).scalar_one()
        values = [str(row.id), row.public_id, row.body, str(row.expires_at)]

    assert {c.name for c in CpdRecord.__table__.columns} == {
        "id",
        "public_id",
        "body",
        "expires_at",
    }
    stored_text = "\n".join(values)
    for spelling in key_spellings(stored.key):
        assert spelling not in stored_text
    for reflection in REFLECTIONS:
        assert reflection not in stored_text
    assert record.title not in stored_text
    # Only the key opens it: the row's own values, tried as keys, do not.
    raw = base64.b64decode(row.body)
    for guess in (raw[:32], raw[-32:], row.public_id.encode().ljust(32, b"\0")):
        assert decrypt(row.body, key=guess, public_id=row.public_id) is None


def test_a_body_moved_to_another_id_does_not_decrypt(record: Record) -> None:
    key = bytes(range(32))
    body = encrypt(record, key=key, public_id="A" * 22)

    assert decrypt(body, key=key, public_id="A" * 22) == record
    assert decrypt(body, key=key, public_id="B" * 22) is None
    assert decrypt("not base64!", key=key, public_id="A" * 22) is None


def test_each_new_record_deletes_the_expired_ones(sessions: sessionmaker, record: Record) -> None:
    with transaction(sessions) as session:
        old = store_record(session, record, now=NOW - TTL - timedelta(seconds=1), ttl=TTL)
        live = store_record(session, record, now=NOW - timedelta(minutes=5), ttl=TTL)
    with transaction(sessions) as session:
        new = store_record(session, record, now=NOW, ttl=TTL)
    with transaction(sessions) as session:
        ids = set(session.execute(select(CpdRecord.public_id)).scalars())

    assert ids == {live.public_id, new.public_id}
    assert old.public_id not in ids
    assert len({old.key, live.key, new.key}) == 3  # a fresh key for every record


def test_delete_expired_counts_and_keeps_the_living(sessions: sessionmaker, record: Record) -> None:
    with transaction(sessions) as session:
        store_record(session, record, now=NOW, ttl=TTL)
        store_record(session, record, now=NOW, ttl=TTL * 2)
    with transaction(sessions) as session:
        assert delete_expired(session, now=NOW + TTL) == 1
        assert delete_expired(session, now=NOW + TTL) == 0
    with pytest.raises(ValueError):
        with transaction(sessions) as session:
            delete_expired(session, now=NOW.replace(tzinfo=None))
