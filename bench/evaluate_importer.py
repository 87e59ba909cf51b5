"""How much of each fixture briefing the importer recovers, against its hand-written structure.

Usage::

    python -m bench.evaluate_importer [DIR]      # default tests/data/briefings (make import-table)

For each ``NAME.expected.yml`` in DIR (and so the seed, child-z): builds the DOCX/PDF fixtures
from their sources into a temporary folder (scripts.briefing_fixtures), imports the file
(read_briefing + recognise), and prints a Markdown table of fields recovered / expected, with
extras, then totals with recall and precision per field, then for PDF fixtures the pages and
the import time per page (best of 3, reading and recognising).

Matching is deliberately forgiving of case, spacing and punctuation and strict about content:
learning by title or by its text's first words (difflib ratio >= 0.85 on the first 60
characters), recommendations and action taken by their first words, questions by their full
text (ratio >= 0.85), links by URL (or by title where the briefing gives no URL), contacts by
their digits.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, TextIO

import yaml

from bot.importer.draft import Draft
from bot.importer.recognise import recognise

FIELDS = ("title", "learning", "recommendations", "action", "questions", "links", "contacts")
RATIO = 0.85
PREFIX = 60
SEED = "child-z"


def norm(text: str | None) -> str:
    """Lower case, words only: quotes, dashes and punctuation do not decide a match."""
    text = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def similar(a: str, b: str) -> bool:
    """Equal after normalising, or close (difflib ratio >= 0.85)."""
    a, b = norm(a), norm(b)
    return bool(a) and (a == b or SequenceMatcher(None, a, b).ratio() >= RATIO)


def starts_like(text: str, starts: str) -> bool:
    """The text begins with these words (fuzzy on the first 60 characters)."""
    text, starts = norm(text), norm(starts)
    if not starts:
        return False
    if text.startswith(starts):
        return True
    n = min(PREFIX, len(starts))
    return SequenceMatcher(None, text[:n], starts[:n]).ratio() >= RATIO


def norm_url(url: str | None) -> str:
    """An address without scheme, www. or closing slash: printed and linked forms agree."""
    url = re.sub(r"^https?://", "", (url or "").strip().lower())
    return url.removeprefix("www.").rstrip("/")


def norm_digits(number: str) -> str:
    """A number's digits, +44 as 0."""
    digits = re.sub(r"\D", "", number)
    return "0" + digits[2:] if digits.startswith("44") and len(digits) > 10 else digits


def match_learning(expected: dict[str, Any], found: tuple[str | None, str]) -> bool:
    """A learning item matches by its title or by its text's first words."""
    title, text = found
    if expected.get("title") and title and similar(expected["title"], title):
        return True
    return starts_like(text, expected.get("starts") or "")


def match_link(expected: dict[str, Any], found: tuple[str, str | None]) -> bool:
    """A link matches by address, or by title where the briefing prints no address."""
    title, url = found
    if expected.get("url"):
        return bool(url) and norm_url(expected["url"]) == norm_url(url)
    return similar(expected.get("title") or "", title)


@dataclass(frozen=True)
class Score:
    """One field of one fixture: how many expected were found, and how many were extra."""

    matched: int
    expected: int
    found: int

    @property
    def extra(self) -> int:
        """Found but not expected."""
        return self.found - self.matched

    def cell(self) -> str:
        """The table cell: 4/4, or 3/3 (+1) with one extra."""
        text = f"{self.matched}/{self.expected}"
        return text + (f" (+{self.extra})" if self.extra else "")


def score(expected: Sequence[Any], found: Sequence[Any], same: Callable[[Any, Any], bool]) -> Score:
    """Match one to one, in order: each expected item takes the first unused found item."""
    used: set[int] = set()
    for item in expected:
        for index, candidate in enumerate(found):
            if index not in used and same(item, candidate):
                used.add(index)
                break
    return Score(len(used), len(expected), len(found))


def score_draft(expected: dict[str, Any], draft: Draft) -> dict[str, Score]:
    """Every field of a draft against a fixture's expected structure."""
    title_ok = similar(expected.get("title") or "", draft.title)
    return {
        "title": Score(int(title_ok), 1, 1),
        "learning": score(
            expected.get("learning") or [],
            [(item.title, item.text) for item in draft.learning],
            match_learning,
        ),
        "recommendations": score(
            expected.get("recommendations") or [],
            [rec.text for rec in draft.recommendations],
            lambda e, f: starts_like(f, e),
        ),
        "action": score(
            expected.get("action_taken") or [],
            list(draft.action_taken),
            lambda e, f: starts_like(f, e),
        ),
        "questions": score(
            expected.get("questions") or [], [q.text for q in draft.questions], similar
        ),
        "links": score(
            expected.get("links") or [],
            [(link.title, link.url) for link in draft.links],
            match_link,
        ),
        "contacts": score(
            expected.get("contacts") or [],
            [contact.number for contact in draft.contacts],
            lambda e, f: norm_digits(str(e.get("number"))) == norm_digits(f),
        ),
    }


@dataclass
class Row:
    """One fixture's line in the table."""

    name: str
    fmt: str
    layout: str
    scores: dict[str, Score] = field(default_factory=dict)
    error: str = ""
    pages: int = 0
    seconds_per_page: float = 0.0


def _built(directory: Path, out: Path) -> set[str]:
    """Build DOCX/PDF fixtures from their sources; the names of those that could not be built."""
    try:
        from scripts.briefing_fixtures import build_fixtures
    except ImportError:
        return {"*"}
    build_fixtures(directory, out)
    return set()


def _import_file(path: Path) -> tuple[Draft, int]:
    from bot.importer.read import read_briefing

    doc = read_briefing(path)
    return recognise(doc), doc.pages


def _timed(path: Path) -> float:
    """Best of three imports (reading + recognising), in seconds."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        _import_file(path)
        best = min(best, time.perf_counter() - start)
    return best


def evaluate_one(expected_file: Path, built_dir: Path) -> Row:
    """Import one fixture and score it."""
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    name = expected_file.name.removesuffix(".expected.yml")
    fmt = str(expected.get("format", ""))
    row = Row(name, fmt, str(expected.get("layout", "")).split(":")[0][:60])
    source = expected_file.parent / str(expected.get("source", ""))
    path = built_dir / f"{name}.{fmt}" if fmt in {"docx", "pdf"} else source
    if not path.exists():
        row.error = f"{path.name} was not built"
        return row
    try:
        draft, pages = _import_file(path)
    except Exception as exc:
        row.error = f"{type(exc).__name__}: {exc}"[:80]
        return row
    row.scores = score_draft(expected, draft)
    if fmt == "pdf":
        row.pages = pages
        row.seconds_per_page = _timed(path) / max(pages, 1)
    return row


def evaluate(directory: Path) -> list[Row]:
    """Every fixture in a directory (the seed first), scored."""
    files = sorted(
        directory.glob("*.expected.yml"), key=lambda p: (not p.name.startswith(SEED), p.name)
    )
    with tempfile.TemporaryDirectory(prefix="briefings-") as tmp:
        _built(directory, Path(tmp))
        return [evaluate_one(path, Path(tmp)) for path in files]


def _total(rows: list[Row], name: str) -> str:
    scores = [row.scores[name] for row in rows if row.scores]
    matched = sum(s.matched for s in scores)
    expected = sum(s.expected for s in scores)
    found = sum(s.found for s in scores)
    recall = matched / expected if expected else 1.0
    precision = matched / found if found else 1.0
    return f"{matched}/{expected} R {recall:.2f} P {precision:.2f}"


def totals(rows: list[Row]) -> dict[str, tuple[float, float]]:
    """Recall and precision per field over every scored fixture."""
    out = {}
    for name in FIELDS:
        scores = [row.scores[name] for row in rows if row.scores]
        matched = sum(s.matched for s in scores)
        expected = sum(s.expected for s in scores)
        found = sum(s.found for s in scores)
        out[name] = (matched / expected if expected else 1.0, matched / found if found else 1.0)
    return out


def render(rows: list[Row], out: TextIO) -> None:
    """The Markdown table, totals and PDF timings."""
    print("| fixture | format | layout | " + " | ".join(FIELDS) + " |", file=out)
    print("|---" * (3 + len(FIELDS)) + "|", file=out)
    for row in rows:
        if row.error:
            cells = [f"not imported: {row.error}"] + [""] * (len(FIELDS) - 1)
        else:
            cells = [
                ("\u2713" if row.scores["title"].matched else "\u2717")
                if name == "title"
                else row.scores[name].cell()
                for name in FIELDS
            ]
        print(f"| {row.name} | {row.fmt} | {row.layout} | " + " | ".join(cells) + " |", file=out)
    print("| **total** | | | " + " | ".join(_total(rows, n) for n in FIELDS) + " |", file=out)
    pdfs = [row for row in rows if row.fmt == "pdf" and not row.error]
    if pdfs:
        print("\n| PDF fixture | pages | import time per page (best of 3) |", file=out)
        print("|---|---|---|", file=out)
        for row in pdfs:
            print(f"| {row.name} | {row.pages} | {row.seconds_per_page * 1000:.0f} ms |", file=out)


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Print the table for a folder of fixtures."""
    parser = argparse.ArgumentParser(prog="evaluate_importer", description=__doc__)
    parser.add_argument("directory", nargs="?", type=Path, default=Path("tests/data/briefings"))
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        print(f"evaluate_importer: {args.directory} is not a folder", file=sys.stderr)
        return 2
    render(evaluate(args.directory), out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
