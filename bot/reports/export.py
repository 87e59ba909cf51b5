"""CSV and XLSX exports of reflections for the safeguarding lead, safe to open in a spreadsheet.

Reflections are free text written by practitioners, so any cell could start with ``=`` and be
run as a formula when the file is opened in Excel or LibreOffice (CSV injection). Following
OWASP's guidance, every cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with a single quote, and the csv module quotes cells with commas, quotes or
newlines, so multi-line reflections survive intact. The XLSX export writes every cell as a
string (never a number or formula) and neutralises it the same way, so a file saved from it as
CSV, or a cell re-entered by the lead, is still safe.

Answers to the follow-up months later ("what has changed in your practice since?") are stored
as rows of the same table, so they are exported too; the last column, ``kind``, tells them
apart ("reflection" or "followup").
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

import xlsxwriter

from bot.reflections.service import ReflectionRow

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
    # Last, so a script that read the columns by position before follow-ups existed still works.
    "kind",
)

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """The cell as a spreadsheet will show it but never evaluate it.

    A leading single quote makes Excel and LibreOffice treat the cell as text; it is visible in
    a text editor, which is the accepted cost of OWASP's mitigation. NUL is dropped: Python's
    csv module cannot write it ("need to escape"), so one NUL in a stored text crashed the
    whole export (found by fuzzing), and no spreadsheet shows it anyway.
    """
    value = value.replace("\x00", "")
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
                neutralise_cell(row.kind),
            )

    writer.writerows(lines())
    return count


#: Rows an XLSX worksheet can hold, header included (Excel's limit).
XLSX_MAX_ROWS = 1_048_576
#: Approximate column widths (characters) so the file opens readable; the text column wraps.
_XLSX_WIDTHS: dict[str, float] = {
    "pack_id": 16,
    "pack_version": 12,
    "point_id": 12,
    "iso_week": 10,
    "agency": 22,
    "channel_kind": 12,
    "text": 100,
    "kind": 12,
}


class ExportTooLargeError(ValueError):
    """More reflections than one worksheet can hold; the lead should export by pack instead."""


def xlsx_cell(value: str) -> str:
    """A cell value that XlsxWriter will store as plain, inert text.

    Besides the formula triggers of :func:`neutralise_cell`: in its streaming
    (``constant_memory``) mode XlsxWriter copies a string that starts with ``<r>`` and ends
    with ``</r>`` into the sheet XML *unescaped*, as pre-built rich text (xlsxwriter 3.3.1,
    ``Worksheet._write_cell``). A reflection shaped like that could inject XML, including a
    formula cell, so it gets the same leading quote.
    """
    value = neutralise_cell(value)
    if value.startswith("<r>") and value.endswith("</r>"):
        return "'" + value
    return value


def export_xlsx(rows: Iterable[ReflectionRow], out: str | Path | BinaryIO) -> int:
    """Write a header and one row per reflection as an Excel workbook; return the row count.

    Streams like :func:`export_csv`: XlsxWriter's ``constant_memory`` mode flushes each row to
    a temporary file as soon as the next one starts, so memory stays flat for 100,000 rows.
    Every cell is written with ``write_string``, so nothing in a reflection is ever turned into
    a number, date, URL or formula. ``out`` is a file path or a binary file object.

    Raises:
        ExportTooLargeError: if there are more rows than a worksheet holds (nothing useful
            would be written; the partial workbook is still closed).
    """
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # Nothing is guessed from the text (write_string already ensures that; this keeps it
            # true if someone later switches to write()).
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    count = 0
    try:
        sheet = workbook.add_worksheet("Reflections")
        header = workbook.add_format({"bold": True})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        for col, name in enumerate(COLUMNS):
            sheet.set_column(col, col, _XLSX_WIDTHS.get(name, 12), wrap if name == "text" else None)
            sheet.write_string(0, col, name, header)
        sheet.freeze_panes(1, 0)
        write = sheet.write_string
        for row in rows:
            count += 1
            if count >= XLSX_MAX_ROWS:
                raise ExportTooLargeError(
                    f"more than {XLSX_MAX_ROWS - 1:,} reflections do not fit in one worksheet; "
                    "export one pack at a time"
                )
            write(count, 0, xlsx_cell(row.pack_id))
            write(count, 1, xlsx_cell(row.pack_version))
            write(count, 2, xlsx_cell(row.point_id))
            write(count, 3, xlsx_cell(row.iso_week))
            write(count, 4, xlsx_cell(row.agency or ""))
            write(count, 5, xlsx_cell(row.channel_kind))
            write(count, 6, xlsx_cell(row.text))
            write(count, 7, xlsx_cell(row.kind))
    finally:
        workbook.close()
    return count
