"""The production shape: PostgreSQL, Redis locks and two Rasa workers, under concurrent users.

Two Sanic workers share one port; the Redis lock store makes sure two messages of one
conversation are never handled at once by different workers, so every practitioner's discussion
position stays right however their messages are spread.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.procs import children, maps_mention
from bench.stack_bench import redis_available
from bot.run import Stack
from tests.e2e.conftest import Rest, stack_on_free_ports
from tests.e2e.test_canary import POSTGRES_URL, _create_database, _drop_database

pytestmark = pytest.mark.slow

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _redis_reachable() -> None:
    problem = redis_available(f"redis://{REDIS_HOST}:{REDIS_PORT}/3")
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(problem)
    pytest.skip(problem)


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Iterator[Stack]:
    _redis_reachable()
    database = _create_database()
    try:
        with stack_on_free_ports(
            tmp_path_factory.mktemp("workers") / "var",
            model_path,
            database_url=POSTGRES_URL.format(name=database),
            secret=secrets.token_hex(32).encode(),
            rasa_workers=2,
            redis_url=f"redis://{REDIS_HOST}:{REDIS_PORT}/3",
        ) as stack:
            rasa = next(s for s in stack.services if s.name == "rasa")
            workers = children(rasa.process.pid)
            yield stack
        # bot/rasa_ext/prefork.py: the tracker table exists before the workers start, so they
        # do not race to create it, and every worker stops with the server (none orphaned).
        assert "already exists" not in rasa.log_path.read_text()
        assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    finally:
        _drop_database(database)


def _walk(base_url: str, sender: str) -> list[str]:
    chat = Rest(base_url, sender)
    said = [chat.text_of("hello"), chat.text_of("discuss and reflect")]
    said += [chat.text_of("next"), chat.text_of("next"), chat.text_of("go back")]
    return said


def test_two_workers_are_running(production: Stack) -> None:
    rasa = next(s for s in production.services if s.name == "rasa")
    children = Path(f"/proc/{rasa.process.pid}/task/{rasa.process.pid}/children").read_text()
    assert len(children.split()) >= 2, "Sanic should have started two worker processes"


def test_concurrent_practitioners_each_keep_their_own_place(production: Stack) -> None:
    senders = [f"worker-test-{n}" for n in range(12)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        walks = list(pool.map(lambda s: _walk(production.rasa_url, s), senders))

    for said in walks:
        assert "Child Z" in said[0]
        assert "Point 1 of 4" in said[1]
        assert "Point 2 of 4" in said[2]
        assert "Point 3 of 4" in said[3]
        assert "Point 2 of 4" in said[4]


def test_no_rasa_server_process_loads_tensorflow(production: Stack) -> None:
    """bot/rasa_ext/lean.py: the model never uses TensorFlow, so no process may map it.

    After a walk through the briefing, so the whole model (NLU and policies) has run in a worker.
    """
    said = _walk(production.rasa_url, "worker-test-tensorflow")
    assert "Point 3 of 4" in said[3]

    rasa = next(s for s in production.services if s.name == "rasa")
    processes = [rasa.process.pid, *children(rasa.process.pid)]
    assert len(processes) >= 3, "the main process and two workers"
    assert not [pid for pid in processes if maps_mention(pid, "libtensorflow")]
