from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from scripts.briefing_fixtures import Para, build_fixtures, main, parse_markup

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "bot" / "importer" / "samples"


def test_markup_paragraphs_follow_the_documented_rules() -> None:
    title, paras = parse_markup(
        "%title A title\n"
        "# Heading\n"
        "text under the heading\n"
        "joined on\n"
        "\n"
        "**Bold line**\n"
        "!big Big line\n"
        "1. first\n"
        "wrapped item\n"
        "2. second\n"
        "- bullet\n"
        "a) typed\n"
        "R1 typed too\n"
        "(i) and this\n"
    )
    assert title == "A title"
    assert [(p.kind, p.text, p.number) for p in paras] == [
        ("h1", "Heading", 0),
        ("normal", "text under the heading joined on", 0),
        ("bold", "Bold line", 0),
        ("big", "Big line", 0),
        ("number", "first wrapped item", 1),
        ("number", "second", 2),
        ("bullet", "bullet", 0),
        ("normal", "a) typed", 0),
        ("normal", "R1 typed too", 0),
        ("normal", "(i) and this", 0),
    ]
    assert isinstance(paras[0], Para)


def test_builds_every_source_reproducibly(tmp_path: Path) -> None:
    first = build_fixtures(SAMPLES, tmp_path / "one")
    second = build_fixtures(SAMPLES, tmp_path / "two")
    assert [p.name for p in first] == ["sample.docx", "sample.pdf"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_the_docx_has_its_styles_links_and_fixed_properties(tmp_path: Path) -> None:
    (docx_path,) = [p for p in build_fixtures(SAMPLES, tmp_path) if p.suffix == ".docx"]
    word = WordDocument(str(docx_path))
    props = word.core_properties
    assert props.title == "Child Q: learning from a rapid review"
    assert props.created is not None and props.created.year == 2024
    styles = [p.style.name for p in word.paragraphs if p.style is not None]
    assert {"Heading 1", "Heading 2", "Heading 3", "List Number", "List Bullet"} <= set(styles)
    assert [h.url for p in word.paragraphs for h in p.hyperlinks] == [
        "https://procedures.example.org/manual"
    ]


def test_the_pdf_has_pages_and_fixed_dates(tmp_path: Path) -> None:
    (pdf_path,) = [p for p in build_fixtures(SAMPLES, tmp_path) if p.suffix == ".pdf"]
    reader = PdfReader(pdf_path)
    assert len(reader.pages) == 3
    assert reader.metadata is not None
    assert str(reader.metadata.get("/CreationDate", "")).startswith("D:20240101")


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main([str(tmp_path), str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    run = subprocess.run(
        [sys.executable, "-m", "scripts.briefing_fixtures", str(tmp_path / "out"), str(SAMPLES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(Path(line).name for line in run.stdout.split()) == ["sample.docx", "sample.pdf"]
