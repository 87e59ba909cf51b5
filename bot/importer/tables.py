"""Tables in a briefing: which column holds the recommendations, the learning or the actions.

Every reader gives a data table as one paragraph per row with its cells joined by " | ". A
briefing that sets its recommendations (or its learning, or what has changed) in a table says
which column is which in the header row: "No. | Recommendation | Lead | By when". The column
whose header names the section's kind holds the items; without such a header, the column with
the most words does (the other columns are numbers, owners, dates and statuses).
"""

from __future__ import annotations

from bot.importer.sections import SectionKind, section_kind

CELL_SEP = " | "
_HEADER_CELL_WORDS = 6
_TITLE_WORDS = 12
# When a header names more than one kind ("Recommendation | Progress"), the first of these.
_PREFERRED: tuple[SectionKind, ...] = ("recommendations", "action", "learning")


def cells(row: str) -> list[str]:
    """A row's cells, trimmed."""
    return [cell.strip() for cell in row.split(CELL_SEP)]


def is_header(row: list[str]) -> bool:
    """A header row: two cells or more, each a short label ("No." is one), none a sentence."""
    return len(row) >= 2 and all(
        len(cell.split()) <= _HEADER_CELL_WORDS
        and not (cell.endswith(".") and len(cell.split()) > 2)
        for cell in row
    )


def header_kinds(text: str) -> list[SectionKind]:
    """The section kinds a table's header row names, preferred first; [] for another line."""
    if CELL_SEP not in text:
        return []
    row = cells(text)
    if not is_header(row):
        return []
    named = {section_kind(cell) for cell in row}
    return [kind for kind in _PREFERRED if kind in named]


def _column(rows: list[list[str]], header: list[str] | None, kind: SectionKind) -> int:
    if header is not None:
        for index, cell in enumerate(header):
            if section_kind(cell) == kind:
                return index
    width = max(len(row) for row in rows)
    words = [sum(len(row[i].split()) for row in rows if i < len(row)) for i in range(width)]
    return max(range(width), key=lambda i: words[i])


def table_items(texts: list[str], kind: SectionKind) -> list[tuple[str | None, str]]:
    """The items of a table's rows: ``(title, text)`` from the column naming ``kind``.

    ``title`` is a short label in another column before it ("Theme | What we found"), else None.
    """
    rows = [cells(text) for text in texts if CELL_SEP in text]
    if not rows:
        return []
    header = rows[0] if is_header(rows[0]) else None
    data = rows[1:] if header is not None else rows
    if not data:
        return []
    column = _column(data, header, kind)
    out: list[tuple[str | None, str]] = []
    for row in data:
        if column >= len(row) or not row[column]:
            continue
        before = [
            cell
            for cell in row[:column]
            if cell and len(cell.split()) <= _TITLE_WORDS and not cell.rstrip(".").isdigit()
        ]
        out.append((before[0] if before and kind == "learning" else None, row[column]))
    return out
