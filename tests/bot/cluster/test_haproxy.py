"""HAProxy's config for the cluster: what it routes where, its limits, and that HAProxy takes it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from bot.cluster import haproxy
from bot.cluster.haproxy import Topology, read_stats, render
from bot.cluster.launch import find_haproxy
from bot.content.messages import render as render_message
from bot.run import StartupError
from bot.settings.config import Settings
from tests.settings import make_settings


def topology(tmp_path: Path, rasa: int = 2, actions: int = 2) -> Topology:
    return Topology(
        proxy_port=18000,
        actions_port=15050,
        web_port=18080,
        rasa_ports=tuple(15005 + n for n in range(rasa)),
        action_ports=tuple(15055 + n for n in range(actions)),
        stats_socket=tmp_path / "haproxy.sock",
    )


def sections(config: str) -> dict[str, list[str]]:
    """Each section ("frontend public", "backend rasa", ...) and its stripped lines."""
    found: dict[str, list[str]] = {}
    current = ""
    for line in config.splitlines():
        if line and not line.startswith((" ", "#")):
            current = line.strip()
            found[current] = []
        elif line.strip() and not line.strip().startswith("#"):
            found[current].append(line.strip())
    return found


def haproxy_binary() -> str:
    """Debian's haproxy; skipped without it locally, a failure in CI (make installs it)."""
    try:
        return find_haproxy()
    except StartupError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc}; CI must check the config with HAProxy itself")
        pytest.skip(str(exc))


def check_with_haproxy(config: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "haproxy.cfg"
    path.write_text(config, encoding="utf-8")
    return subprocess.run(
        [haproxy_binary(), "-c", "-f", str(path)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    "settings",
    [
        make_settings(),
        make_settings(cluster_rate_limit=0, cluster_teams_rate_limit=0),
        make_settings(cluster_rate_limit=0, cluster_max_body_bytes=64 * 1024),
    ],
    ids=["defaults", "no rate limits", "REST unlimited, small bodies"],
)
def test_haproxy_accepts_the_config(settings: Settings, tmp_path: Path) -> None:
    checked = check_with_haproxy(render(settings, topology(tmp_path)), tmp_path)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Configuration file is valid" in checked.stdout


def test_haproxy_refuses_a_broken_config_so_the_check_means_something(tmp_path: Path) -> None:
    broken = render(make_settings(), topology(tmp_path)).replace("balance roundrobin", "balance x")

    assert check_with_haproxy(broken, tmp_path).returncode != 0


def test_webhooks_go_round_robin_to_every_replica_and_the_rest_to_the_web_app(
    tmp_path: Path,
) -> None:
    config = sections(render(make_settings(), topology(tmp_path, rasa=3)))

    front = config["frontend public"]
    assert "bind 127.0.0.1:18000" in front
    assert "use_backend rasa if webhooks" in front and "acl webhooks path_beg /webhooks/" in front
    assert "use_backend rasa_socketio if socketio" in front
    assert front[-1] == "default_backend web"
    assert "balance roundrobin" in config["backend rasa"]
    assert [line for line in config["backend rasa"] if line.startswith("server")] == [
        "server rasa-1 127.0.0.1:15005 check",
        "server rasa-2 127.0.0.1:15006 check",
        "server rasa-3 127.0.0.1:15007 check",
        "server rasa-1-anyway 127.0.0.1:15005 backup",
        "server rasa-2-anyway 127.0.0.1:15006 backup",
        "server rasa-3-anyway 127.0.0.1:15007 backup",
    ]
    assert "server web 127.0.0.1:18080 check" in config["backend web"]
    assert "option httpchk GET /healthz" in config["backend web"]


def test_the_widget_socket_is_sticky_by_cookie_and_else_by_address(tmp_path: Path) -> None:
    backend = sections(render(make_settings(), topology(tmp_path)))["backend rasa_socketio"]

    assert "balance source" in backend
    cookie = next(line for line in backend if line.startswith("cookie "))
    assert cookie.split()[1] == haproxy.STICKY_COOKIE and "insert" in cookie.split()
    assert "indirect" in cookie.split() and "httponly" in cookie.split()
    assert "server rasa-1 127.0.0.1:15005 check cookie rasa-1" in backend
    assert "server rasa-2 127.0.0.1:15006 check cookie rasa-2" in backend


def test_websockets_may_stay_open_long_and_slow_headers_may_not(tmp_path: Path) -> None:
    defaults = sections(render(make_settings(), topology(tmp_path)))["defaults"]

    assert f"timeout tunnel {haproxy.TUNNEL_TIMEOUT}" in defaults
    assert haproxy.TUNNEL_TIMEOUT == "1h"
    assert "timeout http-request 10s" in defaults
    assert "retries 3" in defaults and "option redispatch 1" in defaults
    # Only what cannot have been handled is replayed: no response-timeout, no 5xx retries.
    assert "retry-on conn-failure empty-response" in defaults


def test_bodies_are_buffered_for_the_replicas_but_not_before_the_fronts_limits(
    tmp_path: Path,
) -> None:
    """Buffered in the front, the 413 would wait for the body; in the backends it may be resent."""
    config = sections(render(make_settings(), topology(tmp_path)))

    assert "option http-buffer-request" in config["backend rasa"]
    assert "option http-buffer-request" in config["backend actions"]
    assert "option http-buffer-request" not in config["frontend public"] + config["defaults"]


def test_action_calls_are_balanced_on_loopback_over_checked_action_servers(
    tmp_path: Path,
) -> None:
    config = sections(render(make_settings(), topology(tmp_path, actions=3)))

    assert config["frontend actions"] == [
        "bind 127.0.0.1:15050",
        "http-request set-var(txn.logpath) path,regsub(/[A-Za-z0-9_-]{20}[^/]*,/-,g)",
        "timeout http-keep-alive 75s",
        "timeout client 75s",
        "default_backend actions",
    ]
    backend = config["backend actions"]
    assert "option httpchk GET /health" in backend
    assert "http-check expect status 200" in backend
    assert [line for line in backend if line.startswith("server")] == [
        "server actions-1 127.0.0.1:15055 check",
        "server actions-2 127.0.0.1:15056 check",
        "server actions-3 127.0.0.1:15057 check",
        "server actions-1-anyway 127.0.0.1:15055 backup",
        "server actions-2-anyway 127.0.0.1:15056 backup",
        "server actions-3-anyway 127.0.0.1:15057 backup",
    ]


def test_busy_servers_are_given_time_and_tried_anyway_rather_than_a_503(tmp_path: Path) -> None:
    # Under a burst every replica may answer its health check late at once (the soak saw 503s
    # with "0 active servers left"): checks get 10 s and three failures, and when every checked
    # server is out the unchecked backups (the same servers) are tried before a 503.
    config = sections(render(make_settings(), topology(tmp_path, rasa=2, actions=2)))

    assert "timeout check 10s" in config["defaults"]
    assert "default-server inter 2s fall 3 rise 1" in config["defaults"]
    assert "retry-on conn-failure empty-response" in config["defaults"]
    for backend in ("backend rasa", "backend actions"):
        assert "option allbackups" in config[backend]
        backups = [line for line in config[backend] if line.endswith(" backup")]
        checked = [line for line in config[backend] if line.endswith(" check")]
        assert len(backups) == len(checked) == 2
        assert all("-anyway " in line for line in backups)


def test_bodies_over_the_limit_get_a_413_with_the_wording_from_messages(tmp_path: Path) -> None:
    settings = make_settings(cluster_max_body_bytes=2 * 1024 * 1024)
    front = sections(render(settings, topology(tmp_path)))["frontend public"]

    deny = next(line for line in front if "deny_status 413" in line)
    text = render_message("proxy_too_large", limit="2097152").text
    assert f'string "{text}\\n"' in deny
    assert deny.endswith("if { req.hdr_val(content-length) gt 2097152 }")
    # Before the rate limit's tracking: a refused body does not count as a request.
    assert front.index(deny) < next(i for i, line in enumerate(front) if "track-sc0" in line)


def test_rest_and_teams_have_their_own_rate_limit_per_address(tmp_path: Path) -> None:
    settings = make_settings(cluster_rate_limit=40, cluster_teams_rate_limit=900)
    front = sections(render(settings, topology(tmp_path)))["frontend public"]

    assert "stick-table type ip size 200k expire 30s store http_req_rate(10s)" in front
    assert "http-request track-sc0 src if rest || teams" in front
    too_many = render_message("proxy_rate_limited").text
    denies = [line for line in front if "deny_status 429" in line]
    limits = [re.findall(r"if (\w+) \{ sc_http_req_rate\(0\) gt (\d+) \}$", d) for d in denies]
    assert limits == [[("rest", "40")], [("teams", "900")]]
    assert all(f'string "{too_many}\\n"' in d for d in denies)


def test_a_zero_rate_limit_turns_that_limit_off(tmp_path: Path) -> None:
    only_teams = sections(render(make_settings(cluster_rate_limit=0), topology(tmp_path)))
    neither = sections(
        render(make_settings(cluster_rate_limit=0, cluster_teams_rate_limit=0), topology(tmp_path))
    )

    assert "http-request track-sc0 src if teams" in only_teams["frontend public"]
    assert not any("if rest {" in line for line in only_teams["frontend public"])
    assert not any("sc_http_req_rate" in line for line in neither["frontend public"])
    assert not any("stick-table" in line for line in neither["frontend public"])


def test_only_the_proxy_sets_the_forwarded_address(tmp_path: Path) -> None:
    front = sections(render(make_settings(), topology(tmp_path)))["frontend public"]

    assert front.index("http-request del-header X-Forwarded-For") < front.index("option forwardfor")


def test_logs_name_no_client_no_query_string_and_no_body(tmp_path: Path) -> None:
    defaults = sections(render(make_settings(), topology(tmp_path)))["defaults"]
    log_format = next(line for line in defaults if line.startswith("log-format "))
    fields = re.findall(r"%\{?[^ ]*?\}?([A-Za-z]+)", log_format)

    assert "ST" in fields  # the status is logged
    for leak in ("ci", "cp", "r", "HU", "HQ", "HP", "HPO", "hr", "hrl", "CC"):
        assert leak not in fields  # address, query, headers, the raw path
    # The path only as each frontend cut it: long token-shaped segments (link keys) become "-".
    assert "%[var(txn.logpath)]" in log_format
    config = sections(render(make_settings(), topology(tmp_path)))
    for name in ("frontend public", "frontend actions"):
        assert any(
            line.startswith("http-request set-var(txn.logpath) path,regsub(")
            for line in config[name]
        )


def test_the_stats_socket_is_the_owners_only(tmp_path: Path) -> None:
    config = render(make_settings(), topology(tmp_path))

    assert f"stats socket {tmp_path / 'haproxy.sock'} mode 600 level admin" in config


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain words", '"plain words"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("costs $5", '"costs \\$5"'),
        ("two\nlines", '"two\\nlines"'),
    ],
)
def test_texts_are_quoted_as_one_haproxy_argument(text: str, quoted: str) -> None:
    assert haproxy._quoted(text) == quoted


def test_a_carriage_return_cannot_reach_the_config() -> None:
    with pytest.raises(ValueError, match="carriage return"):
        haproxy._quoted("a\rb")


def test_read_stats_parses_show_stat(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    asked: list[bytes] = []

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            asked.append(conn.recv(100))
            conn.sendall(
                b"# pxname,svname,status,req_tot,\n"
                b"rasa,rasa-1,UP,7,\nrasa,rasa-2,DOWN,0,\nrasa,BACKEND,UP,7,\n\n"
            )

    thread = threading.Thread(target=answer)
    thread.start()
    try:
        rows = read_stats(path)
    finally:
        thread.join()
        server.close()

    assert asked == [b"show stat\n"]
    assert [(r["svname"], r["status"], r["req_tot"]) for r in rows] == [
        ("rasa-1", "UP", "7"),
        ("rasa-2", "DOWN", "0"),
        ("BACKEND", "UP", "7"),
    ]
