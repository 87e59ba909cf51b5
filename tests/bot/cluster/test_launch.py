"""What start_cluster decides before it starts anything: ports, shared settings, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cluster import launch
from bot.cluster.haproxy import Topology
from bot.cluster.launch import Cluster, ClusterPorts, cluster_problems, cluster_settings
from bot.run import StartupError
from tests.settings import make_settings

POSTGRES = "postgresql+psycopg2://postgres@127.0.0.1:5432/reflect_test"
REDIS = "redis://127.0.0.1:6379/2"


def test_a_cluster_needs_postgresql_and_redis() -> None:
    assert cluster_problems(make_settings(database_url=POSTGRES, redis_url=REDIS)) == []
    sqlite = cluster_problems(make_settings(database_url="sqlite:///x.db", redis_url=REDIS))
    neither = cluster_problems(make_settings())

    assert len(sqlite) == 1 and "PostgreSQL" in sqlite[0]
    assert len(neither) == 2 and "Redis" in neither[1]


def test_start_cluster_refuses_without_them_before_starting_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_start(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing may start")

    monkeypatch.setattr(launch, "_start", must_not_start)
    monkeypatch.setattr(launch, "prepare_storage", must_not_start)

    with pytest.raises(StartupError, match=r"PostgreSQL.*Redis"):
        launch.start_cluster(make_settings(var_dir=tmp_path), tmp_path / "model.tar.gz")


def test_start_cluster_needs_one_port_per_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launch, "find_haproxy", lambda: "/usr/sbin/haproxy")
    settings = make_settings(var_dir=tmp_path, database_url=POSTGRES, redis_url=REDIS)

    with pytest.raises(StartupError, match="one port per"):
        launch.start_cluster(
            settings, tmp_path / "m.tar.gz", rasa_replicas=3, ports=ClusterPorts.free(2, 2)
        )


def test_ports_from_settings_count_up_from_each_base_port() -> None:
    settings = make_settings(
        rasa_port=6005,
        action_port=6055,
        web_port=6080,
        cluster_proxy_port=6000,
        cluster_actions_port=6050,
    )

    ports = ClusterPorts.from_settings(settings, rasa_replicas=3, action_servers=2)

    assert ports == ClusterPorts(6000, 6050, 6080, (6005, 6006, 6007), (6055, 6056))


def test_free_ports_are_all_different() -> None:
    ports = ClusterPorts.free(2, 2)
    every = [ports.proxy, ports.actions_proxy, ports.web, *ports.rasa, *ports.actions]

    assert len(set(every)) == 7


def test_browsers_reach_everything_through_the_proxy() -> None:
    ports = ClusterPorts(7000, 7050, 7080, (7005, 7006), (7055, 7056))

    shared = cluster_settings(make_settings(rasa_workers=2, redis_url=REDIS), ports)

    assert shared.public_url == "http://127.0.0.1:7000"
    assert shared.socket_url == "http://127.0.0.1:7000"  # widget.js connects through HAProxy
    assert "http://127.0.0.1:7000" in shared.widget_origins
    assert (shared.web_port, shared.cluster_proxy_port, shared.cluster_actions_port) == (
        7080,
        7000,
        7050,
    )
    assert shared.rasa_workers == 1  # one worker per replica: the replicas are the scale-out
    assert shared.trusted_proxies == 1  # the web app reads clients' addresses from HAProxy


def test_a_deployments_public_address_is_kept() -> None:
    ports = ClusterPorts(7000, 7050, 7080, (7005,), (7055,))
    given = make_settings(public_url="https://reflect.example.org")

    shared = cluster_settings(given, ports)

    assert shared.public_url == "https://reflect.example.org"
    assert shared.socket_url == "https://reflect.example.org"


def test_a_replica_calls_actions_through_haproxy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = {}

    def fake_spawn_rasa(settings: object, model: Path, **kwargs: object) -> str:
        seen["settings"], seen["kwargs"] = settings, kwargs
        return "service"

    monkeypatch.setattr(launch, "spawn_rasa", fake_spawn_rasa)
    shared = cluster_settings(make_settings(), ClusterPorts(7000, 7050, 7080, (7005,), (7055,)))

    launch._spawn_rasa(shared, tmp_path / "m.tar.gz", "rasa-1", 7005)

    replica = seen["settings"]
    assert replica.rasa_port == 7005  # type: ignore[attr-defined]
    assert replica.action_url == "http://127.0.0.1:7050/webhook"  # type: ignore[attr-defined]
    assert seen["kwargs"] == {"name": "rasa-1"}


def test_the_cluster_knows_each_replicas_own_address(tmp_path: Path) -> None:
    topology = Topology(7000, 7050, 7080, (7005, 7006), (7055, 7056), tmp_path / "h.sock")
    cluster = Cluster(make_settings(), topology)

    assert cluster.proxy_url == "http://127.0.0.1:7000"
    assert cluster.actions_proxy_url == "http://127.0.0.1:7050"
    assert cluster.rasa_url("rasa-2") == "http://127.0.0.1:7006"
