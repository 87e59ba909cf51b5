"""The launcher: what `make run` does before and around starting the servers."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot import run
from tests.conftest import current_umask, umask_when_settings_are_read
from tests.settings import make_settings


class Stop(Exception):
    """Raised by a patched step to end main() early."""


@pytest.mark.usefixtures("keep_umask")
def test_main_makes_files_private_before_it_reads_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mask = umask_when_settings_are_read(
        monkeypatch, run, lambda: run.main(["--model", "models/none.tar.gz"])
    )

    assert oct(mask) == oct(0o077)


@pytest.mark.usefixtures("keep_umask")
def test_start_stack_makes_var_private_even_if_it_was_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(var_dir=tmp_path / "var")
    settings.var_dir.mkdir()
    settings.var_dir.chmod(0o755)
    os.umask(0o022)

    def no_servers(*args: object, **kwargs: object) -> run.Service:
        raise Stop

    monkeypatch.setattr(run, "spawn_actions", no_servers)

    with pytest.raises(Stop):
        run.start_stack(settings, tmp_path / "model.tar.gz")

    assert oct(stat.S_IMODE(settings.var_dir.stat().st_mode)) == oct(0o700)
    assert oct(stat.S_IMODE((settings.var_dir / "reflect.db").stat().st_mode)) == oct(0o600)
    assert oct(current_umask()) == oct(0o077)
