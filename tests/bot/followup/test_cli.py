"""`reflect followups send` (bot/followup/cli.py through bot/cli.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot import cli
from bot.content.schema import Pack
from bot.followup import cli as followup_cli
from bot.followup import job
from bot.followup.job import SendCounts
from bot.followup.service import Who, opt_in
from bot.settings.config import Settings
from bot.storage.migrate import upgrade
from bot.storage.session import make_engine, make_session_factory
from tests.settings import make_settings

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


def test_reflect_purge_deletes_follow_ups_nobody_will_answer(in_tmp: Path, pack: Pack) -> None:
    settings = make_settings(var_dir=in_tmp / "var")
    upgrade(settings.reflections_url)
    factory = make_session_factory(make_engine(settings.reflections_url))
    today = date(2026, 12, 7)
    long_ago = today - timedelta(days=settings.followup_days + settings.followup_answer_days + 1)
    for opted_in in (long_ago, today):
        who = Who("socketio", "s", {"followup_token": f"{opted_in:%Y%m%d}".ljust(32, "x")})
        opt_in(factory, settings, who, pack=pack, points=[], today=opted_in)
    out = io.StringIO()

    now = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
    assert cli.purge_old(settings, out, today=today, now=now) == 0

    assert "; 1 follow-up(s) unanswered 30 days after they were asked or due." in out.getvalue()
