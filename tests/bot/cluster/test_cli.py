"""make run-cluster's banner, and when the launcher itself gives up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.cluster.cli import banner, lost_roles
from bot.cluster.haproxy import Topology
from bot.cluster.launch import Cluster
from bot.cluster.supervisor import RestartPolicy, Supervisor
from tests.settings import make_settings


class Dead:
    """A child that has exited and cannot be started again."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.log_path = Path(f"{name}.log")
        self.process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
        self.process.wait()

    def respawn(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
        self.process.wait()


def cluster(tmp_path: Path, **settings: Any) -> Cluster:
    topology = Topology(7000, 7050, 7080, (7005, 7006), (7055, 7056), tmp_path / "h.sock")
    return Cluster(make_settings(var_dir=tmp_path, **settings), topology)


def test_a_role_is_lost_only_when_every_member_is_given_up(tmp_path: Path) -> None:
    running = cluster(tmp_path)
    names = ["haproxy", "web", "rasa-1", "rasa-2", "actions-1", "actions-2"]
    running.services = dict.fromkeys(names)  # type: ignore[arg-type]
    dead = [Dead("rasa-1"), Dead("rasa-2"), Dead("actions-1")]
    running.supervisor = Supervisor(dead, RestartPolicy(first_delay=0, give_up_after=1))

    running.supervisor.check()

    assert running.supervisor.given_up == ["rasa-1", "rasa-2", "actions-1"]
    assert lost_roles(running) == ["rasa"]  # actions-2 still runs


def test_the_banner_gives_the_proxys_addresses_and_the_notes(tmp_path: Path) -> None:
    running = cluster(
        tmp_path,
        public_url="http://127.0.0.1:7000",
        public_rasa_url="http://127.0.0.1:7000",
        database_url="postgresql+psycopg2://postgres:hunter2@127.0.0.1:5432/reflect_cluster",
        redis_url="redis://127.0.0.1:6379/2",
    )

    text = banner(running, Path("models/abc.tar.gz"), ["REDIS_URL is unset: using this one"])

    assert "http://127.0.0.1:7000/webhooks/rest/webhook" in text
    assert "http://127.0.0.1:7000/portal/" in text
    assert "rasa-1 http://127.0.0.1:7005, rasa-2 http://127.0.0.1:7006" in text
    assert "http://127.0.0.1:7050 (HAProxy) -> actions-1 :7055, actions-2 :7056" in text
    assert "Note: REDIS_URL is unset: using this one." in text
    assert "hunter2" not in text and ":***@" in text
    assert (
        '<script src="http://127.0.0.1:7000/widget.js" data-server="http://127.0.0.1:7000"' in text
    )
