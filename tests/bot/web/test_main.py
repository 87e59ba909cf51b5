"""``python -m bot.web``: the web app's entry point."""

from __future__ import annotations

import pytest

import bot.web.__main__ as web_main
from tests.conftest import umask_when_settings_are_read


class Stop(Exception):
    """Raised by a patched step to end main() early."""


@pytest.mark.usefixtures("keep_umask")
def test_main_makes_files_private_before_it_reads_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mask = umask_when_settings_are_read(monkeypatch, web_main, web_main.main)

    assert oct(mask) == oct(0o077)
