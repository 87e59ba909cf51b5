"""The supervisor restarts crashed children with backoff, says why once, and gives up on a loop.

The children are real processes (tiny ``python -c`` programs); the clock is a fake one the
test moves, so backoff and "quick" failures are decided by the test, not by timing.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.cluster.supervisor import RestartPolicy, Supervisor, exit_reason

CRASH = "import sys; sys.exit(3)"
SLEEP = "import time; time.sleep(60)"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Child:
    """A child process running ``code``; each respawn runs the next code in ``later``."""

    def __init__(self, name: str, code: str, *later: str) -> None:
        self.name = name
        self.log_path = Path(f"/var/logs/{name}.log")
        self.codes = list(later)
        self.started = 1
        self.process = self._start(code)

    def _start(self, code: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", code])

    def respawn(self) -> None:
        self.started += 1
        self.process = self._start(self.codes.pop(0) if self.codes else SLEEP)

    def finish(self) -> None:
        """Wait until the current process has exited (crashing children exit at once)."""
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


Make = Callable[..., Child]


@pytest.fixture
def made() -> Iterator[Make]:
    children: list[Child] = []

    def make(name: str, code: str, *later: str) -> Child:
        child = Child(name, code, *later)
        children.append(child)
        return child

    yield make
    for child in children:
        child.stop()


POLICY = RestartPolicy(first_delay=1.0, max_delay=8.0, quick_seconds=60.0, give_up_after=4)


def supervisor(children: list[Child], clock: FakeClock) -> Supervisor:
    return Supervisor(children, POLICY, clock=clock)


def test_a_running_child_is_left_alone(made: Make, caplog: pytest.LogCaptureFixture) -> None:
    child = made("web", SLEEP)
    clock = FakeClock()
    watching = supervisor([child], clock)

    for _ in range(3):
        clock.now += 100
        watching.check()

    assert child.started == 1 and child.process.poll() is None
    assert watching.restarts("web") == 0 and not watching.down("web")
    assert caplog.records == []


def test_a_crashed_child_is_restarted_after_the_delay_with_one_line_saying_why(
    made: Make, caplog: pytest.LogCaptureFixture
) -> None:
    child = made("actions-1", CRASH, SLEEP)
    clock = FakeClock()
    watching = supervisor([child], clock)
    child.finish()
    clock.now += 120  # it ran two minutes: not a quick failure

    with caplog.at_level(logging.WARNING):
        watching.check()
        assert child.started == 1 and watching.down("actions-1")
        clock.now += 0.5
        watching.check()
        assert child.started == 1  # still within the first delay (1 s)
        clock.now += 0.5
        watching.check()

    assert child.started == 2 and child.process.poll() is None
    assert watching.restarts("actions-1") == 1 and not watching.down("actions-1")
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    line = caplog.records[0].getMessage()
    assert line.startswith("actions-1 exited with status 3 after 120.0 s; restarting it in 1.0 s")
    assert "restart 1" in line and "actions-1.log" in line


def test_a_killed_child_is_reported_as_killed_and_restarted(
    made: Make, caplog: pytest.LogCaptureFixture
) -> None:
    child = made("rasa-1", SLEEP, SLEEP)
    clock = FakeClock()
    watching = supervisor([child], clock)
    child.process.send_signal(signal.SIGKILL)
    child.finish()
    clock.now += 300

    watching.check()
    clock.now += POLICY.first_delay
    watching.check()

    assert "rasa-1 was killed by SIGKILL" in caplog.records[0].getMessage()
    assert child.started == 2 and child.process.poll() is None


def test_quick_failures_back_off_doubling_up_to_the_maximum(
    made: Make, caplog: pytest.LogCaptureFixture
) -> None:
    child = made("rasa-2", CRASH, CRASH, CRASH, SLEEP)
    clock = FakeClock()
    watching = supervisor([child], clock)
    delays = []
    for _ in range(3):
        child.finish()
        clock.now += 1  # failed within a second of starting
        watching.check()
        line = caplog.records[-1].getMessage()
        delay = float(line.split("restarting it in ")[1].split(" s")[0])
        delays.append(delay)
        clock.now += delay
        watching.check()

    assert delays == [2.0, 4.0, 8.0]  # 1 s doubled per quick failure in a row
    assert child.started == 4 and child.process.poll() is None
    assert watching.given_up == []


def test_a_long_run_starts_the_count_again(made: Make, caplog: pytest.LogCaptureFixture) -> None:
    child = made("actions-2", CRASH, CRASH, CRASH)
    clock = FakeClock()
    watching = supervisor([child], clock)
    child.finish()
    clock.now += 1
    watching.check()  # quick failure: 2 s
    clock.now += 2
    watching.check()
    child.finish()
    clock.now += 600  # this one ran ten minutes
    watching.check()

    assert "restarting it in 1.0 s" in caplog.records[-1].getMessage()


def test_it_gives_up_after_quick_failures_in_a_row_and_says_so_once(
    made: Make, caplog: pytest.LogCaptureFixture
) -> None:
    child = made("rasa-1", CRASH, CRASH, CRASH, CRASH, SLEEP)
    other = made("web", SLEEP)
    clock = FakeClock()
    watching = supervisor([child, other], clock)
    for _ in range(POLICY.give_up_after):
        child.finish()
        clock.now += 1
        watching.check()
        clock.now += POLICY.max_delay
        watching.check()
    for _ in range(3):
        clock.now += 90  # resting: 270 s of the 300
        watching.check()

    assert watching.given_up == ["rasa-1"] and watching.down("rasa-1")
    assert child.started == POLICY.give_up_after  # not started while it rests
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert errors[0].startswith("rasa-1 exited with status 3; it failed 4 times in a row")
    assert "resting it 300 s" in errors[0]
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == POLICY.give_up_after - 1  # one line per restart
    assert other.process.poll() is None and not watching.down("web")


def test_a_child_that_cannot_be_started_again_counts_as_a_failure(
    made: Make, caplog: pytest.LogCaptureFixture
) -> None:
    child = made("haproxy", CRASH)

    def refuse() -> None:
        raise FileNotFoundError("no such binary")

    child.respawn = refuse  # type: ignore[method-assign]
    clock = FakeClock()
    watching = supervisor([child], clock)
    child.finish()
    clock.now += 1
    watching.check()
    clock.now += POLICY.max_delay
    watching.check()

    assert "haproxy could not be started again (FileNotFoundError)" in caplog.text
    assert "no such binary" not in caplog.text  # the reason's type, not its text
    assert watching.down("haproxy") and watching.given_up == []


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (1, "exited with status 1"),
        (0, "exited with status 0 (it should run until stopped)"),
        (-9, "was killed by SIGKILL"),
        (-15, "was killed by SIGTERM"),
        (-200, "was killed by signal 200"),
    ],
)
def test_exit_reasons(status: int, reason: str) -> None:
    assert exit_reason(status) == reason


def test_after_resting_a_given_up_child_is_tried_again_with_a_fresh_count(made: Make) -> None:
    # The attack on the running cluster killed rasa-2 five times in a minute: it must not stay
    # down for good.
    child = made("rasa-2", CRASH, CRASH, CRASH, CRASH, SLEEP)
    clock = FakeClock()
    watching = supervisor([child], clock)
    for _ in range(POLICY.give_up_after):
        child.finish()
        clock.now += 1
        watching.check()
        clock.now += POLICY.max_delay
        watching.check()
    assert watching.given_up == ["rasa-2"]

    clock.now += 300
    watching.check()

    assert watching.given_up == [] and not watching.down("rasa-2")
    assert child.started == POLICY.give_up_after + 1
    assert child.process.poll() is None


def test_without_a_cool_down_a_given_up_child_stays_down(
    made: Make, caplog: pytest.LogCaptureFixture
) -> None:
    child = made("actions-1", CRASH, SLEEP)
    clock = FakeClock()
    watching = Supervisor([child], RestartPolicy(give_up_after=1, cool_down=None), clock=clock)
    child.finish()
    watching.check()
    clock.now += 10_000
    watching.check()

    assert watching.given_up == ["actions-1"] and child.started == 1
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "not restarting it again" in errors[0]
