"""`reflect followups send` (bot/followup/cli.py through bot/cli.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot import cli
from bot.followup import cli as followup_cli
from bot.followup import job
from bot.followup.job import SendCounts
from bot.settings.config import Settings

SECRET = "cli-test-secret-0123456789abcdef"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REFLECT_SECRET", SECRET)
    return tmp_path


def test_without_teams_it_says_so_and_exits_0(in_tmp: Path) -> None:
    out = io.StringIO()

    assert cli.main(["followups", "send"], out=out) == 0

    assert "Teams is not configured" in out.getvalue()


def test_with_teams_and_nothing_due_it_says_none_due(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", "app-id")
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "app-password-for-the-cli-test")
    out = io.StringIO()

    assert cli.main(["followups", "send"], out=out) == 0

    assert out.getvalue().strip() == "Follow-ups: none due."
    assert (in_tmp / "var" / "reflect.db").exists()  # migrated first


def test_the_counts_are_printed(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    @contextmanager
    def fake_sender(settings: Settings) -> Iterator[object]:
        yield object()

    def fake_send_due(*_: object, **__: object) -> SendCounts:
        return SendCounts(sent=2, failed=1, given_up=0, elsewhere=3)

    monkeypatch.setattr(job, "teams_sender", fake_sender)
    monkeypatch.setattr(job, "send_due", fake_send_due)
    out = io.StringIO()

    assert cli.main(["followups", "send"], out=out) == 0

    assert out.getvalue().strip() == followup_cli.sentence(SendCounts(2, 1, 0, 3))
    assert "sent 2, failed 1" in out.getvalue() and "3 taken by another run" in out.getvalue()
