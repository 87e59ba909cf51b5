"""`reflect packs validate` at the command line: what it prints and its exit codes.

(`reflect links check` is shown against a real server in test_links.py.)
"""

from __future__ import annotations

import argparse
import io
from datetime import date
from pathlib import Path

import pytest

from bot import cli as main_cli
from bot.content import cli
from bot.settings.config import DEFAULT_PACK_DIR, Settings
from tests.settings import make_settings

SOURCE = DEFAULT_PACK_DIR / "esscp-child-z.yml"
TODAY = date(2026, 12, 7)


def validate(settings: Settings, *files: Path, today: date = TODAY) -> tuple[int, str]:
    out = io.StringIO()
    args = argparse.Namespace(command="packs", files=list(files))
    return cli.run(settings, out, args, today=today), out.getvalue()


def broken_copy(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "esscp-child-z.yml"
    text = SOURCE.read_text(encoding="utf-8")
    path.write_text(text.replace("links: [spoa]", "links: [spoa-page]"), encoding="utf-8")
    return path


def test_a_valid_pack_says_what_it_holds_and_exits_0() -> None:
    code, report = validate(make_settings())

    assert code == 0
    assert report == "esscp-child-z.yml: valid (4 learning points, 4 discussion points, 6 links)\n"


def test_a_broken_pack_lists_its_problems_and_exits_2(tmp_path: Path) -> None:
    code, report = validate(make_settings(), broken_copy(tmp_path))

    assert code == 2
    assert report.splitlines() == [
        "esscp-child-z.yml: key_learning[2].links[0]: unknown link id 'spoa-page' (known: "
        "esscp-site, esscp-training, national-review-panel, pan-sussex-procedures, "
        "sharing-information-family-members, spoa). Fix: use one of the ids under `links:`, or "
        "add a link with id 'spoa-page'.",
        "esscp-child-z.yml: not valid, 1 problem",
    ]


def test_warnings_are_printed_but_do_not_fail() -> None:
    code, report = validate(make_settings(), SOURCE, today=date(2027, 6, 1))

    assert code == 0
    assert report.splitlines()[0].startswith("esscp-child-z.yml: review_by: warning: ")
    assert report.splitlines()[-1] == (
        "esscp-child-z.yml: valid (4 learning points, 4 discussion points, 6 links)"
    )


def test_several_files_end_with_a_count(tmp_path: Path) -> None:
    code, report = validate(make_settings(), SOURCE, broken_copy(tmp_path / "drafts"))

    assert code == 2
    assert report.splitlines()[-1] == "2 packs: 1 valid, 1 not."


def test_the_default_is_every_pack_in_content_dir(tmp_path: Path) -> None:
    broken_copy(tmp_path)

    code, report = validate(make_settings(content_dir=tmp_path))

    assert code == 2 and "unknown link id 'spoa-page'" in report


def test_usage_errors_are_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert validate(make_settings(), tmp_path / "nowhere.yml")[0] == 2
    assert capsys.readouterr().err == f"reflect: no such file: {tmp_path / 'nowhere.yml'}\n"

    assert validate(make_settings(content_dir=tmp_path))[0] == 2
    assert capsys.readouterr().err == f"reflect: no content packs (*.yml) in {tmp_path}\n"


def test_reflect_runs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    out = io.StringIO()

    assert main_cli.main(["packs", "validate", str(broken_copy(tmp_path))], out=out) == 2
    assert main_cli.main(["packs", "validate", str(SOURCE)], out=out) == 0
    assert "unknown link id 'spoa-page'" in out.getvalue()
    assert capsys.readouterr().err == ""


# --- files the commands cannot use (attack findings) ----------------------------------------


def _run(command: str, *files: Path) -> int:
    """Run the command; what it prints goes to stdout (captured by the test)."""
    args = argparse.Namespace(command=command, files=list(files), timeout=1.0, dry_run=True)
    out = io.StringIO()
    code = cli.run(make_settings(), out, args, today=TODAY)
    print(out.getvalue(), end="")
    return code


@pytest.mark.parametrize("command", ["packs", "links"])
def test_a_folder_or_a_file_that_is_not_utf8_is_one_line_exit_2(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(command, tmp_path) == 2
    assert "is a folder: name the pack files" in capsys.readouterr().err
    binary = tmp_path / "binary.yml"
    binary.write_bytes(b"\xff\xfe bad")
    code = _run(command, binary)
    captured = capsys.readouterr()
    assert code == 2
    assert "not UTF-8 text" in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err


def test_links_check_on_an_unsupported_tag_is_not_valid_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pyobj.yml"
    path.write_text("!!python/object:os.system {}\n", encoding="utf-8")
    assert _run("links", path) == 2
    assert "pyobj.yml is not valid YAML at line 1" in capsys.readouterr().err
