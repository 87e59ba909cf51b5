"""reflect import: writes a draft, refuses to overwrite, says what it found and what is next."""

from __future__ import annotations

import io
import re
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
    # Resolving the marks: a link found without an address gets the one the reviewer looks up.
    resolved = re.sub(
        r"\[CHECK\] https://(?=[\"'\n])", "https://www.example.org/found", text
    ).replace("[CHECK] ", "")
    parse_pack(yaml.safe_load(resolved), file=target.name)


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


# --- where the draft may go -----------------------------------------------------------------


def _import(*args: str) -> int:
    return main(["import", str(SEED), *args], out=io.StringIO())


def _one_line(capsys: pytest.CaptureFixture[str], says: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err, err


def test_out_in_a_folder_that_does_not_exist_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _import("--out", str(tmp_path / "nowhere" / "x.yml")) == 2
    _one_line(capsys, "does not exist")


def test_a_symlink_out_is_refused_dangling_or_not_even_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dangling = tmp_path / "dangling.yml"
    dangling.symlink_to(tmp_path / "created-through-the-link.yml")
    assert _import("--out", str(dangling)) == 2
    _one_line(capsys, "symbolic link")
    assert not (tmp_path / "created-through-the-link.yml").exists()

    victim = tmp_path / "victim.yml"
    victim.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.yml"
    link.symlink_to(victim)
    assert _import("--out", str(link), "--force") == 2
    _one_line(capsys, "symbolic link")
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_the_briefing_itself_is_never_the_out_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    briefing = tmp_path / "briefing.txt"
    briefing.write_bytes(SEED.read_bytes())
    same = tmp_path / "same.yml"
    same.hardlink_to(briefing)  # the same file under a .yml name

    for out in (briefing, same):
        args = ["import", str(briefing), "--out", str(out), "--force"]
        assert main(args, out=io.StringIO()) == 2
        assert capsys.readouterr().err.count("\n") == 1
    assert briefing.read_bytes() == SEED.read_bytes()


def test_out_must_be_a_yaml_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import("--out", str(tmp_path / "draft.txt")) == 2
    _one_line(capsys, "--out must be a .yml or .yaml file")
    assert not (tmp_path / "draft.txt").exists()
    assert _import("--out", str(tmp_path / "draft.yaml")) == 0


@pytest.mark.parametrize(
    ("pack_id", "says"),
    [("", "--id must not be empty"), ("a" * 5000, "at most 100 characters"), ("  ", "empty")],
)
def test_an_empty_or_overlong_id_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pack_id: str, says: str
) -> None:
    assert _import("--out", str(tmp_path / "x.yml"), "--id", pack_id) == 2
    _one_line(capsys, says)
    assert not (tmp_path / "x.yml").exists()


def test_the_draft_is_written_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "child-z.yml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)

    assert _import("--out", str(target), "--force") == 0

    assert target.stat().st_mode & 0o777 == 0o600
    assert [path.name for path in tmp_path.iterdir() if path.name != "var"] == ["child-z.yml"]
    assert "schema_version: 1" in target.read_text(encoding="utf-8")
