"""Read a briefing file of any supported format into a :class:`~bot.importer.blocks.Document`.

The one entry point the importer and the bench call: it picks the reader by the file's suffix
and turns every way a file can fail (missing, empty, corrupt, encrypted, no text at all) into a
:class:`BriefingReadError` with one plain sentence, so ``reflect import`` can print it and exit
without a traceback. Readers are imported when used, so reading a text briefing never loads the
PDF or Word libraries.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.importer.blocks import Document
from bot.importer.limits import (
    MAX_BINARY_BYTES,
    MAX_BLOCKS,
    MAX_HTML_BYTES,
    MAX_TEXT_BYTES,
    MAX_TEXT_CHARS,
    MAX_TEXT_LINES,
    MB,
    BriefingReadError,
)

__all__ = ["SUFFIXES", "BriefingReadError", "read_briefing"]


SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


def _reader(suffix: str) -> Callable[[Path], Document]:
    """The reader for a suffix; imported here so a text import never loads pdfminer."""
    if suffix == ".txt":
        from bot.importer.text import read as read_text

        return read_text
    if suffix == ".md":
        from bot.importer.markdown import read as read_markdown

        return read_markdown
    if suffix in (".html", ".htm"):
        from bot.importer.html import read as read_html

        return read_html
    if suffix == ".docx":
        from bot.importer.docx import read as read_docx

        return read_docx
    if suffix == ".pdf":
        from bot.importer.pdf import read as read_pdf

        return read_pdf
    supported = ", ".join(SUFFIXES)
    shown = suffix or "no suffix"
    raise BriefingReadError(f"cannot read a {shown} file: a briefing must be one of {supported}")


def _check_file(path: Path) -> None:
    """Fail early, and plainly, for a path that is not a non-empty readable file."""
    if not path.exists():
        raise BriefingReadError(f"{path.name}: no such file")
    if not path.is_file():
        raise BriefingReadError(f"{path.name}: is a folder, not a briefing file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BriefingReadError(f"{path.name}: cannot be opened ({exc.strerror})") from exc
    if size == 0:
        raise BriefingReadError(f"{path.name}: the file is empty")
    _check_size(path, size)


_SIZE_LIMITS = {
    ".docx": MAX_BINARY_BYTES,
    ".pdf": MAX_BINARY_BYTES,
    ".html": MAX_HTML_BYTES,
    ".htm": MAX_HTML_BYTES,
}


def _check_size(path: Path, size: int) -> None:
    """Refuse a file too large to be a briefing before reading any of it."""
    suffix = path.suffix.lower()
    limit = _SIZE_LIMITS.get(suffix, MAX_TEXT_BYTES)
    if size > limit:
        kind = path.suffix.lower().lstrip(".").upper()
        raise BriefingReadError(
            f"{path.name}: is too large to be a briefing ({size / MB:.1f} MB; "
            f"a {kind} briefing may be at most {limit // MB} MB)"
        )


_TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")


def _check_kind(path: Path, suffix: str) -> None:
    """A binary file named as text ("briefing.txt" that is a PDF) is refused with its real kind.

    Read as text, it would turn into pages of nonsense in the draft instead of one clear line.
    """
    if suffix not in _TEXT_SUFFIXES:
        return
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"%PDF-"):
        raise BriefingReadError(f"{path.name}: is a PDF, not a {suffix} file: rename it .pdf")
    if head.startswith(b"PK\x03\x04"):
        raise BriefingReadError(
            f"{path.name}: is a zip (a Word .docx file?), not a {suffix} file: "
            "if it is a Word document, rename it .docx"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise BriefingReadError(
            f"{path.name}: is an old Word .doc or a password-protected file: "
            "save it as .docx without a password"
        )
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BriefingReadError(f"{path.name}: holds binary data, not text")


def _check_lines(path: Path, suffix: str) -> None:
    """Refuse a .txt/.md with far too many lines before the reader spends seconds on them."""
    if suffix not in (".txt", ".md"):
        return
    lines = sum(1 for line in path.read_bytes().splitlines() if line.strip())
    if lines > MAX_TEXT_LINES:
        raise BriefingReadError(
            f"{path.name}: is too long to be a briefing ({lines} lines; at most "
            f"{MAX_TEXT_LINES}): import the briefing itself, not a whole report"
        )


def _check_length(path: Path, document: Document) -> None:
    """Refuse a document read that is too long to be a briefing, whatever its format."""
    if len(document.blocks) > MAX_BLOCKS:
        raise BriefingReadError(
            f"{path.name}: is too long to be a briefing ({len(document.blocks)} paragraphs; "
            f"at most {MAX_BLOCKS}): import the briefing itself, not a whole report"
        )
    characters = sum(len(block.text) for block in document.blocks)
    if characters > MAX_TEXT_CHARS:
        raise BriefingReadError(
            f"{path.name}: is too long to be a briefing ({characters} characters of text; "
            f"at most {MAX_TEXT_CHARS}): import the briefing itself, not a whole report"
        )


def read_briefing(path: Path) -> Document:
    """The blocks of the briefing at ``path``, or :class:`BriefingReadError` saying why not.

    A reader's own :class:`BriefingReadError` passes through with its message; anything else a
    library raises on a damaged file becomes "is not a readable … file", because the person
    importing needs to know which file and what to do, not where in pdfminer it broke.
    """
    path = Path(path)
    reader = _reader(path.suffix.lower())
    _check_file(path)
    try:
        _check_kind(path, path.suffix.lower())
        _check_lines(path, path.suffix.lower())
        document = reader(path)
    except BriefingReadError:
        raise
    except OSError as exc:
        raise BriefingReadError(f"{path.name}: cannot be opened ({exc.strerror})") from exc
    except Exception as exc:  # a damaged file can break a library in any way
        kind = path.suffix.lower().lstrip(".").upper()
        raise BriefingReadError(
            f"{path.name}: is not a readable {kind} file (it may be damaged or not really {kind})"
        ) from exc
    if not document.blocks:
        raise BriefingReadError(f"{path.name}: no text found in the file")
    _check_length(path, document)
    return document
