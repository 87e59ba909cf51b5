from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot import cli
from bot.config import Settings
from bot.reflections import record_reflection
from bot.storage.migrate import upgrade
from bot.storage.session import make_engine, make_session_factory, transaction

SECRET = b"a-test-secret-that-is-long-enough-to-use"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", secret=SECRET, retention_days=30)


def add(settings: Settings, text: str, day: date) -> None:
    upgrade(settings.reflections_url)
    factory = make_session_factory(make_engine(settings.reflections_url))
    with transaction(factory) as session:
        record_reflection(
            session=session,
            text=text,
            pack_id="esscp-child-z",
            pack_version="1.0.0",
            point_id="legacy-of-domestic-abuse",
            agency=None,
            channel_kind="rest",
            secret=SECRET,
            today=day,
        )


def test_migrate_creates_the_tables(settings: Settings) -> None:
    out = io.StringIO()
    assert cli.migrate(settings, out) == 0
    assert (settings.var_dir / "reflect.db").exists()
    assert "latest schema" in out.getvalue()


def test_export_writes_formula_safe_csv(settings: Settings, tmp_path: Path) -> None:
    add(settings, "=HYPERLINK(1) we should ask about new partners", date.today())
    target = tmp_path / "out.csv"
    assert cli.export(settings, io.StringIO(), fmt="csv", destination=target) == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 1
    assert rows[0]["text"].startswith("'=")
    assert "receipt_hash" not in rows[0]


def test_export_refuses_an_unknown_format(settings: Settings) -> None:
    assert cli.export(settings, io.StringIO(), fmt="xlsx", destination=None) == 2


def test_purge_deletes_only_old_reflections(settings: Settings) -> None:
    today = date(2026, 11, 27)
    add(settings, "an old reflection about information sharing", today - timedelta(days=90))
    add(settings, "a recent reflection about information sharing", today)
    out = io.StringIO()
    now = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
    assert cli.purge_old(settings, out, today=today, now=now) == 0
    assert "Deleted 1 reflection(s)" in out.getvalue()
    exported = io.StringIO()
    cli.export(replace(settings), exported, fmt="csv", destination=None)
    assert "a recent reflection" in exported.getvalue()
    assert "an old reflection" not in exported.getvalue()


def test_main_reports_bad_settings_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RETENTION_DAYS", "forever")
    assert cli.main(["purge"]) == 2
    assert "RETENTION_DAYS" in capsys.readouterr().err
