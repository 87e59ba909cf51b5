from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import insert

from bot.reflections.service import ReflectionRow, list_reflections, record_reflection
from bot.reports import export as export_module
from bot.reports.export import (
    COLUMNS,
    ExportTooLargeError,
    export_csv,
    export_xlsx,
    neutralise_cell,
    xlsx_cell,
)
from bot.storage.migrate import upgrade
from bot.storage.models import Reflection
from bot.storage.session import make_engine, make_session_factory, transaction
from tests.bot.storage.databases import BACKENDS, TestDatabase, temporary_database

SECRET = b"test-secret-0123456789abcdef"
HEADER = [
    "pack_id",
    "pack_version",
    "point_id",
    "iso_week",
    "agency",
    "channel_kind",
    "text",
    "kind",
]


def _row(text: str = "We shared too late.", **overrides: str | None) -> ReflectionRow:
    values: dict[str, str | None] = {
        "pack_id": "esscp-child-z",
        "pack_version": "1.0.0",
        "point_id": "dp-1",
        "iso_week": "2026-W48",
        "agency": "education",
        "channel_kind": "teams",
        "text": text,
    }
    values.update(overrides)
    return ReflectionRow(**values)  # type: ignore[arg-type]


# The default row as a spreadsheet or CSV reader sees it.
FIRST_ROW = [
    "esscp-child-z",
    "1.0.0",
    "dp-1",
    "2026-W48",
    "education",
    "teams",
    "We shared too late.",
    "reflection",
]


def _export(rows: list[ReflectionRow]) -> tuple[int, list[list[str]]]:
    out = io.StringIO(newline="")
    count = export_csv(rows, out)
    return count, list(csv.reader(io.StringIO(out.getvalue(), newline="")))


def test_header_and_columns_leave_out_ids_and_receipt_hashes() -> None:
    count, lines = _export([_row()])

    assert count == 1
    assert lines[0] == HEADER
    assert list(COLUMNS) == HEADER
    assert "receipt_hash" not in lines[0]
    assert "id" not in lines[0]
    assert lines[1] == FIRST_ROW


def test_an_empty_export_is_just_the_header() -> None:
    count, lines = _export([])

    assert count == 0
    assert lines == [HEADER]


def test_prefer_not_to_say_is_an_empty_agency_cell() -> None:
    _, lines = _export([_row(agency=None)])

    assert lines[1][4] == ""


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1323 464222", "'+44 1323 464222"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("Safe text = fine", "Safe text = fine"),
        ("1+1", "1+1"),
        ("", ""),
    ],
)
def test_formula_leading_cells_are_neutralised(cell: str, expected: str) -> None:
    assert neutralise_cell(cell) == expected

    _, lines = _export([_row(cell)])

    assert lines[1][6] == expected


def test_a_nul_in_any_column_is_dropped_not_a_crashed_export() -> None:
    # Found by fuzzing (issue 15): csv raised "need to escape, but no escapechar set".
    count, lines = _export([_row("before\x00after", agency="\x00", point_id="\x00=1")])

    assert count == 1
    assert lines[1][COLUMNS.index("text")] == "beforeafter"
    assert lines[1][COLUMNS.index("agency")] == ""
    assert lines[1][COLUMNS.index("point_id")] == "'=1"


def test_every_column_is_neutralised_not_just_the_text() -> None:
    row = _row(
        "=text",
        pack_id="=pack",
        pack_version="+1",
        point_id="-dp",
        iso_week="@week",
        agency="=agency",
        channel_kind="\tchannel",
        kind="=kind",
    )

    _, lines = _export([row])

    assert all(cell.startswith("'") for cell in lines[1])


def test_newlines_commas_and_quotes_survive_a_round_trip() -> None:
    text = 'First line, with a comma\nsecond "quoted" line\r\nthird line'

    _, lines = _export([_row(text)])

    assert lines[1][6] == text
    assert len(lines) == 2


def test_export_writes_to_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "reflections.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        export_csv([_row("multi\nline")], out)

    with path.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))

    assert lines[1][6] == "multi\nline"


def test_100k_rows_export_well_under_five_seconds() -> None:
    def rows() -> Iterator[ReflectionRow]:
        for index in range(100_000):
            yield _row(f"Reflection {index}: we would ask SPoA sooner.\nSecond line.")

    out = io.StringIO(newline="")
    started = time.perf_counter()
    count = export_csv(rows(), out)
    elapsed = time.perf_counter() - started

    assert count == 100_000
    assert elapsed < 2.5, f"export took {elapsed:.2f}s"


# --- from the database to the file ------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    with temporary_database(request.param, tmp_path) as db:
        upgrade(db.url)
        yield db


def test_stored_reflections_export_safely(database: TestDatabase) -> None:
    engine = make_engine(database.url)
    factory = make_session_factory(engine)
    try:
        with transaction(factory) as session:
            for text, agency in [("=cmd|' /C calc'!A0", None), ("line one\nline two", "police")]:
                record_reflection(
                    session=session,
                    text=text,
                    pack_id="esscp-child-z",
                    pack_version="1.0.0",
                    point_id="dp-3",
                    agency=agency,
                    channel_kind="socketio",
                    secret=SECRET,
                    today=date(2026, 11, 26),
                )
        with transaction(factory) as session:
            rows = list_reflections(session=session)
    finally:
        engine.dispose()

    count, lines = _export(rows)

    assert count == 2
    texts = {line[6]: line[4] for line in lines[1:]}
    assert texts == {"'=cmd|' /C calc'!A0": "", "line one\nline two": "police"}


def test_follow_up_answers_are_exported_with_their_kind(database: TestDatabase) -> None:
    engine = make_engine(database.url)
    factory = make_session_factory(engine)
    try:
        with transaction(factory) as session:
            for text, kind in [("We read it.", "reflection"), ("We now ask sooner.", "followup")]:
                record_reflection(
                    session=session,
                    text=text,
                    pack_id="esscp-child-z",
                    pack_version="1.0.0",
                    point_id="general" if kind == "followup" else "dp-1",
                    agency="health",
                    channel_kind="teams",
                    secret=SECRET,
                    today=date(2026, 11, 26),
                    kind=kind,
                )
        with transaction(factory) as session:
            rows = list_reflections(session=session)
    finally:
        engine.dispose()

    _, lines = _export(rows)
    _, cells, _ = _export_xlsx(rows)

    kinds = {line[6]: (line[2], line[COLUMNS.index("kind")]) for line in lines[1:]}
    assert kinds == {
        "We read it.": ("dp-1", "reflection"),
        "We now ask sooner.": ("general", "followup"),
    }
    assert sorted(row[-1] for row in cells[1:]) == ["followup", "reflection"]


def test_100k_stored_reflections_list_and_export_quickly(database: TestDatabase) -> None:
    engine = make_engine(database.url)
    factory = make_session_factory(engine)
    try:
        with transaction(factory) as session:
            session.execute(
                insert(Reflection),
                [
                    {
                        "pack_id": "esscp-child-z",
                        "pack_version": "1.0.0",
                        "point_id": f"dp-{index % 4 + 1}",
                        "text": f"Reflection {index}: we would ask SPoA sooner.",
                        "agency": "health" if index % 3 else None,
                        "iso_week": "2026-W48",
                        "channel_kind": "rest",
                        "receipt_hash": f"{index:064x}",
                        "created_week_start": date(2026, 11, 23),
                    }
                    for index in range(100_000)
                ],
            )

        started = time.perf_counter()
        with transaction(factory) as session:
            rows = list_reflections(session=session)
        count = export_csv(rows, io.StringIO(newline=""))
        elapsed = time.perf_counter() - started
    finally:
        engine.dispose()

    assert count == 100_000
    assert elapsed < 5, f"list + export took {elapsed:.2f}s"


# --- XLSX -------------------------------------------------------------------------------------

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _xlsx_cells(data: bytes) -> tuple[list[list[str]], str]:
    """The sheet's rows as lists of cell texts (in column order), and its raw XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    root = ElementTree.fromstring(xml)
    rows = []
    for row in root.iterfind(".//m:sheetData/m:row", _NS):
        cells = []
        for cell in row.iterfind("m:c", _NS):
            assert cell.get("t") == "inlineStr", ElementTree.tostring(cell)
            cells.append("".join(t.text or "" for t in cell.iterfind(".//m:t", _NS)))
        rows.append(cells)
    return rows, xml


def _export_xlsx(rows: list[ReflectionRow]) -> tuple[int, list[list[str]], str]:
    out = io.BytesIO()
    count = export_xlsx(rows, out)
    cells, xml = _xlsx_cells(out.getvalue())
    return count, cells, xml


def test_xlsx_has_the_same_header_and_cells_as_the_csv() -> None:
    count, cells, _ = _export_xlsx([_row(), _row("Second.", agency="police")])

    assert count == 2
    assert cells[0] == HEADER
    assert cells[1] == FIRST_ROW
    assert cells[2][4:] == ["police", "teams", "Second.", "reflection"]


def test_an_empty_xlsx_export_is_just_the_header() -> None:
    count, cells, _ = _export_xlsx([])

    assert count == 0
    assert cells == [HEADER]


def test_xlsx_prefer_not_to_say_is_an_empty_agency_cell() -> None:
    _, cells, _ = _export_xlsx([_row(agency=None)])

    assert cells[1][4] == ""


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+44 1323 464222", "-2", "@SUM(A1:A2)", '=HYPERLINK("http://evil.example","x")'],
)
def test_xlsx_neutralises_formula_triggers_like_the_csv(text: str) -> None:
    _, cells, xml = _export_xlsx([_row(text)])

    assert cells[1][6] == neutralise_cell(text) == "'" + text
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_every_cell_is_a_string_never_a_number_or_date() -> None:
    row = _row("12345", pack_version="1.0", point_id="2026-11-27", iso_week="3.5e2")

    _, cells, xml = _export_xlsx([row])

    assert cells[1][1:4] == ["1.0", "2026-11-27", "3.5e2"]
    assert cells[1][6] == "12345"
    assert "<v>" not in xml  # no numeric value cells at all


def test_xlsx_rich_text_shaped_reflection_cannot_inject_xml() -> None:
    # XlsxWriter's streaming mode copies "<r>...</r>" into the sheet unescaped; this one
    # would otherwise close the cell and add a formula cell of its own.
    attack = (
        '<r><t>x</t></r></is></c><c r="H2"><f>HYPERLINK("http://evil.example")</f></c><c><is><r>'
    )
    attack += "<t>y</t></r>"

    count, cells, xml = _export_xlsx([_row(attack)])

    assert xlsx_cell(attack) == "'" + attack
    assert count == 1
    assert cells[1][6] == "'" + attack
    assert len(cells[1]) == len(COLUMNS)
    assert "<f>" not in xml


def test_xlsx_keeps_newlines_quotes_and_escapes_control_characters() -> None:
    text = 'First line, "quoted" & <b>not bold</b>\nsecond line\x07 bell'

    _, cells, _ = _export_xlsx([_row(text)])

    # XlsxWriter stores the (XML-illegal) bell as Excel's _x0007_ escape, which Excel decodes.
    assert cells[1][6] == text.replace("\x07", "_x0007_")


def test_xlsx_refuses_more_rows_than_a_worksheet_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_module, "XLSX_MAX_ROWS", 3)

    with pytest.raises(ExportTooLargeError):
        export_xlsx([_row(), _row(), _row()], io.BytesIO())


def test_xlsx_export_writes_to_a_path(tmp_path: Path) -> None:
    path = tmp_path / "reflections.xlsx"

    count = export_xlsx([_row("multi\nline")], path)

    cells, _ = _xlsx_cells(path.read_bytes())
    assert count == 1
    assert cells[1][6] == "multi\nline"


def test_100k_rows_export_as_xlsx_well_under_twenty_seconds(tmp_path: Path) -> None:
    def rows() -> Iterator[ReflectionRow]:
        for index in range(100_000):
            yield _row(f"Reflection {index}: we would ask SPoA sooner.\nSecond line.")

    started = time.perf_counter()
    count = export_xlsx(rows(), tmp_path / "big.xlsx")
    elapsed = time.perf_counter() - started

    assert count == 100_000
    assert elapsed < 15, f"xlsx export took {elapsed:.2f}s"
