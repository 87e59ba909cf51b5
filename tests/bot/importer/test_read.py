from __future__ import annotations

from pathlib import Path

import pytest

from bot.importer.read import BriefingReadError, read_briefing


def test_dispatches_by_suffix_whatever_its_case(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nText.\n", encoding="utf-8")
    (tmp_path / "b.MD").write_text("# Title\n\nText.\n", encoding="utf-8")
    assert read_briefing(tmp_path / "a.txt").format == "txt"
    doc = read_briefing(tmp_path / "b.MD")
    assert doc.format == "md" and doc.blocks[0].kind == "heading"


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("brief.odt", b"x", "cannot read a .odt file"),
        ("brief", b"x", "cannot read a no suffix file"),
        ("empty.txt", b"", "the file is empty"),
        ("blank.md", b"  \n\n\t\n", "no text found"),
    ],
)
def test_unreadable_files_raise_a_plain_error(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BriefingReadError, match=says) as caught:
        read_briefing(path)
    assert isinstance(caught.value, ValueError)
    assert "\n" not in str(caught.value)


def test_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(BriefingReadError, match="no such file"):
        read_briefing(tmp_path / "missing.txt")
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(BriefingReadError, match="is a folder"):
        read_briefing(tmp_path / "folder.md")
