from __future__ import annotations

import csv
import io
import re
import time
from datetime import date
from typing import Any

import openpyxl
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, IndirectObject

from bot.content.messages import render
from bot.portal.downloads import (
    dashboard_csv,
    dashboard_pdf,
    dashboard_xlsx,
    metadata,
    report_html,
)
from bot.portal.model import (
    ActionSummary,
    AppliedFilters,
    Cell,
    Dashboard,
    Impact,
    ImpactPoint,
    MinutesSummary,
    RecommendationMatch,
    Table,
    Theme,
)

K = 10
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
RULE = (
    "Any figure built from fewer than 10 contributions is shown as “fewer than 10”, "
    "and its quotes are withheld."
)
TITLE = "Child Z LCSPR learning briefing"


def table(
    table_id: str,
    title: str,
    dimension: str,
    cells: tuple[tuple[str, int | None], ...],
) -> Table:
    return Table(
        id=table_id,
        title=title,
        description="Reflections written in the weeks shown.",
        dimension=dimension,
        value_label="reflections",
        cells=tuple(Cell(f"c{i}", label, value) for i, (label, value) in enumerate(cells)),
        total=Cell("total", "Total", sum(value or 0 for _, value in cells)),
    )


def dashboard(**overrides: Any) -> Dashboard:
    values: dict[str, Any] = {
        "pack_id": "esscp-child-z",
        "pack_version": "1.0.0",
        "pack_title": TITLE,
        "partnership": "East Sussex Safeguarding Children Partnership",
        "filters": AppliedFilters(
            pack_id="esscp-child-z",
            pack_version="1.0.0",
            week_from="2026-W01",
            week_to="2026-W08",
            agency=None,
            team=None,
            notes=("Range widened to whole blocks: 2026-W01 to 2026-W08.",),
        ),
        "k": K,
        "produced_on": date(2026, 3, 2),
        "retention_days": 365,
        "rule": RULE,
        "headline": (
            Cell("reflections", "Reflections", 1_234),
            Cell("sessions", "Group sessions", None),
        ),
        "tables": (
            table(
                "by-block",
                "Reflections over time",
                "block",
                (("2026-W01 to 2026-W04", 600), ("2026-W05 to 2026-W08", None)),
            ),
            table(
                "by-agency",
                "Reflections by agency",
                "agency",
                (("Police", 634), ("Health", 600), ('=HYPERLINK("x")', None)),
            ),
        ),
        "themes": (
            Theme(
                id="t1",
                label="fathers · household · checks",
                terms=("fathers", "household", "checks", "assessment", "adults", "background"),
                count=Cell("t1", "fathers · household · checks", 87),
                agencies=3,
                recommendation=RecommendationMatch(3, "Recommendation three", 0.41),
                quotes=(
                    "We never asked who else lived in the household.",
                    "=cmd|' /C calc'!A0 we should check with [NAME 1] earlier",
                ),
            ),
            Theme(
                id="t2",
                label="manual · chapter",
                terms=("manual", "chapter"),
                count=Cell("t2", "manual · chapter", None),
                agencies=2,
                recommendation=None,
                quotes=(),
            ),
        ),
        "minutes": (
            MinutesSummary(
                public_id="M-7K2Q",
                iso_week="2026-W03",
                team_code="T-ALPHA",
                planned_minutes=45,
                points_discussed=3,
                points_total=4,
                attendance=6,
                actions=(
                    ActionSummary(
                        "Add fathers to the assessment template",
                        "Team manager",
                        "2026-04-01",
                        "Template updated",
                    ),
                    ActionSummary("+SUM(A1:A9) bookmark the manual", None, None, None),
                ),
            ),
        ),
        "pending_weeks": ("2026-W09",),
    }
    values.update(overrides)
    return Dashboard(**values)


DASHBOARD = dashboard()

IMPACT = Impact(
    by_point=Table(
        id="impact_by_point",
        title="Impact by discussion point",
        description="Answers to the follow-up, by point.",
        dimension="point",
        value_label="Follow-up answers",
        cells=(
            Cell("dp-1", "Point 1: Who else lives in the household?", 14),
            Cell("dp-2", "Point 2: Information sharing", None),
            Cell("general", "The briefing as a whole", 11),
        ),
        total=Cell("total", "Total", 25),
    ),
    by_version=Table(
        id="impact_by_version",
        title="Impact by briefing version",
        description="The version read.",
        dimension="version",
        value_label="Follow-up answers",
        cells=(Cell("1.1", "Version 1.1", 14), Cell("1", "Version 1", 11)),
        total=Cell("total", "Total", 25),
    ),
    points=(
        ImpactPoint(
            "dp-1",
            "Point 1: Who else lives in the household?",
            Cell("dp-1", "Point 1: Who else lives in the household?", 14),
            ("1.1", "1"),
            ("We now ask who stays over at every visit.", "=cmd|' /C calc'!A0 we ring the police"),
        ),
        ImpactPoint(
            "dp-2",
            "Point 2: Information sharing",
            Cell("dp-2", "Point 2: Information sharing", None),
            (),
            (),
        ),
        ImpactPoint(
            "general",
            "The briefing as a whole",
            Cell("general", "The briefing as a whole", 11),
            ("1",),
            (),
        ),
    ),
    week_from="2026-W01",
    week_to=None,
    notes=("Follow-up answers are not tied to a team, so the team filter does not apply.",),
    pending_weeks=("2026-W09",),
)


def csv_rows(board: Dashboard) -> list[list[str]]:
    out = io.StringIO(newline="")
    dashboard_csv(board, out)
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))


def xlsx_book(board: Dashboard) -> Any:
    out = io.BytesIO()
    dashboard_xlsx(board, out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def test_metadata_states_everything_a_file_must() -> None:
    rows = dict(metadata(DASHBOARD))

    assert rows["Briefing"] == TITLE
    assert rows["Version"] == "1.0.0"
    assert rows["Partnership"] == "East Sussex Safeguarding Children Partnership"
    assert rows["Weeks"] == "2026-W01 to 2026-W08"
    assert rows["Agency"] == "All agencies"
    assert rows["Team"] == "All teams"
    assert rows["Note"] == "Range widened to whole blocks: 2026-W01 to 2026-W08."
    assert rows["Suppression rule"] == RULE
    assert rows["Retention period"] == "365 days"
    assert rows["Produced"] == "2026-03-02"
    assert rows["Not yet released"] == "2026-W09"


def test_metadata_of_open_filters() -> None:
    filters = AppliedFilters("p", "1", None, "2026-W05", "police", "T-A")
    rows = dict(metadata(dashboard(filters=filters, pending_weeks=())))
    assert rows["Weeks"] == "the start to 2026-W05"
    assert rows["Agency"] == "Police"
    assert rows["Team"] == "T-A"
    assert "Not yet released" not in rows
    assert "Note" not in rows
    open_range = AppliedFilters("p", "1", None, None, None, None)
    assert dict(metadata(dashboard(filters=open_range)))["Weeks"] == "All weeks"


# --- CSV ------------------------------------------------------------------------------------


def test_csv_has_metadata_then_tables_themes_minutes_and_actions() -> None:
    rows = csv_rows(DASHBOARD)

    assert rows[0] == [f"{TITLE}: safeguarding lead report"]
    assert ["Suppression rule", RULE] in rows
    assert ["Produced", "2026-03-02"] in rows
    assert ["Retention period", "365 days"] in rows
    assert ["Reflections", "1,234"] in rows
    assert ["Group sessions", "fewer than 10"] in rows
    start = rows.index(["Reflections by agency"])
    assert rows[start + 1 : start + 7] == [
        ["Reflections written in the weeks shown."],
        ["Agency", "Reflections"],
        ["Police", "634"],
        ["Health", "600"],
        ['\'=HYPERLINK("x")', "fewer than 10"],
        ["Total", "1,234"],
    ]
    themes = rows.index(["Themes"])
    assert rows[themes + 1] == [
        "Theme",
        "Terms",
        "Reflections",
        "Agencies",
        "Recommendation",
        "Quote 1",
        "Quote 2",
    ]
    assert rows[themes + 2][:5] == [
        "fathers · household · checks",
        "fathers, household, checks, assessment, adults, background",
        "87",
        "3 agencies",
        "Recommendation three",
    ]
    assert rows[themes + 2][6] == "'=cmd|' /C calc'!A0 we should check with [NAME 1] earlier"
    assert rows[themes + 3] == [
        "manual · chapter",
        "manual, chapter",
        "fewer than 10",
        "2 agencies",
        "None matched closely",
    ]
    minutes = rows.index(["Group minutes"])
    assert rows[minutes + 2] == [
        "M-7K2Q",
        "2026-W03",
        "T-ALPHA",
        "45 minutes",
        "3 of 4",
        "6 present",
    ]
    actions = rows.index(["Agreed actions"])
    # The action columns are the minutes documents' own.
    assert rows[actions + 1] == [
        "Minutes",
        "Week",
        "Team",
        *(render(f"minutes_action_{column}").text for column in ("what", "owner", "by", "measure")),
    ]
    assert rows[actions + 3] == [
        "M-7K2Q",
        "2026-W03",
        "T-ALPHA",
        "'+SUM(A1:A9) bookmark the manual",
        "",
        "",
        "",
    ]


def test_csv_of_an_empty_dashboard_still_states_what_it_is() -> None:
    rows = csv_rows(dashboard(headline=(), tables=(), themes=(), minutes=(), pending_weeks=()))
    assert ["Suppression rule", RULE] in rows
    assert ["Themes"] in rows
    assert ["Theme", "Terms", "Reflections", "Agencies", "Recommendation"] in rows


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_sheets_metadata_and_figures() -> None:
    book = xlsx_book(DASHBOARD)

    assert book.sheetnames == [
        "About",
        "Reflections over time",
        "Reflections by agency",
        "Themes",
        "Minutes",
        "Actions",
    ]
    about = {
        row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True) if row[0]
    }
    assert about["Briefing"] == TITLE
    assert about["Suppression rule"] == RULE
    assert about["Produced"] == "2026-03-02"
    assert about["Reflections"] == 1234
    assert about["Group sessions"] == "fewer than 10"
    assert book.properties.title == f"{TITLE}: safeguarding lead report"

    sheet = book["Reflections by agency"]
    values = list(sheet.iter_rows(min_row=5, values_only=True))
    assert values == [
        ("Agency", "Reflections"),
        ("Police", 634),
        ("Health", 600),
        ('\'=HYPERLINK("x")', "fewer than 10"),
        ("Total", 1234),
    ]
    assert sheet["B6"].data_type == "n"
    assert sheet["A5"].font.b
    assert sheet.freeze_panes == "A6"
    assert sheet.column_dimensions["A"].width >= 10


def test_xlsx_themes_minutes_and_actions() -> None:
    book = xlsx_book(DASHBOARD)
    themes = list(book["Themes"].iter_rows(values_only=True))
    assert themes[0] == (
        "Theme",
        "Terms",
        "Reflections",
        "Agencies",
        "Recommendation",
        "Quote 1",
        "Quote 2",
    )
    assert themes[1][2] == 87
    assert themes[1][3] == "3 agencies"
    assert themes[1][6].startswith("'=cmd")
    assert themes[2][2] == "fewer than 10"
    assert book["Themes"].freeze_panes == "A2"
    minutes = list(book["Minutes"].iter_rows(values_only=True))
    assert minutes[1] == ("M-7K2Q", "2026-W03", "T-ALPHA", "45 minutes", "3 of 4", "6 present")
    actions = list(book["Actions"].iter_rows(values_only=True))
    assert actions[1][3] == "Add fathers to the assessment template"
    assert actions[2][3] == "'+SUM(A1:A9) bookmark the manual"


def test_xlsx_sheet_names_are_valid_and_unique() -> None:
    tables = tuple(
        table(f"t{n}", title, "agency", (("Police", 20),))
        for n, title in enumerate(
            ["About", "a/b:c*d?e[f]g\\h", "'quoted'", "x" * 40, "x" * 40, "", "History"]
        )
    )
    book = xlsx_book(dashboard(tables=tables))
    names = book.sheetnames
    assert len(names) == len(set(name.lower() for name in names)) == 4 + len(tables)
    for name in names:
        assert len(name) <= 31
        assert not re.search(r"[\[\]:*?/\\]", name)
        assert not name.startswith("'") and not name.endswith("'")


def test_xlsx_sheet_names_of_emoji_and_nonchars_are_valid() -> None:
    # Found by fuzzing (issue 15): 31 emoji are 62 UTF-16 units, which XlsxWriter refused; a
    # U+FFFE in a title went into the sheet XML as it was, and no reader could open the file.
    tables = tuple(
        table(f"t{n}", title, "agency", (("Police", 20),))
        for n, title in enumerate(["👍" * 40, "👍" * 40, "a" + "👍" * 15 + "b", "x\ufffey\uffff"])
    )
    book = xlsx_book(dashboard(tables=tables))

    names = book.sheetnames
    assert len(set(name.lower() for name in names)) == 4 + len(tables)
    for name in names:
        assert len(name.encode("utf-16-le")) // 2 <= 31, name


# --- PDF ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf() -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(dashboard_pdf(DASHBOARD)))


def _flat(reader: pypdf.PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_pdf_text_states_title_rule_figures_and_suppression(pdf: pypdf.PdfReader) -> None:
    text = _flat(pdf)

    assert TITLE in text
    assert "fewer than 10" in text
    assert "1,234" in text
    assert "634" in text
    assert "Range widened to whole blocks" in text
    assert "Produced on 2 March 2026" in text
    assert "We never asked who else lived in the household." in text
    assert "Add fathers to the assessment template" in text
    # The rule, whatever line breaks the layout put in it.
    assert " ".join(RULE.split()) in text


def test_pdf_is_tagged_with_language_and_title(pdf: pypdf.PdfReader) -> None:
    catalog = pdf.trailer["/Root"]

    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert catalog["/Lang"] == "en-GB"
    assert pdf.metadata is not None
    assert pdf.metadata.title == f"{TITLE}: safeguarding lead report"


def _structure(reader: pypdf.PdfReader) -> list[DictionaryObject]:
    """Every element of the structure tree."""
    found = []
    stack: list[Any] = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                stack.append(node["/K"])
    return found


def test_pdf_structure_has_headings_tables_and_charts_as_figures(pdf: pypdf.PdfReader) -> None:
    elements = _structure(pdf)
    roles = [str(element["/S"]) for element in elements]

    assert roles.count("/H1") == 1
    assert {"/H2", "/H3", "/H4", "/Table", "/TH", "/Caption"} <= set(roles)
    figures = sorted(str(e["/Alt"]) for e in elements if str(e["/S"]) == "/Figure")
    assert figures == ["Reflections by agency", "Reflections over time"]


def test_pdf_embeds_dejavu(pdf: pypdf.PdfReader) -> None:
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts
    assert all("DejaVu-Sans" in font for font in fonts), fonts


def test_report_html_has_headings_charts_and_tables() -> None:
    page = report_html(DASHBOARD)

    assert page.startswith('<!doctype html><html lang="en-GB">')
    assert page.count("<h1>") == 1
    assert "<h2>Figures</h2>" in page
    assert page.count('role="img"') == 2
    assert 'class="chart chart-column"' in page
    assert 'class="chart chart-bar"' in page
    assert page.count("<caption>") == 2
    assert "<blockquote>" in page
    assert "Quotes withheld: fewer than 10 reflections." in page
    assert "style=" not in page
    assert "<script" not in page


def test_report_html_escapes_everything() -> None:
    hostile = '<img src="https://example.org/x.png">&'
    board = dashboard(
        pack_title=hostile,
        themes=(Theme("t1", hostile, (hostile,), Cell("t1", hostile, 20), 2, None, (hostile,)),),
    )
    page = report_html(board)
    assert "<img" not in page
    assert "&lt;img" in page


# --- properties: no output holds a formula trigger or a count below k -------------------------

#: What a spreadsheet reads as a number ("12", "1,234", "-3.5").
_NUMBER = re.compile(r"\s*[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)\s*")
TEXT_ALPHABET = st.characters(min_codepoint=0x20, max_codepoint=0x24F) | st.sampled_from("\t\r\n")


def hostile_text() -> st.SearchStrategy[str]:
    # Text that is only a number could not be told from a figure in a CSV: the engine's labels
    # (weeks, agencies, points, team codes), the rule and the quotes never are.
    plain = st.text(TEXT_ALPHABET, max_size=30).filter(lambda text: not _NUMBER.fullmatch(text))
    return st.one_of(
        plain,
        st.tuples(st.sampled_from(TRIGGERS), plain).map("".join),
        plain.map(lambda text: f"<r>{text}</r>"),
    )


def figures(k: int) -> st.SearchStrategy[int | None]:
    return st.one_of(st.none(), st.integers(min_value=k, max_value=10**6))


@st.composite
def cells(draw: st.DrawFn, k: int) -> Cell:
    return Cell(draw(st.text(max_size=5)), draw(hostile_text()), draw(figures(k)))


@st.composite
def tables(draw: st.DrawFn, k: int) -> Table:
    return Table(
        id=draw(st.text(max_size=8)),
        title=draw(hostile_text()),
        description=draw(hostile_text()),
        dimension=draw(st.sampled_from(["block", "agency", "point", "team"])),
        value_label=draw(hostile_text()),
        cells=tuple(draw(st.lists(cells(k), max_size=4))),
        total=Cell("total", draw(hostile_text()), draw(figures(k))),
    )


@st.composite
def themes(draw: st.DrawFn, k: int) -> Theme:
    count = draw(figures(k))
    return Theme(
        id="t1",
        label=draw(hostile_text()),
        terms=tuple(draw(st.lists(hostile_text(), max_size=3))),
        count=Cell("t1", "theme", count),
        agencies=draw(st.integers(min_value=0, max_value=12)),
        recommendation=draw(
            st.none()
            | st.builds(RecommendationMatch, st.integers(1, 9), hostile_text(), st.floats(0, 1))
        ),
        quotes=() if count is None else tuple(draw(st.lists(hostile_text(), max_size=3))),
    )


@st.composite
def minutes(draw: st.DrawFn) -> MinutesSummary:
    action = st.builds(
        ActionSummary,
        hostile_text(),
        st.none() | hostile_text(),
        st.none() | hostile_text(),
        st.none() | hostile_text(),
    )
    return MinutesSummary(
        public_id=draw(hostile_text()),
        iso_week=draw(hostile_text()),
        team_code=draw(st.none() | hostile_text()),
        planned_minutes=draw(st.none() | st.integers(0, 120)),
        points_discussed=draw(st.integers(0, 6)),
        points_total=draw(st.integers(0, 6)),
        attendance=draw(st.integers(0, 30)),
        actions=tuple(draw(st.lists(action, max_size=2))),
    )


@st.composite
def impacts(draw: st.DrawFn, k: int) -> Impact:
    by_point = draw(tables(k))
    points = tuple(
        ImpactPoint(
            cell.key,
            cell.label,
            cell,
            () if cell.value is None else tuple(draw(st.lists(hostile_text(), max_size=2))),
            () if cell.value is None else tuple(draw(st.lists(hostile_text(), max_size=2))),
        )
        for cell in by_point.cells
    )
    return Impact(
        by_point=by_point,
        by_version=draw(tables(k)),
        points=points,
        notes=tuple(draw(st.lists(hostile_text(), max_size=1))),
        pending_weeks=tuple(draw(st.lists(hostile_text(), max_size=1))),
    )


@st.composite
def dashboards(draw: st.DrawFn) -> Dashboard:
    k = draw(st.integers(min_value=5, max_value=20))
    notes = tuple(draw(st.lists(hostile_text(), max_size=2)))
    filters = AppliedFilters(
        pack_id=draw(hostile_text()),
        pack_version=draw(hostile_text()),
        week_from=draw(st.none() | hostile_text()),
        week_to=draw(st.none() | hostile_text()),
        agency=draw(st.none() | hostile_text()),
        team=draw(st.none() | hostile_text()),
        notes=notes,
    )
    return Dashboard(
        pack_id=filters.pack_id,
        pack_version=filters.pack_version,
        pack_title=draw(hostile_text()),
        partnership=draw(hostile_text()),
        filters=filters,
        k=k,
        produced_on=date(2026, 3, 2),
        retention_days=draw(st.integers(min_value=30, max_value=3650)),
        rule=draw(hostile_text()),
        headline=tuple(draw(st.lists(cells(k), max_size=3))),
        tables=tuple(draw(st.lists(tables(k), max_size=3))),
        themes=tuple(draw(st.lists(themes(k), max_size=3))),
        minutes=tuple(draw(st.lists(minutes(), max_size=2))),
        pending_weeks=tuple(draw(st.lists(hostile_text(), max_size=2))),
        impact=draw(st.none() | impacts(k)),
    )


def _as_number(text: str) -> float | None:
    """The cell as a spreadsheet would read a number from it, if it is one."""
    if not _NUMBER.fullmatch(text):
        return None
    return float(text.replace(",", ""))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dashboards())
def test_no_csv_cell_is_a_formula_or_a_count_below_k(board: Dashboard) -> None:
    for row in csv_rows(board):
        for cell in row:
            assert not cell.startswith(TRIGGERS), cell
            number = _as_number(cell)
            assert number is None or not 1 <= number < board.k, cell


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dashboards())
def test_no_xlsx_cell_is_a_formula_or_a_count_below_k(board: Dashboard) -> None:
    book = xlsx_book(board)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(TRIGGERS), cell.value
                    assert not (cell.value.startswith("<r>") and cell.value.endswith("</r>"))
                elif cell.value is not None:
                    assert isinstance(cell.value, int | float)
                    assert not 1 <= cell.value < board.k, cell.value


# --- impact ---------------------------------------------------------------------------------


def test_csv_has_an_impact_part_per_point_with_versions_and_quotes() -> None:
    rows = csv_rows(dashboard(impact=IMPACT))

    start = rows.index(["Impact: what changed in practice"])
    part = rows[start : rows.index(["Group minutes"])]
    assert [
        "Discussion point",
        "Follow-up answers",
        "Briefing version(s)",
        "Answer 1",
        "Answer 2",
    ] in part
    assert [
        "Point 1: Who else lives in the household?",
        "14",
        "versions 1.1, 1",
        "We now ask who stays over at every visit.",
        "'=cmd|' /C calc'!A0 we ring the police",
    ] in part
    assert ["Point 2: Information sharing", "fewer than 10", ""] in part
    assert ["The briefing as a whole", "11", "version 1"] in part
    assert ["Total", "25"] in part
    assert ["Version 1", "11"] in part
    assert [IMPACT.notes[0]] in part
    # Without an impact view (None), the file has no impact part at all.
    assert ["Impact: what changed in practice"] not in csv_rows(DASHBOARD)


def test_xlsx_has_an_impact_sheet() -> None:
    book = xlsx_book(dashboard(impact=IMPACT))

    assert book.sheetnames == [
        "About",
        "Reflections over time",
        "Reflections by agency",
        "Themes",
        "Impact",
        "Minutes",
        "Actions",
    ]
    rows = [row for row in book["Impact"].iter_rows(values_only=True) if any(row)]
    assert rows[0][0] == "Impact: what changed in practice"
    assert ("Point 1: Who else lives in the household?", 14, "versions 1.1, 1") == rows[
        next(i for i, row in enumerate(rows) if row[0] and str(row[0]).startswith("Point 1"))
    ][:3]
    assert any(row[:2] == ("Point 2: Information sharing", "fewer than 10") for row in rows)
    assert any(row[:2] == ("Version 1.1", 14) for row in rows)
    assert any(row[:2] == ("Total", 25) for row in rows)


def test_pdf_and_html_have_an_impact_section() -> None:
    board = dashboard(impact=IMPACT)
    page = report_html(board)

    assert "<h2>Impact: what changed in practice</h2>" in page
    assert "We now ask who stays over at every visit." in page
    assert "Answers withheld: fewer than 10 follow-up answers." in page
    assert page.index("Recurring themes") < page.index("Impact: what") < page.index("Group minutes")
    text = _flat(pypdf.PdfReader(io.BytesIO(dashboard_pdf(board))))
    assert "Impact: what changed in practice" in text and "versions 1.1, 1" in text


# --- timing (reported, not asserted) ------------------------------------------------------------


def test_report_export_times(capsys: pytest.CaptureFixture[str]) -> None:
    timings = {}
    for name, write in (
        ("csv", lambda: dashboard_csv(DASHBOARD, io.StringIO())),
        ("xlsx", lambda: dashboard_xlsx(DASHBOARD, io.BytesIO())),
        ("pdf", lambda: dashboard_pdf(DASHBOARD)),
    ):
        start = time.perf_counter()
        write()
        timings[name] = time.perf_counter() - start
    with capsys.disabled():
        print("\ndownloads: " + ", ".join(f"{n} {t * 1000:.0f} ms" for n, t in timings.items()))
