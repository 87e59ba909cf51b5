"""reflect import: writes a draft, refuses to overwrite, says what it found and what is next."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.content.loader import parse_pack
from bot.importer.cli import default_id

SEED = Path(__file__).resolve().parents[2] / "data" / "briefings" / "child-z.txt"


@pytest.fixture(autouse=True)
def _no_project_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`reflect` reads Settings: no .env of the checkout, and a VAR_DIR of the test's own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))


def test_import_writes_a_draft_and_a_summary(tmp_path: Path) -> None:
    out = io.StringIO()
    target = tmp_path / "child-z.yml"
    assert main(["import", str(SEED), "--out", str(target)], out=out) == 0
    summary = out.getvalue()
    assert "4 learning, 3 recommendations, 4 questions" in summary
    assert "marks to check" in summary
    assert f"bin/reflect packs validate {target}" in summary
    text = target.read_text(encoding="utf-8")
    parse_pack(yaml.safe_load(text.replace("[CHECK] ", "")), file=target.name)


def test_import_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "child-z.yml"
    target.write_text("keep me", encoding="utf-8")
    assert main(["import", str(SEED), "--out", str(target)], out=io.StringIO()) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep me"
    assert main(["import", str(SEED), "--out", str(target), "--force"], out=io.StringIO()) == 0
    assert target.read_text(encoding="utf-8") != "keep me"


def test_unreadable_briefing_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing.txt"
    assert main(["import", str(missing), "--out", str(tmp_path / "x.yml")], out=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing.txt" in err


def test_bad_id_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["import", str(SEED), "--out", str(tmp_path / "x.yml"), "--id", "Not An Id"]
    assert main(args, out=io.StringIO()) == 2
    assert "--id" in capsys.readouterr().err


def test_default_id_is_the_out_file_name() -> None:
    assert default_id(Path("packs/Child Q briefing (final).yml")) == "child-q-briefing-final"
