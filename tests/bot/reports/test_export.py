from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.reflections import ReflectionRow, list_reflections, record_reflection
from bot.reports.export import COLUMNS, export_csv, neutralise_cell
from bot.storage.migrate import upgrade
from bot.storage.models import Reflection
from bot.storage.session import make_engine, make_session_factory, transaction
from tests.bot.storage.databases import BACKENDS, TestDatabase, temporary_database

SECRET = b"test-secret-0123456789abcdef"
HEADER = ["pack_id", "pack_version", "point_id", "iso_week", "agency", "channel_kind", "text"]


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
    assert lines[1] == [
        "esscp-child-z",
        "1.0.0",
        "dp-1",
        "2026-W48",
        "education",
        "teams",
        "We shared too late.",
    ]


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


def test_every_column_is_neutralised_not_just_the_text() -> None:
    row = _row(
        "=text",
        pack_id="=pack",
        pack_version="+1",
        point_id="-dp",
        iso_week="@week",
        agency="=agency",
        channel_kind="\tchannel",
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
