"""Our Rasa server entry point: what it does before Rasa's own command line runs."""

from __future__ import annotations

import os

import pytest

from bot.rasa_ext import lean, serve
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
