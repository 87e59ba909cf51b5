"""`make run` restarts a crashed server instead of stopping everything (bot/run.py's main loop).

The main loop is :class:`bot.cluster.supervisor.Supervisor` over the stack's services, checked
every half second; here the test drives the same supervisor over a real stack.
"""

from __future__ import annotations

import signal
import time

import pytest

from bot.cluster.supervisor import RestartPolicy, Supervisor
from bot.run import Stack, wait_ready
from tests.e2e.conftest import Rest

pytestmark = pytest.mark.slow


def test_a_killed_action_server_is_restarted_and_the_conversation_goes_on(running: Stack) -> None:
    chat = Rest(running.rasa_url, "run-supervised")
    assert "Point 1 of 4" in chat.text_of("hello") + chat.text_of("discuss and reflect")
    actions = next(s for s in running.services if s.name == "actions")
    others = {s.name: s.process.pid for s in running.services if s.name != "actions"}
    old_pid = actions.process.pid
    supervisor = Supervisor(running.services, RestartPolicy(first_delay=0.5))

    actions.process.send_signal(signal.SIGKILL)
    actions.process.wait(timeout=30)
    deadline = time.monotonic() + 60
    while supervisor.restarts("actions") == 0:
        assert time.monotonic() < deadline, "the action server was not restarted"
        supervisor.check()
        time.sleep(0.1)
    wait_ready(actions, time.monotonic() + 60)

    assert actions.process.pid != old_pid
    assert {s.name: s.process.pid for s in running.services if s.name != "actions"} == others
    assert all(s.alive() for s in running.services)  # Rasa and the web app never stopped
    assert "Point 2 of 4" in chat.text_of("next")
    assert supervisor.given_up == []
