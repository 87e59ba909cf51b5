"""CSV export of reflections for the safeguarding lead, safe to open in a spreadsheet.

Reflections are free text written by practitioners, so any cell could start with ``=`` and be
run as a formula when the file is opened in Excel or LibreOffice (CSV injection). Following
OWASP's guidance, every cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with a single quote, and the csv module quotes cells with commas, quotes or
newlines, so multi-line reflections survive intact.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO

from bot.reflections import ReflectionRow

#: Export columns, in order. Deliberately no id and no receipt hash: nothing in a download can
#: be used to withdraw, or to order, a reflection.
COLUMNS: tuple[str, ...] = (
    "pack_id",
    "pack_version",
    "point_id",
    "iso_week",
    "agency",
    "channel_kind",
    "text",
)

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """The cell as a spreadsheet will show it but never evaluate it.

    A leading single quote makes Excel and LibreOffice treat the cell as text; it is visible in
    a text editor, which is the accepted cost of OWASP's mitigation.
    """
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


def export_csv(rows: Iterable[ReflectionRow], out: TextIO) -> int:
    """Write a header and one line per reflection to ``out``; return the number of rows.

    Streams: rows are written as they are read, so memory stays flat however many there are.
    ``out`` should be opened with ``newline=""`` (as the csv module requires) when it is a file.
    ``agency`` is empty when the practitioner preferred not to say.
    """
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0

    def lines() -> Iterator[tuple[str, ...]]:
        nonlocal count
        for row in rows:
            count += 1
            yield (
                neutralise_cell(row.pack_id),
                neutralise_cell(row.pack_version),
                neutralise_cell(row.point_id),
                neutralise_cell(row.iso_week),
                neutralise_cell(row.agency or ""),
                neutralise_cell(row.channel_kind),
                neutralise_cell(row.text),
            )

    writer.writerows(lines())
    return count
