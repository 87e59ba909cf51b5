"""Start the real stack on a given model and database and drive the load levels through it.

Uses the project's own launcher (:func:`bot.run.start_stack`), so the benchmark measures what
``make run`` runs: our REST channel with the door, the Rasa server, the action server, and
reflections and conversations in SQLite (a temporary var dir) or a fresh PostgreSQL database
created for the run and dropped after it.
"""

# SQLAlchemy 1.4 ships without type information.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import asyncio
import functools
import secrets
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from bench import long_conversation
from bench.load import one_journey, run_level
from bench.procs import cpu_seconds, maps_mention, peak_rss_mb, pss_mb, rss_mb
from bot.run import RASA_SERVER_MODULE, Stack, start_stack
from bot.settings.config import Settings
from bot.storage.models import Reflection
from bot.storage.session import make_engine

#: The maintenance database on the benchmark's PostgreSQL (trust auth on loopback).
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    """A port nobody is listening on right now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_available(admin_url: str = PG_ADMIN_URL) -> str | None:
    """``None`` if PostgreSQL answers, else why not (the PG runs are then skipped)."""
    engine = create_engine(admin_url, future=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        return None
    except SQLAlchemyError as exc:
        return f"PostgreSQL not reachable at {admin_url}: {type(exc).__name__}"
    finally:
        engine.dispose()


def redis_available(url: str) -> str | None:
    """``None`` if Redis answers PING at ``url``, else why not (ours then runs one worker)."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=3) as conn:
            conn.sendall(b"PING\r\n")
            if conn.recv(16).startswith(b"+PONG"):
                return None
            return f"Redis at {url} did not answer PING"
    except OSError as exc:
        return f"Redis not reachable at {url}: {exc}"


@contextmanager
def postgres_database(admin_url: str = PG_ADMIN_URL) -> Iterator[str]:
    """A fresh, empty database ``bench_<random>`` for one run; dropped (forcibly) afterwards."""
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        base = admin_url.rsplit("/", 1)[0]
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str | None]:
    """``None`` (Settings' default: SQLite files in the var dir) or a PostgreSQL URL."""
    if kind == "sqlite":
        yield None
    elif kind == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        raise ValueError(f"unknown database {kind!r}")


def count_reflections(url: str) -> int:
    """Reflections stored, to prove the journeys really wrote to the database."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(Reflection)).scalar())
    finally:
        engine.dispose()


@contextmanager
def running_stack(
    model: Path,
    db: str,
    *,
    log_dir: Path,
    label: str,
    log_level: str = "INFO",
    rasa_module: str = RASA_SERVER_MODULE,
    settings_overrides: dict[str, Any] | None = None,
) -> Iterator[tuple[Stack, Settings]]:
    """The stack on ``model`` and ``db`` (a temporary var dir), stopped and its logs kept after."""
    with (
        tempfile.TemporaryDirectory(prefix=f"bench-{label}-") as tmp,
        database(db, Path(tmp)) as url,
    ):
        settings = Settings(
            var_dir=Path(tmp) / "var",
            # A throwaway stack: its own random secret (Settings has no default one).
            secret=secrets.token_hex(32).encode(),
            rasa_port=free_port(),
            action_port=free_port(),
            web_port=free_port(),
            database_url=url,
            log_level=log_level,
        )
        settings = replace(settings, **(settings_overrides or {}))
        stack = start_stack(settings, model, rasa_module=rasa_module)
        try:
            yield stack, settings
        finally:
            stack.stop()
            for log in (settings.var_dir / "logs").glob("*.log"):
                shutil.copyfile(log, log_dir / f"{label}-{log.name}")


def drive(
    model: Path,
    db: str,
    *,
    levels: Sequence[int],
    duration: float,
    warmup: float,
    log_dir: Path,
    label: str,
    log_level: str = "INFO",
    rasa_module: str = RASA_SERVER_MODULE,
    settings_overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Start the stack on ``model`` and ``db``, run every level, return what was measured.

    The processes' CPU seconds are read around each level (CPU per message is the figure least
    disturbed by other work on the machine), and their peak RSS once, at the end, from the
    kernel's high-water mark.
    """
    with running_stack(
        model,
        db,
        log_dir=log_dir,
        label=label,
        log_level=log_level,
        rasa_module=rasa_module,
        settings_overrides=settings_overrides,
    ) as (stack, settings):
        out: dict[str, Any] = {
            "ready_seconds": round(stack.ready_seconds, 2),
            "rasa_server": rasa_module,
            "levels": {},
        }
        pids = {service.name: service.process.pid for service in stack.services}
        out["idle_rss_mb"] = {name: rss_mb(pid) for name, pid in pids.items()}
        warm = asyncio.run(one_journey(stack.rasa_url))
        out["warm_journey"] = {
            "errors": [f"{s.step}: {s.error}" for s in warm if s.error],
            "latency_ms": {s.step: round(s.latency * 1000, 1) for s in warm},
        }
        for users in levels:
            cpu: dict[str, dict[str, float | None]] = {}
            result = asyncio.run(
                run_level(
                    stack.rasa_url,
                    users,
                    duration=duration,
                    warmup=warmup,
                    on_window=functools.partial(_read_cpu, cpu, pids),
                )
            )
            summary = result.summary()
            summary["cpu_ms_per_msg"] = {
                name: _cpu_per_message(
                    cpu.get("start", {}).get(name),
                    cpu.get("end", {}).get(name),
                    summary["messages"],
                )
                for name in pids
            }
            out["levels"][str(users)] = summary
            for name, mb in cpu.get("pss", {}).items():
                if mb is not None:
                    peak = out.setdefault("peak_pss_mb", {})
                    peak[name] = max(mb, peak.get(name) or 0.0)
            exited = stack.first_exited()
            if exited is not None:
                out["crashed"] = exited.name
                break
        out["peak_rss_mb"] = {name: peak_rss_mb(pid) for name, pid in pids.items()}
        out["tensorflow_loaded"] = maps_mention(pids["rasa"], "libtensorflow")
        # Inside the block: leaving it removes the temporary var dir (SQLite) or drops the
        # database (PostgreSQL) the reflections are counted in.
        out["reflections_stored"] = count_reflections(settings.reflections_url)
    return out


def drive_long(
    model: Path,
    db: str,
    *,
    messages: int,
    log_dir: Path,
    label: str,
    rasa_module: str = RASA_SERVER_MODULE,
    settings_overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Start the stack, warm it up with one journey, then time one long conversation.

    See :mod:`bench.long_conversation`. The Rasa server's CPU seconds over the whole
    conversation are recorded too, as CPU ms per message.
    """
    with running_stack(
        model,
        db,
        log_dir=log_dir,
        label=label,
        rasa_module=rasa_module,
        settings_overrides=settings_overrides,
    ) as (stack, _):
        pids = {service.name: service.process.pid for service in stack.services}
        warm = asyncio.run(one_journey(stack.rasa_url))
        before = cpu_seconds(pids["rasa"])
        samples = asyncio.run(
            long_conversation.converse(
                stack.rasa_url,
                long_conversation.conversation(messages),
                sender=f"bench-long-{uuid.uuid4().hex[:8]}",
            )
        )
        after = cpu_seconds(pids["rasa"])
        out = long_conversation.summarise(samples)
        out["warm_journey_errors"] = [f"{s.step}: {s.error}" for s in warm if s.error]
        out["rasa_cpu_ms_per_msg"] = _cpu_per_message(before, after, len(samples))
        out["rasa_server"] = rasa_module
        exited = stack.first_exited()
        if exited is not None:
            out["crashed"] = exited.name
    return out


def _read_cpu(into: dict[str, dict[str, float | None]], pids: dict[str, int], when: str) -> None:
    """Record every process's CPU seconds under ``when`` (window "start" or "end").

    At the end of a window, under full load, each process's memory (PSS) is sampled too.
    """
    into[when] = {name: cpu_seconds(pid) for name, pid in pids.items()}
    if when == "end":
        into["pss"] = {name: pss_mb(pid) for name, pid in pids.items()}


def _cpu_per_message(before: float | None, after: float | None, messages: int) -> float | None:
    """CPU ms a process spent per message answered inside the measured window."""
    if before is None or after is None or messages == 0:
        return None
    return round((after - before) / messages * 1000, 2)
