"""Group fixtures: the realistic session's minutes (bench/minutes_bench.py builds them from the
raw fixture), and a migrated database on each backend for the session core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bench.minutes_bench import FIXTURE, fixture_data, realistic_minutes
from bot.group.minutes import Minutes
from bot.storage.migrate import upgrade
from bot.storage.session import make_engine, make_session_factory
from tests.bot.storage.databases import BACKENDS, TestDatabase, temporary_database


@pytest.fixture(scope="session")
def minutes() -> Minutes:
    """4 points (one not discussed), 3 agencies, 2 actions; notes through the anonymiser."""
    return realistic_minutes()


@pytest.fixture(scope="session")
def minutes_without_actions() -> Minutes:
    return realistic_minutes(actions=False)


@pytest.fixture(scope="session")
def raw_names() -> list[str]:
    """The made-up names typed in the raw input: no output may contain any of them."""
    names: list[str] = fixture_data()["names"]
    raw = FIXTURE.read_text(encoding="utf-8").split("\nnames:")[1]
    for name in names:  # the check is only worth something if the input really has them
        assert raw.count(name) >= 2, name
    return names


#: What a template left unfilled, a stub or a Python value leaking into a document would show.
PLACEHOLDER_MARKS = ("TODO", "TBD", "FIXME", "lorem", "ipsum", "{", "}", "None", "[]", "()")


def assert_no_placeholder(text: str) -> None:
    for mark in PLACEHOLDER_MARKS:
        assert mark not in text, f"{mark!r} in the output"


def assert_no_name(text: str, names: list[str]) -> None:
    lowered = text.lower()
    for name in names:
        assert name.lower() not in lowered, f"{name!r} reached the output"


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    """A freshly migrated database (a SQLite file, or a private PostgreSQL schema)."""
    with temporary_database(request.param, tmp_path) as db:
        upgrade(db.url)
        yield db


@pytest.fixture
def factory(database: TestDatabase) -> Iterator[sessionmaker]:
    """Sessions on ``database``, through one engine (a "process"; tests may start another)."""
    engine = make_engine(database.url)
    yield make_session_factory(engine)
    engine.dispose()
