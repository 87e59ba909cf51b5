"""Two Rasa workers on PostgreSQL and Redis take one conversation's messages strictly in order.

The test holds the conversation's lock itself (the same store and keys as the server), sends
the messages one after another without waiting for replies, and sends each only once the
previous one is queued in Redis. So every message is in flight at once, spread over both
workers, and their order is known. Then it lets go: each reply must be the one a practitioner
walking through the briefing step by step would get, and the tracker must hold the messages in
the order they were sent. With in-memory locks nothing would ever queue in Redis; with a lock
that let two messages in at once or served them out of order, the replies or the tracker would
be out of step.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from bot.rasa_ext.lock_store import AtomicRedisLockStore, Keys
from bot.reflections.receipts import sender_hash
from bot.run import Stack
from tests.e2e.conftest import Rest, stack_on_free_ports
from tests.e2e.test_canary import POSTGRES_URL, _create_database, _drop_database
from tests.e2e.test_workers import REDIS_HOST, REDIS_PORT, _redis_reachable

pytestmark = pytest.mark.slow

DB = 3  # this test's own Redis database (the unit tests of the store use it too, other keys)
STEPS = [  # what each message must be answered with, taken in this order
    ("discuss and reflect", "Point 1 of 4"),
    ("next", "Point 2 of 4"),
    ("next", "Point 3 of 4"),
    ("go back", "Point 2 of 4"),
    ("next", "Point 3 of 4"),
    ("next", "Point 4 of 4"),
    ("go back", "Point 3 of 4"),
]


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    name = _create_database()
    try:
        yield name
    finally:
        _drop_database(name)


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, model_path: Path, database: str
) -> Iterator[Stack]:
    _redis_reachable()
    with stack_on_free_ports(
        tmp_path_factory.mktemp("locks") / "var",
        model_path,
        database_url=POSTGRES_URL.format(name=database),
        secret=secrets.token_hex(32).encode(),
        rasa_workers=2,
        redis_url=f"redis://{REDIS_HOST}:{REDIS_PORT}/{DB}",
    ) as stack:
        yield stack


def _user_texts(database: str, conversation: str) -> list[str]:
    engine = create_engine(POSTGRES_URL.format(name=database), future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "select data from events where sender_id = :sender and type_name = 'user' "
                    "order by id"
                ),
                {"sender": conversation},
            )
            return [json.loads(row[0]).get("text") for row in rows]
    finally:
        engine.dispose()


async def _until(condition: object, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.02)


async def test_one_conversations_concurrent_messages_are_handled_in_order(
    cluster: Stack, database: str
) -> None:
    sender = f"locks-{secrets.token_hex(4)}"
    chat = Rest(cluster.rasa_url, sender)
    assert "Child Z" in chat.text_of("hello")
    conversation = sender_hash(sender, secret=cluster.settings.secret, channel="rest")
    # The server's store, as endpoints.yml configures it (key_prefix: reflect).
    store = AtomicRedisLockStore(host=REDIS_HOST, port=REDIS_PORT, db=DB, key_prefix="reflect")
    queue = Keys.of(store.key_prefix, conversation).queue
    server = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=DB)
    loop = asyncio.get_running_loop()
    workers: set[str] = set()

    with ThreadPoolExecutor(max_workers=len(STEPS)) as pool:
        async with store.lock(conversation):
            replies = []
            for n, (message, _) in enumerate(STEPS):
                replies.append(loop.run_in_executor(pool, chat.text_of, message))
                await _until(lambda n=n: server.zcard(queue) == n + 1, f"message {n} queued")
            # Tokens are host:pid:random: which worker process each waiting message is on.
            workers = {token.decode().split(":")[1] for token in server.zrange(queue, 0, -1)}
        said = await asyncio.gather(*replies)
    await store.close()
    server.close()

    for (message, expected), reply in zip(STEPS, said, strict=True):
        assert expected in reply, f"{message!r} answered out of order: {reply!r}"
    assert _user_texts(database, conversation) == ["hello", *(m for m, _ in STEPS)]
    assert len(workers) == 2, f"all messages went to one worker ({workers}); nothing was tested"
