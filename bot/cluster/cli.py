"""`make run-cluster` (``python -m bot.cluster --model ...``): start the cluster, print its URLs.

Runs until Ctrl-C or SIGTERM. The supervisor restarts a crashed child; the launcher itself
stops (exit 1) only when a whole role is gone for good: HAProxy, the web app, every Rasa
replica or every action server given up on.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from bot.channels import log_safety
from bot.cluster.child import command
from bot.cluster.launch import Cluster, cluster_problems, start_cluster
from bot.cluster.local import ensure_database, with_local_services
from bot.run import StartupError, embed_snippet, safe_url, serve_until_stopped
from bot.settings.config import PROJECT_ROOT, Settings, load_settings
from bot.storage.private_files import private_umask


def lost_roles(cluster: Cluster) -> list[str]:
    """The roles (``rasa``, ``actions``, ``web``, ``haproxy``) every member of which is given up."""
    if cluster.supervisor is None:
        return []
    given_up = set(cluster.supervisor.given_up)
    roles: dict[str, list[str]] = {}
    for name in cluster.services:
        roles.setdefault(name.rsplit("-", 1)[0], []).append(name)
    return [role for role, names in roles.items() if given_up.issuperset(names)]


def banner(cluster: Cluster, model: Path, notes: list[str]) -> str:
    """What `make run-cluster` prints once everything answers."""
    settings, top = cluster.settings, cluster.topology
    url = cluster.proxy_url
    replicas = ", ".join(f"{n} {cluster.rasa_url(n)}" for n in top.rasa_names)
    actions = ", ".join(
        f"{n} :{p}" for n, p in zip(top.action_names, top.action_ports, strict=True)
    )
    teams = "configured" if settings.teams_app_id else "not configured: see README"
    lines = [
        f"Reflect's cluster is ready in {cluster.ready_seconds:.1f} s (model {model.name}): "
        f"HAProxy in front of {len(top.rasa_ports)} Rasa replicas and "
        f"{len(top.action_ports)} action servers.",
        f"  Web chat (demo page):           {url}/",
        f"  Lead portal (sign-in):          {url}/portal/  (bin/reflect leads add)",
        f"  REST:                           {url}/webhooks/rest/webhook  (round-robin)",
        f"  Teams endpoint:                 {url}/webhooks/teams/webhook  ({teams})",
        f"  Widget socket.io:               {url}/socket.io/  (sticky: cookie, else address)",
        f"  Rasa replicas (behind HAProxy): {replicas}",
        f"  Action servers:                 {cluster.actions_proxy_url} (HAProxy) -> {actions}",
        f"  HAProxy admin socket:           {top.stats_socket}  (show stat)",
        f"  Conversations and reflections:  {safe_url(settings.reflections_url)}",
        f"  Lock store:                     {safe_url(settings.redis_url or '')}",
        f"  Limits at HAProxy:              bodies over {settings.cluster_max_body_bytes} bytes "
        f"get 413; over {settings.cluster_rate_limit} REST requests in 10 s from one address "
        "get 429",
        f"  Logs:                           {settings.var_dir / 'logs'}",
    ]
    lines += [f"  Note: {note}." for note in notes]
    lines += [
        "",
        "Embed the chat in another site's page:",
        f"  {embed_snippet(settings)}",
        "",
        "Talk to it over REST (through HAProxy):",
        f"  curl -s -X POST {url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\",
        '       -d \'{"sender": "me", "message": "hello"}\'',
        "",
        "A crashed replica or action server is restarted while HAProxy routes around it.",
        "See docs/deploy.md for a real deployment. Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


#: The banner's note for each setting make run-cluster filled in with this machine's service.
LOCAL_NOTES = {
    "DATABASE_URL": "DATABASE_URL is unset: using this machine's PostgreSQL",
    "REDIS_URL": "REDIS_URL is unset: using this machine's Redis",
}


def _prepare(settings: Settings) -> tuple[Settings, list[str]]:
    settings, filled = with_local_services(settings)
    notes = [LOCAL_NOTES[name] for name in filled]
    if "DATABASE_URL" in filled and settings.database_url:
        if ensure_database(settings.database_url):
            notes.append(f"created the database {settings.database_url.rsplit('/', 1)[-1]}")
    return settings, notes


def parse_child(argv: list[str] | None) -> argparse.Namespace:
    """``python -m bot.cluster.child``: a role, its port; for Rasa the model and actions port."""
    parser = argparse.ArgumentParser(description="Run one server of Reflect's cluster.")
    parser.add_argument("role", choices=["rasa", "actions", "web"])
    parser.add_argument("--port", type=int, help="its port (default: the setting's)")
    parser.add_argument("--model", type=Path, help="rasa: the trained model (.tar.gz)")
    parser.add_argument(
        "--actions-port",
        type=int,
        help="rasa: the port of HAProxy's actions frontend on ACTION_HOST (CLUSTER_ACTIONS_PORT)",
    )
    args = parser.parse_args(argv)
    if args.role == "rasa" and args.model is None:
        parser.error("rasa needs --model")
    return args


def child_main(argv: list[str] | None = None) -> None:
    """``python -m bot.cluster.child``: compute one server's command and environment, become it.

    ``exec``: systemd then supervises the server process itself, and its signals reach it.
    """
    private_umask()
    args = parse_child(argv)
    program, env = command(args.role, load_settings(), args)
    os.chdir(PROJECT_ROOT)
    os.execve(program[0], program, env)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `make run-cluster`."""
    private_umask()
    log_safety.install()  # no exception message or query string in a log line
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    parser = argparse.ArgumentParser(description="Start Reflect as a cluster behind HAProxy.")
    parser.add_argument("--model", type=Path, required=True, help="trained model (.tar.gz)")
    args = parser.parse_args(argv)
    settings, notes = _prepare(load_settings())
    problems = cluster_problems(settings)
    if problems:
        print("Reflect's cluster did not start: " + "; ".join(problems), file=sys.stderr)
        return 1
    print(
        f"Starting HAProxy, {settings.cluster_rasa_replicas} Rasa replicas, "
        f"{settings.cluster_action_servers} action servers and the web app...",
        flush=True,
    )
    try:
        cluster = start_cluster(
            settings,
            args.model,
            rasa_replicas=settings.cluster_rasa_replicas,
            action_servers=settings.cluster_action_servers,
        )
    except StartupError as exc:
        print(f"Reflect's cluster did not start: {exc}", file=sys.stderr)
        return 1
    print(banner(cluster, args.model, notes), flush=True)

    def lost() -> str | None:
        roles = lost_roles(cluster)
        return f"no {', '.join(roles)} left running" if roles else None

    return serve_until_stopped("the cluster", lost, cluster.stop)
