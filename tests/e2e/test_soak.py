"""The soak of ``make soak`` (bench/soak.py), bounded: a dozen conversations for about a minute.

Mixed REST, socket.io and Teams (the fake connector) against the production shape: the cluster
behind HAProxy when bot/cluster is in the tree, else one stack with two Rasa workers sharing
Redis locks; PostgreSQL either way. Every reflection confirmed to a practitioner must be stored,
once, every stored one confirmed, and no answer may be a 5xx or a wrong reply.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.soak import (
    TEAMS_APP_ID,
    TEAMS_APP_PASSWORD,
    Target,
    render,
    soak,
    soak_settings,
    target,
)
from bench.stack_bench import redis_available
from tests.e2e.fake_connector import FakeConnector
from tests.e2e.test_canary import POSTGRES_URL, _create_database, _drop_database

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/6"
CONVERSATIONS = 12
SECONDS = 75.0


@pytest.fixture(scope="module")
def connector() -> Iterator[FakeConnector]:
    with FakeConnector(app_id=TEAMS_APP_ID, app_password=TEAMS_APP_PASSWORD) as fake:
        yield fake


@pytest.fixture(scope="module")
def running(
    tmp_path_factory: pytest.TempPathFactory, model_path: Path, connector: FakeConnector
) -> Iterator[Target]:
    problem = redis_available(REDIS_URL)
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    database = _create_database()
    try:
        settings = soak_settings(
            tmp_path_factory.mktemp("soak") / "var",
            database_url=POSTGRES_URL.format(name=database),
            redis_url=REDIS_URL,
            connector=connector,
        )
        with target("auto", settings, model_path) as started:
            yield started
    finally:
        _drop_database(database)


def test_every_confirmed_reflection_is_stored_once_and_nothing_fails(
    running: Target, connector: FakeConnector
) -> None:
    report = soak(
        running,
        connector,
        conversations=CONVERSATIONS,
        seconds=SECONDS,
        progress_every=SECONDS,
    )

    table = render(report)
    counts = report["verdict"]["counts"]
    channels = report["summary"]["channels"]
    # Every channel carried whole journeys, each saving a reflection.
    for channel in ("rest", "socketio", "teams"):
        assert channels[channel]["completed"] >= 1, table
    assert counts["confirmed"] >= CONVERSATIONS, table
    assert report["verdict"]["invariants"] == {
        "stored == confirmed": True,
        "0 duplicates": True,
        "0 5xx": True,
        "failed messages <= 0": True,
    }, table
    assert report["exited"] is None, table
