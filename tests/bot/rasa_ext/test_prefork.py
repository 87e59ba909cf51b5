"""The model is loaded once, before the fork, and handed to every later load of the same file."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rasa.core.processor import MessageProcessor

from bot.rasa_ext import prefork
from bot.settings.config import PROJECT_ROOT


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Rasa's loader replaced by one that records each real load; gc.freeze counted."""
    calls: list[str] = []

    def fake_load(model_path: str | Path) -> tuple[Any, ...]:
        calls.append(str(model_path))
        return (Path(model_path).name, object(), object())

    monkeypatch.setattr(MessageProcessor, "_load_model", staticmethod(fake_load))
    monkeypatch.setattr(prefork, "_LOADED", {})
    monkeypatch.setattr(prefork.gc, "freeze", lambda: calls.append("freeze"))
    return calls


def test_the_model_is_loaded_once_and_every_processor_gets_that_graph(
    loads: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "model.tar.gz"
    model.touch()

    prefork.share_model(model)
    first = MessageProcessor._load_model(str(model))
    monkeypatch.chdir(tmp_path)
    second = MessageProcessor._load_model("model.tar.gz")  # the same file, named differently

    assert loads == [str(model), "freeze"]
    assert first is second is prefork._LOADED[model.resolve()]


def test_another_model_still_loads_the_normal_way(loads: list[str], tmp_path: Path) -> None:
    shared, other = tmp_path / "shared.tar.gz", tmp_path / "other.tar.gz"
    shared.touch()
    other.touch()
    prefork.share_model(shared)

    name, _metadata, _runner = MessageProcessor._load_model(other)

    assert name == "other.tar.gz"
    assert loads == [str(shared), "freeze", str(other)]


def test_sharing_twice_wraps_rasa_once_and_loads_once(loads: list[str], tmp_path: Path) -> None:
    model = tmp_path / "model.tar.gz"
    model.touch()

    prefork.share_model(model)
    wrapper = MessageProcessor._load_model
    prefork.share_model(model)

    assert MessageProcessor._load_model is wrapper
    assert loads.count(str(model)) == 1


def test_the_sql_tracker_table_is_created_before_the_fork(tmp_path: Path) -> None:
    database = tmp_path / "tracker.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {database}\n")

    prefork.create_tracker_tables(endpoints)

    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master")}
    assert "events" in tables


def test_no_sql_tracker_store_means_nothing_to_create(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("action_endpoint:\n  url: http://127.0.0.1:1/webhook\n")

    prefork.create_tracker_tables(endpoints)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["endpoints.yml"]


# Sanic's main process installs a Python SIGTERM handler before forking its workers; this one
# does nothing, so a worker that inherits it survives SIGTERM, as one did while still starting.
_FORK_AND_TERMINATE = """
import multiprocessing, signal, sys, time
from bot.settings.config import PROJECT_ROOT
from bot.rasa_ext import prefork
signal.signal(signal.SIGTERM, lambda signum, frame: None)
if sys.argv[1] == "reset":
    prefork.reset_signals_in_workers()
worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
worker.start()
time.sleep(0.5)
worker.terminate()
worker.join(5)
print("exit", worker.exitcode)
if worker.exitcode is None:
    worker.kill()
"""


@pytest.mark.parametrize(
    ("mode", "exitcode"), [("reset", f"-{signal.SIGTERM}"), ("inherit", "None")]
)
def test_a_worker_told_to_stop_while_starting_stops(mode: str, exitcode: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _FORK_AND_TERMINATE, mode],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["exit", exitcode]
