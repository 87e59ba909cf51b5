"""An atomic, fair Redis lock store: one message of a conversation at a time, in arrival order.

Rasa locks each conversation around every message (``Agent.handle_message``,
``MessageProcessor.handle_reminder``) so that two messages of one conversation are never
processed at once. Its open-source ``RedisLockStore`` keeps the whole ticket queue as one JSON
value and changes it by read, modify, write from every process, polling once a second: two
replicas issuing a ticket at the same moment both read the same queue, both write it back, and
one ticket is lost, so both messages run at once and their tracker saves overwrite each other
(Rasa Pro alone has a race-safe store). This one does every step in Redis, atomically:

- **Ticket**: ``INCR`` of a per-conversation counter, added to a sorted set (the queue) by that
  number, with a heartbeat deadline in a hash.
- **Acquire**: only the lowest live ticket in the queue may take the lock, and only with
  ``SET holder <token> NX PX <lease>``; on success its ticket leaves the queue. So tickets are
  served strictly in order and at most one token holds the lock. The ticket and the first try
  are one Lua script (one round trip when nobody is waiting); each later try is another.
- **Hold**: the holder renews its lease (compare-and-``PEXPIRE``) every third of it, but never
  past Rasa's lock lifetime (``TICKET_LOCK_LIFETIME``, 60 s), so a process that dies frees the
  conversation within one lease (10 s), and a stuck one within the lifetime.
- **Release** (Lua): compare-and-delete, so only the token's owner releases; it then wakes the
  next ticket's owner, which is blocked in ``BLPOP`` on its own wake list (at most 0.25 s, so
  an expired holder or a dead waiter is noticed without a wake-up). No 1 s polling.
- **Dead waiters**: every poll refreshes the waiter's deadline; a ticket whose owner stopped
  polling for ``waiter_ttl`` is dropped when it reaches the head, so the queue never wedges.
- **Bounded**: a message that cannot get the lock within ``wait_seconds`` (``LOCK_WAIT_SECONDS``),
  or whose Redis is unreachable or paused too long, raises :class:`LockUnavailable`, a
  ``LockError``: the message fails clearly and is never processed without the lock or out of
  order. One log line says why, with no conversation id or text.

Standalone Redis only (the release script names the next waiter's wake list itself), like
Rasa's own store. Selected by endpoints.yml (``type: bot.rasa_ext.lock_store.AtomicRedisLockStore``)
when ``REDIS_URL`` is set (bot/settings/config.py:lock_store_environment).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections import deque
from collections.abc import AsyncGenerator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import redis.asyncio as aioredis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: How long a holder's lease lasts without renewal: a killed process frees its conversation
#: within this, while a live one renews it every third of it.
DEFAULT_LEASE_SECONDS = 10.0
#: How long a message waits for its turn before it fails (``LOCK_WAIT_SECONDS``).
DEFAULT_WAIT_SECONDS = 20.0
#: A waiter that has not polled for this long has lost its ticket (it died or gave up); it
#: polls at least every ``POLL_SECONDS``, so only a dead or stalled process misses it.
DEFAULT_WAITER_TTL_SECONDS = 5.0
#: The longest a waiter blocks before looking again (in case nobody wakes it: a holder died).
POLL_SECONDS = 0.25
#: Rasa's socket timeout for its Redis lock store; ours also bounds a paused Redis's answer.
SOCKET_TIMEOUT_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 3.0
#: How long a background clean-up after a failed wait may take (Redis may be paused).
CLEANUP_SECONDS = 30.0

_NOW_MS = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
"""

# KEYS: holder, queue, deadlines, counter.
# ARGV: token, lease ms, waiter ttl ms, keys ttl ms, the token's ticket (0: take one now).
# Returns {1, ticket} (acquired), {0, ticket} (not yet) or {-1, ticket} (this ticket expired:
# its owner stopped polling). Taking the ticket and the first try are one round trip.
ACQUIRE = (
    _NOW_MS
    + """
local ticket = tonumber(ARGV[5])
if ticket == 0 then
  ticket = redis.call('INCR', KEYS[4])
  redis.call('ZADD', KEYS[2], ticket, ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], now + tonumber(ARGV[3]))
end
while true do
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if not head then break end
  local deadline = tonumber(redis.call('HGET', KEYS[3], head) or '0')
  if deadline >= now then break end
  redis.call('ZREM', KEYS[2], head)
  redis.call('HDEL', KEYS[3], head)
end
local mine = redis.call('HGET', KEYS[3], ARGV[1])
if (not mine) or tonumber(mine) < now then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
  return {-1, ticket}
end
redis.call('HSET', KEYS[3], ARGV[1], now + tonumber(ARGV[3]))
for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
if redis.call('ZRANGE', KEYS[2], 0, 0)[1] ~= ARGV[1] then return {0, ticket} end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0, ticket} end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return {1, ticket}
"""
)

# KEYS: holder. ARGV: token, lease ms. Extends the lease only if the token still holds it.
RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""

# KEYS: holder, queue, deadlines. ARGV: token, wake-list prefix, wake ttl ms.
# Releases the lock if (and only if) the token holds it, drops the token's ticket if it still
# has one (a waiter giving up), and wakes the owner of the next ticket. Returns 1 if released.
RELEASE = """
local released = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  released = 1
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('DEL', ARGV[2] .. ARGV[1])
if released == 1 then
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if head then
    redis.call('LPUSH', ARGV[2] .. head, '1')
    redis.call('PEXPIRE', ARGV[2] .. head, ARGV[3])
  end
end
return released
"""


class LockUnavailable(LockError):  # type: ignore[misc]
    """The conversation's lock could not be had: the message must not be processed.

    A Rasa ``LockError``, so Rasa handles it as it does its own store's (the message fails).
    ``reason`` is safe to log: it never holds a conversation id or any text.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"Could not acquire the conversation lock: {reason}.")
        self.reason = reason


@dataclass(frozen=True)
class Keys:
    """The Redis keys of one conversation's lock."""

    holder: str
    queue: str
    deadlines: str
    counter: str
    wake_prefix: str

    @classmethod
    def of(cls, prefix: str, conversation_id: str) -> Keys:
        """The keys under ``prefix`` (one conversation's keys share theirs: easy to inspect)."""
        base = f"{prefix}{conversation_id}:"
        return cls(
            base + "holder", base + "queue", base + "deadlines", base + "counter", base + "wake:"
        )

    def wake(self, token: str) -> str:
        """The list ``token``'s owner blocks on while it waits; a release pushes to it."""
        return self.wake_prefix + token


@dataclass(frozen=True)
class _Connection:
    """A client and its scripts (sent once, then called by SHA: ``EVALSHA``)."""

    client: aioredis.Redis
    acquire: Any
    renew: Any
    release: Any

    @classmethod
    def open(cls, options: dict[str, Any]) -> _Connection:
        client = aioredis.Redis(**options)
        scripts = [client.register_script(s) for s in (ACQUIRE, RENEW, RELEASE)]
        return cls(client, *scripts)


def _number(value: Any, default: float) -> float:
    """A number from endpoints.yml, where ${VARS} arrive as text (blank means the default)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return float(value)


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class AtomicRedisLockStore(LockStore):  # type: ignore[misc]
    """Rasa's lock store interface, atomic and fair in Redis (see the module docstring).

    Rasa builds a custom lock store as ``cls(endpoint_config=...)``
    (``rasa.core.lock_store._load_from_module_name_in_endpoint_config``); the keyword
    arguments are also accepted directly (tests, bench). ``url`` is the Redis host, as for
    Rasa's ``type: redis``.
    """

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        *,
        host: str = "localhost",
        port: int | str = 6379,
        db: int | str = 1,
        username: str | None = None,
        password: str | None = None,
        use_ssl: bool = False,
        key_prefix: str | None = None,
        lease_seconds: float | str | None = None,
        wait_seconds: float | str | None = None,
        waiter_ttl_seconds: float | str | None = None,
        socket_timeout: float | str | None = None,
    ) -> None:
        options: dict[str, Any] = {}
        if endpoint_config is not None:
            options = dict(endpoint_config.kwargs)
            host = endpoint_config.url or host
        self._connection: dict[str, Any] = {
            "host": host,
            "port": int(options.get("port") or port),
            "db": int(options.get("db") or db),
            "username": options.get("username", username) or None,
            "password": options.get("password", password) or None,
            "ssl": bool(options.get("use_ssl", use_ssl)),
            "socket_timeout": _number(
                options.get("socket_timeout", socket_timeout), SOCKET_TIMEOUT_SECONDS
            ),
            "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        }
        prefix = options.get("key_prefix", key_prefix)
        # A separate namespace from Rasa's RedisLockStore ("<prefix>:lock:"), whose JSON value
        # sits at the bare conversation key.
        self.key_prefix = (f"{prefix}:" if prefix and str(prefix).isalnum() else "") + "qlock:"
        self.lease_seconds = _number(
            options.get("lease_seconds", lease_seconds), DEFAULT_LEASE_SECONDS
        )
        self.wait_seconds = _number(options.get("wait_seconds", wait_seconds), DEFAULT_WAIT_SECONDS)
        self.waiter_ttl_seconds = _number(
            options.get("waiter_ttl_seconds", waiter_ttl_seconds), DEFAULT_WAITER_TTL_SECONDS
        )
        self._connections: dict[asyncio.AbstractEventLoop, _Connection] = {}
        self._cleanups: set[asyncio.Task[Any]] = set()
        super().__init__()

    # --- Rasa's interface ----------------------------------------------------------------

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold ``conversation_id``'s lock for the body, after every earlier ticket's holder.

        ``lock_lifetime`` caps how long the lease is renewed (Rasa's ticket lifetime);
        ``wait_time_in_seconds`` is Rasa's polling interval, not used: waiters are woken.

        Raises:
            LockUnavailable: no turn within ``wait_seconds``, or Redis unreachable.
        """
        keys = Keys.of(self.key_prefix, conversation_id)
        token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
        ticket = await self.acquire(keys, token)
        keeper = asyncio.ensure_future(self._keep(keys, token, lock_lifetime))
        try:
            # Rasa's callers ignore it; its one ticket (now serving) is this message's number.
            yield TicketLock(conversation_id, deque([Ticket(ticket, time.time() + lock_lifetime)]))
        finally:
            keeper.cancel()
            await self._release(keys, token)

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """Not used: this store has no ticket object (Rasa's ``lock`` is overridden)."""
        raise NotImplementedError("AtomicRedisLockStore keeps no TicketLock; use lock()")

    # --- acquiring -----------------------------------------------------------------------

    async def acquire(self, keys: Keys, token: str) -> int:
        """Take a ticket and wait for its turn (its number); on failure it is given back.

        Raises:
            LockUnavailable: the wait ran out, the ticket expired, or Redis failed.
        """
        deadline = time.monotonic() + self.wait_seconds
        try:
            return await self._wait_for_turn(keys, token, deadline)
        except asyncio.CancelledError:  # the request went away: its ticket must not wait on
            self._clean_up_later(keys, token)
            raise
        except LockUnavailable as failure:
            logger.warning("Conversation lock not acquired: %s", failure.reason)
            self._clean_up_later(keys, token)
            raise
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            reason = f"Redis unavailable ({type(exc).__name__})"
            logger.warning("Conversation lock not acquired: %s", reason)
            self._clean_up_later(keys, token)
            raise LockUnavailable(reason) from None

    async def _wait_for_turn(self, keys: Keys, token: str, deadline: float) -> int:
        conn = self._conn()
        keys_ttl = _ms(2 * (self.wait_seconds + self.waiter_ttl_seconds + self.lease_seconds))
        lease_ms, ttl_ms = _ms(self.lease_seconds), _ms(self.waiter_ttl_seconds)
        ticket = 0
        while True:
            granted, ticket = await self._bounded(
                conn.acquire(
                    keys=[keys.holder, keys.queue, keys.deadlines, keys.counter],
                    args=[token, lease_ms, ttl_ms, keys_ttl, ticket],
                ),
                deadline,
            )
            if granted == 1:
                return int(ticket)
            if granted == -1:
                raise LockUnavailable("the ticket expired while waiting (a stall or pause)")
            remaining = deadline - time.monotonic()
            waited = f"waited {self.wait_seconds:g} s for earlier messages"
            if remaining <= 0:
                raise LockUnavailable(waited)
            await self._bounded(
                conn.client.blpop([keys.wake(token)], timeout=min(POLL_SECONDS, remaining)),
                deadline,
                waited,
            )

    async def _bounded(self, call: Awaitable[T], deadline: float, reason: str = "") -> T:
        """``call``'s result, unless the deadline passes first (a paused Redis answers late).

        Raises:
            LockUnavailable: with ``reason``, or by default: Redis did not answer in time.
        """
        remaining = deadline - time.monotonic()
        try:
            return await asyncio.wait_for(call, timeout=max(remaining, 0.001))
        except asyncio.TimeoutError:
            raise LockUnavailable(
                reason or f"Redis did not answer within the {self.wait_seconds:g} s wait"
            ) from None

    # --- holding and releasing -----------------------------------------------------------

    async def _keep(self, keys: Keys, token: str, lifetime: float) -> None:
        """Renew the lease every third of it while the body runs, up to ``lifetime``."""
        conn = self._conn()
        stop = time.monotonic() + lifetime
        every = self.lease_seconds / 3
        while time.monotonic() + every < stop:
            await asyncio.sleep(every)
            lease = min(self.lease_seconds, max(stop - time.monotonic(), 0.001))
            try:
                held = await conn.renew(keys=[keys.holder], args=[token, _ms(lease)])
            except (RedisError, OSError) as exc:
                logger.warning("Conversation lock lease not renewed: Redis %s", type(exc).__name__)
                continue
            if held != 1:
                logger.warning("Conversation lock lost before the message was done (lease ran out)")
                return

    async def _release(self, keys: Keys, token: str) -> None:
        """Release the lock (compare-and-delete) and wake the next ticket's owner.

        Never raises: the message has been processed; if Redis cannot be told, the lease runs out.
        """
        try:
            await self._run_release(keys, token)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            logger.warning(
                "Conversation lock not released (it expires with its lease): Redis %s",
                type(exc).__name__,
            )

    async def _run_release(self, keys: Keys, token: str) -> bool:
        """Whether ``token`` held the lock (and so released it)."""
        released = await self._conn().release(
            keys=[keys.holder, keys.queue, keys.deadlines],
            args=[token, keys.wake_prefix, _ms(self.waiter_ttl_seconds)],
        )
        return bool(released == 1)

    def _clean_up_later(self, keys: Keys, token: str) -> None:
        """Give back a failed waiter's ticket (and a lock it may have got at the last moment).

        In the background and bounded: Redis may be the reason for the failure (paused or
        down), and the caller must hear at once. If it never runs, the ticket expires anyway.
        """

        async def clean() -> None:
            try:
                await asyncio.wait_for(self._run_release(keys, token), CLEANUP_SECONDS)
            except (RedisError, OSError, asyncio.TimeoutError):
                pass  # the ticket expires after waiter_ttl_seconds; the lease after its lease

        task = asyncio.ensure_future(clean())
        self._cleanups.add(task)
        task.add_done_callback(self._cleanups.discard)

    # --- the connection ------------------------------------------------------------------

    def _conn(self) -> _Connection:
        """This event loop's client: asyncio connections belong to the loop that made them."""
        loop = asyncio.get_running_loop()
        conn = self._connections.get(loop)
        if conn is None:
            for old in [old for old in self._connections if old.is_closed()]:
                del self._connections[old]
            conn = _Connection.open(self._connection)
            self._connections[loop] = conn
        return conn

    async def close(self) -> None:
        """Close this loop's connections (tests, bench; Rasa's processes just exit)."""
        conn = self._connections.pop(asyncio.get_running_loop(), None)
        if conn is not None:
            await conn.client.close(close_connection_pool=True)
