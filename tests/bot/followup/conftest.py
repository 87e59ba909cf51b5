"""A migrated SQLite database and settings for the follow-up tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.settings.config import DEFAULT_PACK_DIR, Settings
from tests.bot.storage.databases import migrated_sqlite_sessions
from tests.settings import make_settings


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sqlite_sessions(tmp_path) as sessions:
        yield sessions


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(content_dir=DEFAULT_PACK_DIR, var_dir=tmp_path / "var")
