"""The model is loaded once, before the fork, and handed to every later load of the same file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.processor import MessageProcessor

from bot.rasa_ext import prefork


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
