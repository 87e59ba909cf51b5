"""Start Reflect's processes (action server, Rasa, web app), wait until all answer, print URLs.

Plain subprocess management rather than a Procfile runner, so `make run` can report the time to
"server ready", restart a child that crashes (bot/cluster/supervisor.py) and stop everything
cleanly on Ctrl-C. The pieces here (a :class:`Service` that can be started again, the command
lines of the three servers, waiting until a URL answers) are also what `make run-cluster`
(bot/cluster/launch.py) starts its replicas with: one way to start a server, not two.
"""

from __future__ import annotations

import argparse
import logging
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from bot.channels import log_safety
from bot.cluster.supervisor import Supervisor
from bot.settings.config import (
    PROJECT_ROOT,
    Settings,
    child_environment,
    load_settings,
    reachable_host,
)
from bot.storage.migrate import upgrade
from bot.storage.private_files import private_dir, private_umask
from bot.storage.session import use_write_ahead_log


class StartupError(RuntimeError):
    """A process exited or did not answer in time; the message says which and where its log is."""


@dataclass
class Service:
    """One child process, how to start it again, and the URL that answers when it is ready.

    ``args`` and ``env`` are kept so a supervisor can :meth:`respawn` a crashed child exactly as
    it was first started; ``process`` is always the current one.
    """

    name: str
    process: subprocess.Popen[bytes]
    ready_url: str
    log_path: Path
    log_file: IO[bytes]
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict, repr=False)

    def respawn(self) -> None:
        """Start the same command again, appending to the same log (the old process is gone)."""
        self.log_file.close()
        self.log_file = self.log_path.open("ab")
        self.process = _popen(self.args, self.env, self.log_file)

    def alive(self) -> bool:
        """Whether the current process is still running."""
        return self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """Ask politely (SIGTERM), then insist (SIGKILL)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


@dataclass
class Stack:
    """The running assistant: the action server, the Rasa server and the web app."""

    settings: Settings
    services: list[Service] = field(default_factory=list)
    ready_seconds: float = 0.0

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://{reachable_host(self.settings.rasa_host)}:{self.settings.rasa_port}"

    @property
    def web_url(self) -> str:
        """Base URL of the web app (demo page and widget.js)."""
        return self.settings.web_url

    def stop(self) -> None:
        """Stop in reverse order: the web app, Rasa (it calls the action server), actions."""
        for service in reversed(self.services):
            service.stop()

    def first_exited(self) -> Service | None:
        """A service whose process has exited, if any (tests and the bench check none fell over)."""
        return next((s for s in self.services if not s.alive()), None)


def answers(url: str) -> bool:
    """Whether ``url`` answers 200 now (a server's readiness check)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _popen(args: list[str], env: dict[str, str], log_file: IO[bytes]) -> subprocess.Popen[bytes]:
    # Its own session (process group), so a terminal's Ctrl-C reaches only the launcher, which
    # then stops the children in order, and a kill of the group takes a server's workers too.
    return subprocess.Popen(
        args,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def spawn(
    name: str,
    args: list[str],
    ready_url: str,
    settings: Settings,
    *,
    extra_env: dict[str, str] | None = None,
) -> Service:
    """Start ``args`` as the child ``name``, logging to ``VAR_DIR/logs/<name>.log``.

    Its environment is :func:`child_environment` of ``settings`` (plus ``extra_env``), so each
    child reads back the settings it was started with.
    """
    log_dir = private_dir(settings.var_dir / "logs")
    log_path = log_dir / f"{name}.log"
    log_file = log_path.open("ab")
    env = {**child_environment(settings), **(extra_env or {})}
    process = _popen(args, env, log_file)
    return Service(name, process, ready_url, log_path, log_file, list(args), env)


def wait_ready(service: Service, deadline: float) -> None:
    """Wait until ``service`` answers its ready URL; StartupError if it exits or is late."""
    while not answers(service.ready_url):
        if service.process.poll() is not None:
            raise StartupError(f"{service.name} exited during start-up; see {service.log_path}")
        if time.monotonic() > deadline:
            raise StartupError(
                f"{service.name} did not answer {service.ready_url}; see {service.log_path}"
            )
        time.sleep(0.25)


#: The module that runs the action server: rasa_sdk's app on ACTION_HOST, behind a token.
ACTION_SERVER_MODULE = "bot.rasa_ext.action_server"


def actions_args() -> list[str]:
    """The action server's command line (it reads ACTION_HOST and ACTION_PORT from Settings)."""
    return [sys.executable, "-m", ACTION_SERVER_MODULE]


def web_args() -> list[str]:
    """The web app's command line (it reads WEB_HOST and WEB_PORT from Settings)."""
    return [sys.executable, "-m", "bot.web"]


def spawn_actions(settings: Settings, name: str = "actions") -> Service:
    """The action server on ACTION_PORT, which answers /health (its one route without a token)."""
    return spawn(
        name,
        actions_args(),
        f"http://{reachable_host(settings.action_host)}:{settings.action_port}/health",
        settings,
    )


def spawn_web(settings: Settings, *, extra_env: dict[str, str] | None = None) -> Service:
    """The web app (demo page, widget.js), which answers /healthz when it is ready."""
    return spawn(
        "web",
        web_args(),
        f"http://{reachable_host(settings.web_host)}:{settings.web_port}/healthz",
        settings,
        extra_env=extra_env,
    )


#: The module that runs the Rasa server: ours (Rasa's command line with start-up and per-message
#: fixes, bot/rasa_ext/serve.py). The benchmark passes ``"rasa"`` to measure stock Rasa.
RASA_SERVER_MODULE = "bot.rasa_ext.serve"


def rasa_args(
    settings: Settings, model: Path, *, name: str = "rasa", rasa_module: str = RASA_SERVER_MODULE
) -> list[str]:
    """The command line of a Rasa server on RASA_HOST:RASA_PORT (bot.cluster.child reuses it)."""
    log_name = "rasa-server.log" if name == "rasa" else f"{name}-server.log"
    return [
        sys.executable,
        "-m",
        rasa_module,
        "run",
        "--model",
        str(model),
        "--credentials",
        "credentials.yml",
        "--endpoints",
        "endpoints.yml",
        "--interface",
        settings.rasa_host,
        "--port",
        str(settings.rasa_port),
        "--log-file",
        str(settings.var_dir / "logs" / log_name),
    ]


def spawn_rasa(
    settings: Settings,
    model: Path,
    *,
    name: str = "rasa",
    rasa_module: str = RASA_SERVER_MODULE,
    extra_env: dict[str, str] | None = None,
) -> Service:
    """A Rasa server on RASA_HOST:RASA_PORT; its root URL answers once the model is loaded.

    Its action calls go to ``settings.action_url`` (endpoints.yml's REFLECT_ACTION_URL).
    """
    return spawn(
        name,
        rasa_args(settings, model, name=name, rasa_module=rasa_module),
        f"http://{reachable_host(settings.rasa_host)}:{settings.rasa_port}/",
        settings,
        extra_env=extra_env,
    )


def prepare_storage(settings: Settings) -> None:
    """Make var/ private and bring our tables up to date before any server starts.

    Our tables are created and upgraded by Alembic, never create_all; Rasa makes its own.
    """
    private_umask()
    private_dir(settings.var_dir)
    upgrade(settings.reflections_url)
    for url in {settings.reflections_url, settings.tracker_url}:
        if url.startswith("sqlite:///"):
            use_write_ahead_log(Path(url.removeprefix("sqlite:///")))


def start_stack(
    settings: Settings,
    model: Path,
    *,
    timeout: float = 240.0,
    rasa_module: str = RASA_SERVER_MODULE,
) -> Stack:
    """Start the action server, the Rasa server and the web app; wait until all answer.

    Whoever calls it (make run, the tests, the benchmark), the stack's files are private: the
    umask is 077 from here on (the servers inherit it) and var/ is 0700 even if it was not.
    """
    started = time.monotonic()
    prepare_storage(settings)
    deadline = started + timeout
    stack = Stack(settings)
    try:
        actions = spawn_actions(settings)
        stack.services.append(actions)
        rasa = spawn_rasa(settings, model, rasa_module=rasa_module)
        stack.services.append(rasa)
        web = spawn_web(settings)
        stack.services.append(web)
        for service in stack.services:
            wait_ready(service, deadline)
    except BaseException:
        stack.stop()
        raise
    stack.ready_seconds = time.monotonic() - started
    return stack


def safe_url(url: str) -> str:
    """A database URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def embed_snippet(settings: Settings) -> str:
    """The tag another site puts in its page to show the widget (docs/widget-protocol.md).

    Both addresses are the public ones (PUBLIC_URL behind a proxy, as under make run-cluster).
    """
    return (
        f'<script src="{settings.web_public_url}/widget.js" data-server="{settings.socket_url}" '
        'data-title="Reflect" defer></script>'
    )


def _banner(stack: Stack, model: Path) -> str:
    url = stack.rasa_url
    var = stack.settings.var_dir
    teams = "configured" if stack.settings.teams_app_id else "not configured: see README"
    action = stack.settings.action_url.removesuffix("/webhook")
    return "\n".join(
        [
            f"Reflect is ready in {stack.ready_seconds:.1f} s (model {model.name}).",
            f"  Web chat (demo page):           {stack.web_url}/",
            f"  Lead portal (sign-in):          {stack.web_url}/portal/  (bin/reflect leads add)",
            f"  Rasa server:                    {url}  (REST, socket.io, HTTP API off)",
            f"  Teams endpoint:                 {url}/webhooks/teams/webhook  ({teams})",
            f"  Action server:                  {action}  (Rasa only: needs ACTION_SERVER_TOKEN)",
            f"  Conversations (tracker store):  {safe_url(stack.settings.tracker_url)}",
            f"  Reflections:                    {safe_url(stack.settings.reflections_url)}",
            f"  Logs:                           {var / 'logs'}",
            "",
            "Embed the chat in another site's page (add that site's origin to",
            "WIDGET_ALLOWED_ORIGINS, or the widget's socket is refused):",
            f"  {embed_snippet(stack.settings)}",
            "",
            "Talk to it over REST:",
            f"  curl -s -X POST {url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\",
            '       -d \'{"sender": "me", "message": "hello"}\'',
            "Or in a terminal (another window):",
            "  make shell",
            "",
            "Try the lead portal with synthetic data (development only):",
            "  bin/reflect demo-data --reflections 2000",
            "  bin/reflect leads add lead@example --partnership ESSCP",
            "",
            "Press Ctrl-C to stop.",
        ]
    )


def run_shell(settings: Settings, model: Path) -> int:
    """Start the action server and run `rasa shell` against it in this terminal."""
    stack = Stack(settings)
    actions = spawn_actions(settings)
    stack.services.append(actions)
    try:
        wait_ready(actions, time.monotonic() + 120)
        return subprocess.call(
            [
                sys.executable,
                "-m",
                "rasa",
                "shell",
                "--model",
                str(model),
                "--endpoints",
                "endpoints.yml",
            ],
            cwd=PROJECT_ROOT,
            env=child_environment(settings),
        )
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    """Entry point of `make run` and `make shell`."""
    private_umask()  # before anything (settings may create var/secret.key) touches the disk
    log_safety.install()  # no exception message or query string in a log line
    # The supervisor's restart lines (WARNING, ERROR) go to stderr with the time.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    parser = argparse.ArgumentParser(description="Start Reflect.")
    parser.add_argument("--model", type=Path, required=True, help="trained model (.tar.gz)")
    parser.add_argument("--shell", action="store_true", help="talk to it in this terminal")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.shell:
        return run_shell(settings, args.model)
    print("Starting the action server, the Rasa server and the web app...", flush=True)
    try:
        stack = start_stack(settings, args.model)
    except StartupError as exc:
        print(f"Reflect did not start: {exc}", file=sys.stderr)
        return 1
    print(_banner(stack, args.model), flush=True)
    # A crashed server is started again (once a line on stderr, with the reason): a dead action
    # server used to stop every process. Only a child that keeps failing right after it starts
    # ends the run.
    supervisor = Supervisor(stack.services)

    def failing() -> str | None:
        supervisor.check()
        return f"{', '.join(supervisor.given_up)} kept failing" if supervisor.given_up else None

    return serve_until_stopped("Reflect", failing, stack.stop)


def serve_until_stopped(
    name: str, why_stop: Callable[[], str | None], stop: Callable[[], None]
) -> int:
    """Call ``why_stop`` every half second until it gives a reason or Ctrl-C/SIGTERM; ``stop``.

    Shared by `make run` and `make run-cluster`: 1 when a reason ended it, 0 when asked to.
    """

    def _stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        while (why := why_stop()) is None:
            time.sleep(0.5)
        print(f"Stopping {name}: {why}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\nStopping {name}...", flush=True)
        return 0
    finally:
        # A second Ctrl-C or SIGTERM must not interrupt the shutdown and orphan a child.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop()


if __name__ == "__main__":
    raise SystemExit(main())
