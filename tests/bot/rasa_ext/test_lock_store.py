"""The atomic Redis lock store against a real Redis (127.0.0.1:6379, db 3).

Each test uses its own key prefix, so tests (and other users of db 3) never share a lock. The
tests record who is inside the lock and in which ticket order, so a lock that let two holders in
at once, or served a later ticket first, fails them. Unreachable Redis: skipped on a developer
machine, a failure under CI=true.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import time
import uuid
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
import redis
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from bench.stack_bench import redis_available
from bot.rasa_ext.lock_store import AtomicRedisLockStore, Keys, LockUnavailable
from bot.settings.config import PROJECT_ROOT, child_environment
from tests.e2e.conftest import free_port
from tests.settings import make_settings

HOST, PORT, DB = "127.0.0.1", 6379, 3
FORK = multiprocessing.get_context("fork")


@pytest.fixture(scope="module")
def server() -> Iterator[redis.Redis]:
    problem = redis_available(f"redis://{HOST}:{PORT}/{DB}")
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    client = redis.Redis(host=HOST, port=PORT, db=DB)
    yield client
    client.close()


@pytest.fixture
def prefix(server: redis.Redis) -> Iterator[str]:
    name = f"t{uuid.uuid4().hex[:12]}"
    yield name
    keys = list(server.scan_iter(f"{name}:*"))
    if keys:
        server.delete(*keys)


def make_store(prefix: str, **options: Any) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(host=HOST, port=PORT, db=DB, key_prefix=prefix, **options)


def queue_length(server: redis.Redis, store: AtomicRedisLockStore, conversation: str) -> int:
    return int(server.zcard(Keys.of(store.key_prefix, conversation).queue))


def wait_until(condition: Any, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


async def async_wait_until(condition: Any, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.02)


class Recorder:
    """Who is inside the lock, in order: overlapping holders or tickets out of order show."""

    def __init__(self) -> None:
        self.inside = 0
        self.most_inside = 0
        self.tickets: list[int] = []

    async def hold(self, store: AtomicRedisLockStore, conversation: str) -> None:
        async with store.lock(conversation) as ticket_lock:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            self.tickets.append(int(ticket_lock.now_serving))
            await asyncio.sleep(0.005)  # give another holder every chance to come in
            self.inside -= 1


# --- mutual exclusion and order --------------------------------------------------------------


async def test_many_tasks_take_turns_one_at_a_time_in_ticket_order(prefix: str) -> None:
    store = make_store(prefix)
    record = Recorder()

    await asyncio.gather(*(record.hold(store, "conversation") for _ in range(40)))
    await store.close()

    assert record.most_inside == 1
    assert len(record.tickets) == 40
    assert record.tickets == sorted(record.tickets)
    assert len(set(record.tickets)) == 40


async def test_waiters_are_served_in_the_order_they_asked(prefix: str, server: redis.Redis) -> None:
    store = make_store(prefix)
    served: list[int] = []

    async def message(n: int) -> None:
        async with store.lock("conversation"):
            served.append(n)

    async with store.lock("conversation"):
        tasks = []
        for n in range(8):  # each one queued before the next is sent
            tasks.append(asyncio.ensure_future(message(n)))
            await async_wait_until(
                lambda n=n: queue_length(server, store, "conversation") == n + 1, "queued"
            )
    await asyncio.gather(*tasks)
    await store.close()

    assert served == list(range(8))


def _hold_in_a_process(prefix: str, conversation: str, log: str, rounds: int) -> None:
    """A separate OS process taking the lock ``rounds`` times, logging enter and exit lines."""

    async def run() -> None:
        store = make_store(prefix)
        for _ in range(rounds):
            async with store.lock(conversation) as ticket_lock:
                ticket = ticket_lock.now_serving
                with open(log, "a", encoding="utf-8") as out:
                    out.write(f"enter {ticket} {os.getpid()}\n")
                await asyncio.sleep(0.003)
                with open(log, "a", encoding="utf-8") as out:
                    out.write(f"exit {ticket} {os.getpid()}\n")
        await store.close()

    asyncio.run(run())


def test_processes_take_turns_one_at_a_time_in_ticket_order(prefix: str, tmp_path: Path) -> None:
    log = tmp_path / "holders.log"
    processes = [
        FORK.Process(target=_hold_in_a_process, args=(prefix, "conversation", str(log), 15))
        for _ in range(4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0

    lines = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 4 * 15 * 2
    assert len({pid for _, _, pid in lines}) == 4
    tickets = []
    for enter, leave in zip(
        lines[::2], lines[1::2], strict=True
    ):  # strictly enter, exit, enter, exit...
        assert enter[0] == "enter" and leave[0] == "exit"
        assert enter[1:] == leave[1:]  # the same holder left before anyone else came in
        tickets.append(int(enter[1]))
    assert tickets == sorted(tickets)


async def test_conversations_do_not_wait_for_each_other(prefix: str) -> None:
    store = make_store(prefix, wait_seconds=2)
    async with store.lock("one"):
        async with store.lock("two") as two:  # would raise LockUnavailable if "one" blocked it
            assert two.conversation_id == "two"
    await store.close()


async def test_a_second_message_waits_while_the_first_holds(prefix: str) -> None:
    """The control for the test above: the same conversation does wait (and gives up here)."""
    store = make_store(prefix, wait_seconds=0.5)
    async with store.lock("one"):
        with pytest.raises(LockUnavailable, match=r"waited 0\.5 s for earlier messages"):
            async with store.lock("one"):
                pytest.fail("entered a held lock")
    await store.close()


# --- owners and crashes ---------------------------------------------------------------------


async def test_only_the_owner_releases(prefix: str, server: redis.Redis) -> None:
    store = make_store(prefix, wait_seconds=0.5)
    keys = Keys.of(store.key_prefix, "conversation")
    async with store.lock("conversation"):
        holder = server.get(keys.holder)
        assert holder is not None

        assert await store._run_release(keys, "someone-else") is False

        assert server.get(keys.holder) == holder
        with pytest.raises(LockUnavailable):
            async with store.lock("conversation"):
                pytest.fail("entered a lock its owner still holds")
    assert server.get(keys.holder) is None  # the owner's own release did release it
    await store.close()


def _hold_forever(prefix: str, conversation: str, ready: Connection) -> None:
    async def run() -> None:
        store = make_store(prefix, lease_seconds=1)
        async with store.lock(conversation):
            ready.send("holding")
            await asyncio.sleep(3600)

    asyncio.run(run())


def _wait_forever(prefix: str, conversation: str) -> None:
    async def run() -> None:
        store = make_store(prefix, wait_seconds=3600)
        async with store.lock(conversation):
            await asyncio.sleep(3600)

    asyncio.run(run())


async def test_a_killed_holder_and_a_killed_waiter_do_not_wedge_the_queue(
    prefix: str, server: redis.Redis
) -> None:
    probe = make_store(prefix, wait_seconds=0.5, waiter_ttl_seconds=1)
    ours, theirs = FORK.Pipe()
    holder = FORK.Process(target=_hold_forever, args=(prefix, "conversation", theirs))
    holder.start()
    try:
        assert ours.poll(60), "the holder never took the lock"
        ours.recv()
        waiter = FORK.Process(target=_wait_forever, args=(prefix, "conversation"))
        waiter.start()
        await async_wait_until(
            lambda: queue_length(server, probe, "conversation") == 1, "the waiter queued"
        )
        with pytest.raises(LockUnavailable):  # really held: a third message must wait
            async with probe.lock("conversation"):
                pytest.fail("entered a held lock")

        os.kill(waiter.pid or 0, signal.SIGKILL)
        os.kill(holder.pid or 0, signal.SIGKILL)
        waiter.join(10)
        holder.join(10)

        # The holder's lease (1 s) runs out and the dead waiter's ticket expires: ours is next.
        successor = make_store(prefix, wait_seconds=20)
        async with successor.lock("conversation") as lock:
            assert lock.now_serving == 4  # holder 1, dead waiter 2, the probe 3
        await successor.close()
        assert queue_length(server, probe, "conversation") == 0
    finally:
        for process in (holder,):
            if process.is_alive():
                process.kill()
        await probe.close()


async def test_a_live_holder_keeps_its_lock_beyond_one_lease(prefix: str) -> None:
    store = make_store(prefix, lease_seconds=0.6)
    waiting = make_store(prefix, wait_seconds=1.5)
    async with store.lock("conversation"):
        with pytest.raises(LockUnavailable):  # 1.5 s: two and a half leases, renewed
            async with waiting.lock("conversation"):
                pytest.fail("the lease was not renewed")
    await store.close()
    await waiting.close()


# --- Redis paused or down -------------------------------------------------------------------


async def test_a_paused_redis_delays_waiters_who_then_go_in_order(
    prefix: str, server: redis.Redis
) -> None:
    store = make_store(prefix, wait_seconds=15)
    served: list[int] = []

    async def message(n: int) -> None:
        async with store.lock("conversation"):
            served.append(n)

    async with store.lock("conversation"):
        tasks = []
        for n in range(5):
            tasks.append(asyncio.ensure_future(message(n)))
            await async_wait_until(
                lambda n=n: queue_length(server, store, "conversation") == n + 1, "queued"
            )
        server.execute_command("CLIENT", "PAUSE", 2000)  # released (below) while paused
    await asyncio.gather(*tasks)
    await store.close()

    assert served == list(range(5))


async def test_a_paused_redis_beyond_the_wait_fails_clearly(
    prefix: str, server: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(prefix, wait_seconds=0.5)
    entered = False
    server.execute_command("CLIENT", "PAUSE", 2000)
    with caplog.at_level(logging.WARNING, logger="bot.rasa_ext.lock_store"):
        with pytest.raises(LockError, match=r"Redis did not answer within the 0\.5 s wait"):
            async with store.lock("conversation-secret-id"):
                entered = True
    await store.close()

    assert not entered
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.rasa_ext.lock_store"]
    assert lines == ["Conversation lock not acquired: Redis did not answer within the 0.5 s wait"]
    assert "secret" not in caplog.text


async def test_redis_down_fails_clearly(caplog: pytest.LogCaptureFixture) -> None:
    store = AtomicRedisLockStore(host=HOST, port=free_port(), db=DB, key_prefix="down")
    entered = False
    with caplog.at_level(logging.WARNING, logger="bot.rasa_ext.lock_store"):
        with pytest.raises(LockUnavailable, match=r"Redis unavailable \(ConnectionError\)"):
            async with store.lock("conversation"):
                entered = True
    await store.close()

    assert not entered
    assert [r.getMessage() for r in caplog.records if r.name == "bot.rasa_ext.lock_store"] == [
        "Conversation lock not acquired: Redis unavailable (ConnectionError)"
    ]


async def test_a_waiter_that_gives_up_leaves_the_queue(prefix: str, server: redis.Redis) -> None:
    store = make_store(prefix, wait_seconds=0.3)
    async with store.lock("conversation"):
        with pytest.raises(LockUnavailable):
            async with store.lock("conversation"):
                pytest.fail("entered a held lock")
        await async_wait_until(
            lambda: queue_length(server, store, "conversation") == 0, "the ticket given back"
        )
    await store.close()


# --- configuration --------------------------------------------------------------------------


def test_rasa_builds_it_from_endpoints_yml_when_redis_is_set(tmp_path: Path) -> None:
    settings = make_settings(var_dir=tmp_path, redis_url="redis://127.0.0.1:6390/7")
    env = child_environment(settings)
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        config = read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), "lock_store")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert config is not None

    store = LockStore.create(config)

    assert isinstance(store, AtomicRedisLockStore)
    assert store._connection["host"] == "127.0.0.1"
    assert store._connection["port"] == 6390
    assert store._connection["db"] == 7
    assert store.key_prefix == "reflect:qlock:"
    assert store.wait_seconds == settings.lock_wait_seconds


def test_without_redis_rasa_keeps_its_in_memory_locks(tmp_path: Path) -> None:
    env = child_environment(make_settings(var_dir=tmp_path))
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        config = read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), "lock_store")
    finally:
        os.environ.clear()
        os.environ.update(saved)

    assert type(LockStore.create(config)).__name__ == "InMemoryLockStore"


def test_options_from_an_endpoint_config_are_text() -> None:
    store = AtomicRedisLockStore(
        endpoint_config=EndpointConfig(
            url="cache", port="6380", db="2", key_prefix="bad prefix!", wait_seconds=""
        )
    )

    assert store._connection["host"] == "cache"
    assert (store._connection["port"], store._connection["db"]) == (6380, 2)
    assert store.key_prefix == "qlock:"  # like Rasa's: a non-alphanumeric prefix is dropped
    assert store.wait_seconds == 20
