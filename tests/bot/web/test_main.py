"""``python -m bot.web``: the web app's entry point."""

from __future__ import annotations

import os

import pytest

import bot.web.__main__ as web_main
from bot.config import Settings
from tests.conftest import current_umask


class Stop(Exception):
    """Raised by a patched step to end main() early."""


@pytest.mark.usefixtures("keep_umask")
def test_main_makes_files_private_before_it_reads_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []

    def load_settings() -> Settings:
        seen.append(current_umask())
        raise Stop

    os.umask(0o022)
    monkeypatch.setattr(web_main, "load_settings", load_settings)

    with pytest.raises(Stop):
        web_main.main()

    assert [oct(mask) for mask in seen] == [oct(0o077)]
