"""``python -m bot.cluster.child``: what systemd's units start is what make run-cluster starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cluster.child import command
from bot.cluster.cli import parse_child as parse
from bot.run import ACTION_SERVER_MODULE
from tests.settings import make_settings


def test_a_rasa_replica_gets_its_port_and_calls_actions_through_the_proxy() -> None:
    settings = make_settings(var_dir=Path("/srv/reflect/var"), action_host="10.0.0.5")
    args = parse(["rasa", "--port", "5006", "--model", "m.tar.gz", "--actions-port", "5050"])

    program, env = command("rasa", settings, args)

    assert program[1:4] == ["-m", "bot.rasa_ext.serve", "run"]
    assert program[program.index("--port") + 1] == "5006"
    assert program[program.index("--model") + 1] == "m.tar.gz"
    assert program[-1] == "/srv/reflect/var/logs/rasa-5006-server.log"
    assert env["REFLECT_ACTION_URL"] == "http://10.0.0.5:5050/webhook"
    assert env["RASA_PORT"] == "5006"
    assert env["REFLECT_ACTION_AUTHORIZATION"] == f"Bearer {settings.action_token}"


def test_an_action_server_and_the_web_app_get_their_ports() -> None:
    settings = make_settings()

    actions, actions_env = command("actions", settings, parse(["actions", "--port", "5056"]))
    web, web_env = command("web", settings, parse(["web"]))

    assert actions[1:] == ["-m", ACTION_SERVER_MODULE] and actions_env["ACTION_PORT"] == "5056"
    assert web[1:] == ["-m", "bot.web"] and web_env["WEB_PORT"] == str(settings.web_port)


def test_rasa_needs_a_model() -> None:
    with pytest.raises(SystemExit):
        parse(["rasa", "--port", "5005"])
