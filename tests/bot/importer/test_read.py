from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.importer.limits import (
    MAX_BINARY_BYTES,
    MAX_BLOCKS,
    MAX_HTML_BYTES,
    MAX_TEXT_BYTES,
    MAX_TEXT_CHARS,
    MAX_TEXT_LINES,
    BriefingReadError,
)
from bot.importer.read import read_briefing


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


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("brief.txt", b"%PDF-1.7\n...", r"is a PDF, not a \.txt file: rename it \.pdf"),
        ("brief.md", b"PK\x03\x04....", r"is a zip \(a Word \.docx file\?\), not a \.md file"),
        ("brief.html", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "old Word .doc"),
        ("brief.txt", b"abc\x00\x01\x02", "binary data"),
    ],
)
def test_a_binary_file_named_as_text_says_what_it_is(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BriefingReadError, match=says):
        read_briefing(path)


def test_utf16_text_is_not_mistaken_for_binary(tmp_path: Path) -> None:
    path = tmp_path / "brief.txt"
    path.write_bytes("Learning briefing".encode("utf-16"))
    assert read_briefing(path).blocks[0].text == "Learning briefing"


# --- limits: what is far too big to be a briefing is refused at once, in one line ---------


def _refused(path: Path, says: str) -> str:
    started = time.monotonic()
    with pytest.raises(BriefingReadError, match=says) as caught:
        read_briefing(path)
    assert time.monotonic() - started < 2, "a refusal must come at once"
    message = str(caught.value)
    assert "\n" not in message and message.startswith(path.name)
    return message


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("big.txt", MAX_TEXT_BYTES),
        ("big.md", MAX_TEXT_BYTES),
        ("big.html", MAX_HTML_BYTES),
        ("big.docx", MAX_BINARY_BYTES),
        ("big.pdf", MAX_BINARY_BYTES),
    ],
)
def test_a_file_too_large_to_be_a_briefing_is_refused_unread(
    tmp_path: Path, name: str, limit: int
) -> None:
    path = tmp_path / name
    with path.open("wb") as handle:  # sparse: no test writes megabytes
        handle.write(b"%PDF-" if name.endswith(".pdf") else b"Title\n")
        handle.truncate(limit + 1)

    message = _refused(path, "is too large to be a briefing")

    assert f"at most {limit // (1024 * 1024)} MB" in message


def test_a_text_file_of_too_many_lines_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "log.md"
    path.write_text("- item\n" * (MAX_TEXT_LINES + 1), encoding="utf-8")

    _refused(path, f"too long to be a briefing \\({MAX_TEXT_LINES + 1} lines")


def test_a_document_of_too_many_paragraphs_or_characters_is_too_long(tmp_path: Path) -> None:
    paragraphs = tmp_path / "report.txt"
    paragraphs.write_text("A paragraph.\n\n" * (MAX_BLOCKS + 1), encoding="utf-8")
    endless = tmp_path / "endless.txt"
    endless.write_text("word " * (MAX_TEXT_CHARS // 5 + 1), encoding="utf-8")

    _refused(paragraphs, f"too long to be a briefing \\({MAX_BLOCKS + 1} paragraphs")
    _refused(endless, "characters of text")
