from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.storage.migrate import alembic_config, current_revision, downgrade, upgrade
from bot.storage.models import metadata
from bot.storage.session import make_engine
from tests.bot.storage.databases import (
    BACKENDS,
    REFLECTION_COLUMNS,
    TestDatabase,
    temporary_database,
)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
# The newest revision, read from the scripts (one head: a second would mean two branches).
_SCRIPTS = ScriptDirectory.from_config(alembic_config("sqlite://"))
HEAD = _SCRIPTS.get_current_head()

ATTEMPT_COLUMNS = {"sender_key", "day", "attempts"}
MEMORY_COLUMNS = {"conversation", "token", "kind", "expires_at"}
REVOKED_COLUMNS = {"token_key", "issued_on"}
GROUP_TABLES = {
    "group_sessions",
    "group_notes",
    "group_actions",
    "group_attendance",
    "group_members",
    "group_minutes",
}
MINUTES_COLUMNS = {
    "id",
    "public_id",
    "group_ref",
    "pack_id",
    "pack_version",
    "iso_week",
    "created_week_start",
    "team_code",
    "body",
    "receipt_hash",
    "idempotency_key",
}


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    with temporary_database(request.param, tmp_path) as db:
        yield db


def _tables(url: str, schema: str | None = None) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names(schema=schema))
    finally:
        engine.dispose()


def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def test_upgrade_from_empty_to_head_creates_the_tables(database: TestDatabase) -> None:
    assert current_revision(database.url) is None

    upgrade(database.url)

    assert current_revision(database.url) == HEAD
    assert {"reflections", "withdrawal_attempts", "alembic_version"} <= _tables(database.url)
    assert _columns(database.url, "reflections") == set(REFLECTION_COLUMNS)
    assert _columns(database.url, "withdrawal_attempts") == ATTEMPT_COLUMNS
    assert _columns(database.url, "revoked_widget_sessions") == REVOKED_COLUMNS
    assert _columns(database.url, "conversation_memory") == MEMORY_COLUMNS
    assert GROUP_TABLES <= _tables(database.url)
    assert _columns(database.url, "group_minutes") == MINUTES_COLUMNS


def test_the_group_tables_come_and_go_with_their_own_revision(database: TestDatabase) -> None:
    upgrade(database.url, "0003_conversation_memory")
    assert not GROUP_TABLES & _tables(database.url)
    assert "group_ref" not in _columns(database.url, "reflections")

    upgrade(database.url)
    assert GROUP_TABLES <= _tables(database.url)
    assert "group_ref" in _columns(database.url, "reflections")

    downgrade(database.url, "0003_conversation_memory")
    assert not GROUP_TABLES & _tables(database.url)
    assert _columns(database.url, "reflections") == set(REFLECTION_COLUMNS) - {
        "group_ref",
        "idempotency_key",
        "kind",
    }


PORTAL_TABLES = {"portal_accounts", "portal_audit", "portal_tokens"}


def test_the_portal_tables_come_and_go_with_their_own_revision(database: TestDatabase) -> None:
    upgrade(database.url, "0004_group_sessions")
    assert not PORTAL_TABLES & _tables(database.url)

    upgrade(database.url, "0005_portal")
    assert PORTAL_TABLES <= _tables(database.url)
    assert "password_hash" in _columns(database.url, "portal_accounts")
    assert _columns(database.url, "portal_tokens") >= {"token_hash", "revoked_at"}
    assert "token" not in _columns(database.url, "portal_tokens")

    downgrade(database.url, "0004_group_sessions")
    assert not PORTAL_TABLES & _tables(database.url)
    assert GROUP_TABLES <= _tables(database.url)


def test_there_is_one_head() -> None:
    assert len(_SCRIPTS.get_heads()) == 1


def test_downgrade_to_base_removes_the_tables(database: TestDatabase) -> None:
    upgrade(database.url)

    downgrade(database.url, "base")

    tables = _tables(database.url)
    assert "reflections" not in tables
    assert "withdrawal_attempts" not in tables
    assert "revoked_widget_sessions" not in tables
    assert "conversation_memory" not in tables
    assert not GROUP_TABLES & tables
    assert current_revision(database.url) is None


def test_the_revocation_list_comes_and_goes_with_its_own_revision(
    database: TestDatabase,
) -> None:
    upgrade(database.url, "0001_reflections")
    assert "revoked_widget_sessions" not in _tables(database.url)

    upgrade(database.url)
    assert "revoked_widget_sessions" in _tables(database.url)

    downgrade(database.url, "0001_reflections")
    tables = _tables(database.url)
    assert "revoked_widget_sessions" not in tables
    assert {"reflections", "withdrawal_attempts"} <= tables
    assert current_revision(database.url) == "0001_reflections"


def test_upgrade_is_idempotent_and_survives_a_round_trip(database: TestDatabase) -> None:
    upgrade(database.url)
    upgrade(database.url)
    downgrade(database.url, "base")
    upgrade(database.url)

    assert current_revision(database.url) == HEAD


def test_models_match_the_migrated_schema(database: TestDatabase) -> None:
    """The models and the latest revision describe the same tables (no missing migration)."""
    upgrade(database.url)
    engine = make_engine(database.url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()

    assert differences == []


@pytest.fixture
def postgres_database(tmp_path: Path) -> Iterator[TestDatabase]:
    with temporary_database("postgresql", tmp_path) as db:
        yield db


def test_postgres_tables_and_version_table_live_in_the_test_schema(
    postgres_database: TestDatabase,
) -> None:
    upgrade(postgres_database.url)

    assert postgres_database.schema is not None
    in_schema = _tables(postgres_database.url, schema=postgres_database.schema)
    assert {
        "reflections",
        "withdrawal_attempts",
        "revoked_widget_sessions",
        "alembic_version",
    } <= in_schema
    engine = make_engine(postgres_database.url)
    try:
        with engine.connect() as connection:
            version = connection.execute(
                text(f'SELECT version_num FROM "{postgres_database.schema}".alembic_version')
            ).scalar_one()
    finally:
        engine.dispose()
    assert version == HEAD


def test_migrations_run_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    url = f"sqlite:///{tmp_path / 'nested' / 'dirs' / 'reflect.db'}"

    upgrade(url)

    assert current_revision(url) == HEAD


def test_alembic_command_line_uses_the_ini_and_x_argument(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"database_url={url}", "upgrade", "head"],
        cwd=PROJECT_ROOT,
        env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert current_revision(url) == HEAD


def test_offline_mode_renders_sql_without_a_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never-created.db'}"

    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"database_url={url}", "upgrade", "head", "--sql"],
        cwd=PROJECT_ROOT,
        env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE reflections" in result.stdout
    assert not (tmp_path / "never-created.db").exists()


def test_threads_migrating_at_once_do_not_break_each_other(tmp_path: Path) -> None:
    """The web app's purge and follow-up jobs start in the same second (issue 16 attack)."""
    from concurrent.futures import ThreadPoolExecutor

    urls = [f"sqlite:///{tmp_path / f'db{n}.db'}" for n in range(4)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(upgrade, urls * 2))
    assert all(current_revision(url) == HEAD for url in urls)
