"""make run-cluster falls back to this machine's PostgreSQL and Redis, and says so."""

from __future__ import annotations

import pytest

from bot.cluster.local import (
    LOCAL_DATABASE_URL,
    LOCAL_REDIS_URL,
    ensure_database,
    with_local_services,
)
from tests.settings import make_settings


def test_unset_services_are_filled_in_and_named() -> None:
    settings, notes = with_local_services(make_settings())

    assert settings.database_url == LOCAL_DATABASE_URL
    assert LOCAL_DATABASE_URL.endswith("/reflect_cluster")
    assert settings.redis_url == LOCAL_REDIS_URL == "redis://127.0.0.1:6379/2"
    assert notes == ["DATABASE_URL", "REDIS_URL"]


def test_configured_services_are_kept() -> None:
    given = make_settings(
        database_url="postgresql+psycopg2://reflect@db:5432/reflect", redis_url="redis://r:6379/1"
    )

    settings, notes = with_local_services(given)

    assert settings == given and notes == []


@pytest.mark.parametrize("name", ['x"; DROP DATABASE postgres; --', "", "1abc", "a-b"])
def test_only_plain_database_names_are_created(name: str) -> None:
    with pytest.raises(ValueError, match="letters, digits and underscores"):
        ensure_database(f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}")
