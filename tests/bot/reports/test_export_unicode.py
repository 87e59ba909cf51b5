"""Exports on arbitrary text: never a formula-leading cell, never a crash (issue 15).

Reflections reach an export from the database, after the door: any Unicode but lone surrogates
(the door drops them and PostgreSQL refuses them). Here every column of a reflection is such
text, biased to the formula triggers, controls, NUL, bidi marks, emoji and ``<r>`` rich-text
shapes: the CSV and the XLSX are written, encode as UTF-8, and no cell starts with a trigger.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.reflections.service import ReflectionRow
from bot.reports.export import export_csv, export_xlsx
from tests.fuzzing import EXAMPLES, wild_text

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Minutes of CPU with the other Unicode fuzz modules: with the slow tests (make test-e2e, fuzz).
pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=1_500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def stored_text(max_size: int = 120) -> st.SearchStrategy[str]:
    """What a database column can hold: anything but a lone surrogate."""
    return wild_text(max_size).map(lambda text: text.encode("utf-8", "ignore").decode("utf-8"))


@st.composite
def rows(draw: st.DrawFn) -> list[ReflectionRow]:
    text = stored_text()
    return [
        ReflectionRow(
            pack_id=draw(text),
            pack_version=draw(text),
            point_id=draw(text),
            iso_week=draw(text),
            agency=draw(st.none() | text),
            channel_kind=draw(text),
            text=draw(stored_text(2_000)),
        )
        for _ in range(draw(st.integers(1, 3)))
    ]


@FUZZ
@given(reflections=rows())
def test_no_csv_cell_leads_with_a_formula_trigger(reflections: list[ReflectionRow]) -> None:
    EXAMPLES["export csv"] += 1
    out = io.StringIO(newline="")
    assert export_csv(reflections, out) == len(reflections)
    out.getvalue().encode("utf-8")
    for row in csv.reader(io.StringIO(out.getvalue(), newline="")):
        for cell in row:
            assert not cell.startswith(TRIGGERS), cell


@settings(FUZZ, max_examples=300)
@given(reflections=rows())
def test_no_xlsx_cell_is_a_formula(reflections: list[ReflectionRow]) -> None:
    EXAMPLES["export xlsx"] += 1
    out = io.BytesIO()
    assert export_xlsx(reflections, out) == len(reflections)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(TRIGGERS), cell.value
