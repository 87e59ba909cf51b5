"""Our Rasa server entry point: what it does before Rasa's own command line runs."""

from __future__ import annotations

import os

import pytest

from bot.rasa_ext import lean, patches, serve, speedups, tracker_store
from tests.conftest import current_umask


class Stop(Exception):
    """Raised by a patched step to end main() early."""


@pytest.mark.usefixtures("keep_umask")
def test_main_makes_files_private_first(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def model_argument(args: list[str]) -> None:
        seen.append(current_umask())
        raise Stop

    os.umask(0o022)
    monkeypatch.setattr(lean, "model_argument", model_argument)

    with pytest.raises(Stop):
        serve.main(["run", "--model", "models/none.tar.gz"])

    assert [oct(mask) for mask in seen] == [oct(0o077)]


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """main() without a model; the check and the patches record that they ran, in order."""
    seen: list[str] = []
    monkeypatch.setattr(lean, "model_argument", lambda args: None)
    monkeypatch.setattr(lean, "install_for", lambda model: seen.append("lean") or "no model")
    monkeypatch.setattr(speedups, "install", lambda: seen.append("speedups"))

    def install() -> None:
        seen.append("tracker_store")
        raise Stop

    monkeypatch.setattr(tracker_store, "install", install)
    return seen


@pytest.mark.usefixtures("keep_umask")
def test_main_checks_the_patches_after_the_placeholders_and_before_any_patch(
    monkeypatch: pytest.MonkeyPatch, steps: list[str]
) -> None:
    monkeypatch.setattr(patches, "check", lambda: steps.append("check"))

    with pytest.raises(Stop):
        serve.main(["run"])

    assert steps == ["lean", "check", "speedups", "tracker_store"]


@pytest.mark.usefixtures("keep_umask")
def test_main_refuses_to_start_when_rasa_differs(
    monkeypatch: pytest.MonkeyPatch, steps: list[str]
) -> None:
    def check() -> None:
        steps.append("check")
        raise patches.RasaMismatch("Reflect patches Rasa 3.6.21's private code")

    monkeypatch.setattr(patches, "check", check)

    with pytest.raises(SystemExit, match="private code"):
        serve.main(["run"])

    assert steps == ["lean", "check"]
