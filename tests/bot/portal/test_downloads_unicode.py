"""Portal downloads on arbitrary text: no formula-leading cell, no crash, UTF-8 (issue 15).

The test dashboard of test_downloads.py with its free text (title, partnership, rule, table
and cell labels, theme labels and quotes, minutes' actions) replaced by fuzzed text as it can
come out of the database (anything but a lone surrogate); the CSV is encoded as the web app
serves it, and the XLSX is read back.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.portal.downloads import dashboard_csv, dashboard_xlsx
from bot.portal.model import ActionSummary, Dashboard
from tests.bot.portal.test_downloads import DASHBOARD, TRIGGERS
from tests.bot.reports.test_export_unicode import stored_text
from tests.fuzzing import EXAMPLES

#: Minutes of CPU with the other Unicode fuzz modules: with the slow tests (make test-e2e, fuzz).
pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def boards(draw: st.DrawFn) -> Dashboard:
    text = stored_text(80)
    tables = tuple(
        replace(
            table,
            title=draw(text),
            cells=tuple(replace(cell, label=draw(text)) for cell in table.cells),
        )
        for table in DASHBOARD.tables
    )
    themes = tuple(
        replace(
            theme,
            label=draw(text),
            terms=(draw(text),),
            quotes=(draw(text),) if theme.quotes else (),
        )
        for theme in DASHBOARD.themes
    )
    minutes = tuple(
        replace(summary, actions=(ActionSummary(draw(text), draw(text), draw(text), draw(text)),))
        for summary in DASHBOARD.minutes
    )
    return replace(
        DASHBOARD,
        pack_title=draw(text),
        partnership=draw(text),
        rule=draw(text),
        tables=tables,
        themes=themes,
        minutes=minutes,
    )


@FUZZ
@given(board=boards())
def test_csv_download_of_any_text(board: Dashboard) -> None:
    EXAMPLES["portal csv"] += 1
    out = io.StringIO(newline="")
    dashboard_csv(board, out)
    out.getvalue().encode("utf-8")
    for row in csv.reader(io.StringIO(out.getvalue(), newline="")):
        for cell in row:
            assert not cell.startswith(TRIGGERS), cell


@settings(FUZZ, max_examples=150)
@given(board=boards())
def test_xlsx_download_of_any_text(board: Dashboard) -> None:
    EXAMPLES["portal xlsx"] += 1
    out = io.BytesIO()
    dashboard_xlsx(board, out)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(TRIGGERS), cell.value
