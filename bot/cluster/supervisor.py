"""Start a crashed child process again, with backoff, and give up on one that keeps crashing.

Both launchers use it: `make run` (bot/run.py), where a dead action server used to stop every
process and nothing restarted it, and `make run-cluster` (bot/cluster/launch.py), where a crashed
Rasa replica or action server must come back while HAProxy routes around it.

Deliberately small and synchronous: :meth:`Supervisor.check` looks at every child once and
returns, so the launcher's own loop (or a thread, :meth:`Supervisor.run`) drives it and tests
drive it step by step with a fake clock. Each restart is logged once, as one WARNING line with
the reason (exit status or signal), never anything the child printed: the child's own log has
that. A child that fails ``give_up_after`` times in a row, each time within ``quick_seconds`` of
being started, is broken rather than unlucky (a bad model, a port in use, a missing database):
restarting it at once for ever would only hide that, so the supervisor says so once, in an
ERROR line, and rests it for ``cool_down`` seconds before trying again (a database that was down
for a minute, or a burst of out-of-memory kills, must not leave the cluster a process short for
good).
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

LOG = logging.getLogger(__name__)


class Child(Protocol):
    """What the supervisor needs of a child: bot.run.Service is one."""

    name: str
    log_path: Path

    @property
    def process(self) -> subprocess.Popen[bytes]:
        """The current process (replaced by :meth:`respawn`)."""

    def respawn(self) -> None:
        """Start the child's command again."""


@dataclass(frozen=True)
class RestartPolicy:
    """How soon to restart, and when to stop trying.

    The delay doubles with each quick failure in a row (``first_delay``, twice that, ...) up to
    ``max_delay``; a child that ran for ``quick_seconds`` or more before failing starts the
    count again, so one crash a day is restarted after ``first_delay`` every time.
    """

    first_delay: float = 1.0
    max_delay: float = 30.0
    quick_seconds: float = 60.0
    give_up_after: int = 5
    #: After giving up, try again (the count starting afresh) this long after; ``None``: never.
    cool_down: float | None = 300.0


def exit_reason(status: int) -> str:
    """Why a process ended, from its return code, for the restart line."""
    if status < 0:
        try:
            return f"was killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"was killed by signal {-status}"
    if status == 0:
        return "exited with status 0 (it should run until stopped)"
    return f"exited with status {status}"


@dataclass
class _Watch:
    """What the supervisor knows about one child."""

    child: Child
    started: float
    quick_failures: int = 0
    restart_at: float | None = None
    restarts: int = 0
    given_up: bool = False


class Supervisor:
    """Keeps a set of children running: see the module docstring."""

    def __init__(
        self,
        children: Iterable[Child],
        policy: RestartPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger = LOG,
    ) -> None:
        self.policy = policy or RestartPolicy()
        self._clock = clock
        self._log = logger
        self._lock = threading.Lock()
        now = clock()
        self._watches = {child.name: _Watch(child, started=now) for child in children}

    @property
    def given_up(self) -> list[str]:
        """The children the supervisor has stopped restarting, in the order they were given."""
        return [name for name, watch in self._watches.items() if watch.given_up]

    def restarts(self, name: str) -> int:
        """How many times ``name`` has been started again."""
        return self._watches[name].restarts

    def down(self, name: str) -> bool:
        """Whether ``name`` is not running now (waiting for its restart, or given up)."""
        watch = self._watches[name]
        return watch.given_up or watch.restart_at is not None

    def check(self) -> None:
        """Look at every child once: notice exits, start again those whose delay is over."""
        with self._lock:
            now = self._clock()
            for watch in self._watches.values():
                if watch.restart_at is None:
                    if watch.given_up:
                        continue
                    status = watch.child.process.poll()
                    if status is not None:
                        self._failed(watch, status, now)
                if watch.restart_at is not None and now >= watch.restart_at:
                    if watch.given_up:  # rested: a fresh start
                        watch.given_up, watch.quick_failures = False, 0
                    self._restart(watch, now)

    def run(self, stop: threading.Event, interval: float = 0.25) -> None:
        """:meth:`check` every ``interval`` seconds until ``stop`` is set (a launcher's thread)."""
        while not stop.wait(interval):
            self.check()

    def _failed(self, watch: _Watch, status: int, now: float) -> None:
        name, policy = watch.child.name, self.policy
        ran = now - watch.started
        watch.quick_failures = watch.quick_failures + 1 if ran < policy.quick_seconds else 0
        reason = exit_reason(status)
        if watch.quick_failures >= policy.give_up_after:
            watch.given_up = True
            rest = policy.cool_down
            watch.restart_at = None if rest is None else now + rest
            self._log.error(
                "%s %s; it failed %d times in a row, each within %.0f s of starting: %s (see %s)",
                name,
                reason,
                watch.quick_failures,
                policy.quick_seconds,
                "not restarting it again" if rest is None else f"resting it {rest:.0f} s",
                watch.child.log_path,
            )
            return
        delay = min(policy.first_delay * 2**watch.quick_failures, policy.max_delay)
        watch.restart_at = now + delay
        self._log.warning(
            "%s %s after %.1f s; restarting it in %.1f s (restart %d; see %s)",
            name,
            reason,
            ran,
            delay,
            watch.restarts + 1,
            watch.child.log_path,
        )

    def _restart(self, watch: _Watch, now: float) -> None:
        watch.restart_at = None
        watch.started = now
        watch.restarts += 1
        try:
            watch.child.respawn()
        except OSError as exc:
            # Counted like a crash at once (the next check sees no process to poll otherwise).
            watch.quick_failures += 1
            watch.given_up = watch.quick_failures >= self.policy.give_up_after
            rest = self.policy.cool_down if watch.given_up else self.policy.max_delay
            watch.restart_at = None if rest is None else now + rest
            self._log.error(
                "%s could not be started again (%s)", watch.child.name, type(exc).__name__
            )
