"""The lead's downloads, CSV, XLSX and a tagged PDF report, all from one Dashboard.

Every file is rendered from a :class:`bot.portal.model.Dashboard` that the disclosure engine
has already built, and computes no figure of its own: a file can show nothing the page does
not. Each file says what it is before any figure: the briefing and its version, the
partnership, the filters as the engine applied them (with its notes, e.g. a date range widened
to whole release blocks), the suppression rule, the retention period and the date produced, so
a file forwarded on its own still carries its caveats.

Safe to open, whatever practitioners wrote:

* **CSV**: every cell goes through :func:`bot.reports.export.neutralise_cell` (a leading
  ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a quote), as the raw export does.
* **XLSX**: text through :func:`bot.reports.export.xlsx_cell` and ``write_string``; released
  figures with ``write_number``, so a number can never be a formula.
* **PDF**: HTML-escaped text in a page WeasyPrint renders as PDF/UA-1 (see bot.group.pdf),
  with no URL fetched.

A bare number in any file is always a released figure (``None`` or at least k, by the engine's
contract); facts that are not figures (how many agencies a theme spans, a session's attendance)
are written with their unit ("2 agencies", "6 present"), so no reader, and no test, can take
one for a count below k. A suppressed figure is the words "fewer than k".
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import xlsxwriter

from bot.portal.charts import (
    capital,
    chart,
    data_table,
    describe,
    dimension_heading,
    element,
    fewer_than,
    figure_text,
    words,
)
from bot.portal.filters import agency_choices
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
from bot.reports.export import neutralise_cell, xlsx_cell

__all__ = [
    "PDF_VARIANT",
    "STYLESHEET",
    "dashboard_csv",
    "dashboard_pdf",
    "dashboard_xlsx",
    "metadata",
    "report_html",
]

STYLESHEET = Path(__file__).resolve().parent / "report.css"
PDF_VARIANT = "pdf/ua-1"
LANGUAGE = "en-GB"
_AUTHOR = "Reflect"


def _theme_header() -> tuple[str, ...]:
    return tuple(
        words(name)
        for name in (
            "portal_theme",
            "portal_theme_terms",
            "portal_theme_reflections",
            "portal_theme_agencies",
            "portal_theme_recommendation",
        )
    )


def _minutes_header() -> tuple[str, ...]:
    return tuple(
        words(name)
        for name in (
            "portal_minutes_id",
            "portal_minutes_week",
            "portal_minutes_team",
            "portal_minutes_planned",
            "portal_minutes_discussed",
            "portal_minutes_attendance",
        )
    )


def _action_columns() -> tuple[str, ...]:
    """The minutes documents' own headings for an action (bot/group/outline.py)."""
    return tuple(
        words(name)
        for name in (
            "minutes_action_what",
            "minutes_action_owner",
            "minutes_action_by",
            "minutes_action_measure",
        )
    )


def _actions_header() -> tuple[str, ...]:
    return (*_minutes_header()[:3], *_action_columns())


def _impact_header(impact: Impact) -> tuple[str, ...]:
    """Point, answers, versions, then one column per quote (as many as the longest point has)."""
    columns = max((len(point.quotes) for point in impact.points), default=0)
    return (
        dimension_heading("point"),
        capital(impact.by_point.value_label),
        words("portal_impact_versions"),
        *(words("portal_impact_answer", number=n) for n in range(1, columns + 1)),
    )


def _versions(versions: tuple[str, ...]) -> str:
    """Versions with the word ("version 1.0.0"), so a bare "1" never reads as a count."""
    if not versions:
        return ""
    name = "portal_impact_version_list" if len(versions) == 1 else "portal_impact_version_list_many"
    return words(name, versions=", ".join(versions))


def _impact_facts(point: ImpactPoint, k: int) -> tuple[str, ...]:
    return (point.label, figure_text(point.count, k), _versions(point.versions), *point.quotes)


def _impact_intro(impact: Impact) -> tuple[str, ...]:
    """What the impact part is and how its weeks were applied, one sentence a line."""
    lines = [words("portal_impact_about")]
    lines.extend(impact.notes)
    if impact.pending_weeks:
        lines.append(words("portal_fact_pending") + ": " + ", ".join(impact.pending_weeks))
    return tuple(lines)


# --- what every file says first ----------------------------------------------------------


def _weeks(filters: AppliedFilters) -> str:
    if filters.week_from is None and filters.week_to is None:
        return words("portal_weeks_all")
    start = filters.week_from or words("portal_weeks_from_start")
    end = filters.week_to or words("portal_weeks_to_latest")
    return words("portal_weeks_range", start=start, end=end)


def _agency(agency: str | None) -> str:
    """The agency filter as leads know it ("Police"), or "All agencies"."""
    if agency is None:
        return words("portal_agency_all")
    return dict(agency_choices(None)).get(agency, agency)


def metadata(dashboard: Dashboard) -> tuple[tuple[str, str], ...]:
    """What the file is, as (label, value) pairs, in the order every file prints them."""
    filters = dashboard.filters
    rows: list[tuple[str, str]] = [
        (words("portal_fact_briefing"), dashboard.pack_title),
        (words("portal_fact_briefing_id"), dashboard.pack_id),
        (words("portal_fact_version"), dashboard.pack_version),
        (words("portal_fact_partnership"), dashboard.partnership),
        (words("portal_fact_weeks"), _weeks(filters)),
        (words("portal_fact_agency"), _agency(filters.agency)),
        (words("portal_fact_team"), filters.team or words("portal_team_all")),
    ]
    rows.extend((words("portal_fact_note"), note) for note in filters.notes)
    rows.append((words("portal_fact_rule"), dashboard.rule))
    if dashboard.pending_weeks:
        rows.append((words("portal_fact_pending"), ", ".join(dashboard.pending_weeks)))
    rows.append((words("portal_fact_retention"), _days(dashboard.retention_days)))
    rows.append((words("portal_fact_produced"), dashboard.produced_on.isoformat()))
    return tuple(rows)


def _days(days: int) -> str:
    return words("portal_days_one") if days == 1 else words("portal_days", days=f"{days:,}")


def _title(dashboard: Dashboard) -> str:
    return words("portal_report_title", briefing_title=dashboard.pack_title)


def _recommendation(match: RecommendationMatch | None) -> str:
    """The matched recommendation by number and title, without saying "Recommendation" twice.

    The pack's titles may be only "Recommendation one"; then the title alone says it.
    """
    if match is None:
        return words("portal_recommendation_none")
    if match.title.lower().startswith(words("portal_theme_recommendation").lower()):
        return match.title
    return words("portal_recommendation", number=match.number, title=match.title)


def _agencies(count: int) -> str:
    if count == 1:
        return words("portal_agencies_one")
    return words("portal_agencies", count=f"{count:,}")


def _team(code: str | None) -> str:
    return code or words("portal_team_none")


def _planned(minutes: int | None) -> str:
    return "" if minutes is None else words("portal_planned", minutes=minutes)


def _discussed(summary: MinutesSummary) -> str:
    return words("portal_discussed", discussed=summary.points_discussed, total=summary.points_total)


def _present(count: int | None, k: int) -> str:
    if count is None:  # never per session in the portal (see bot.portal.dashboard)
        return words("portal_attendance_not_per_session")
    return words("portal_present", count=count)


def _quote_headers(dashboard: Dashboard) -> tuple[str, ...]:
    columns = max((len(theme.quotes) for theme in dashboard.themes), default=0)
    return tuple(words("portal_theme_quote", number=n) for n in range(1, columns + 1))


# --- CSV ---------------------------------------------------------------------------------


def _csv_rows(dashboard: Dashboard) -> Iterator[tuple[str, ...]]:
    """Every row of the CSV as text, before neutralising."""
    k = dashboard.k
    yield (_title(dashboard),)
    yield from metadata(dashboard)
    if dashboard.headline:
        yield ()
        yield (words("portal_heading_headline"),)
        yield from ((cell.label, figure_text(cell, k)) for cell in dashboard.headline)
    for table in dashboard.tables:
        yield ()
        yield (table.title,)
        if table.description:
            yield (table.description,)
        yield (dimension_heading(table.dimension), capital(table.value_label))
        yield from ((cell.label, figure_text(cell, k)) for cell in table.cells)
        yield (table.total.label, figure_text(table.total, k))
    yield ()
    yield from _csv_themes(dashboard)
    if dashboard.impact is not None:
        yield ()
        yield from _csv_impact(dashboard.impact, k)
    yield ()
    yield from _csv_minutes(dashboard)


def _csv_impact(impact: Impact, k: int) -> Iterator[tuple[str, ...]]:
    """The impact part: one row per point (answers, versions, quotes), then by version."""
    yield (words("portal_heading_impact"),)
    yield from ((line,) for line in _impact_intro(impact))
    yield _impact_header(impact)
    yield from (_impact_facts(point, k) for point in impact.points)
    yield (impact.by_point.total.label, figure_text(impact.by_point.total, k))
    table = impact.by_version
    yield ()
    yield (table.title,)
    yield (dimension_heading(table.dimension), capital(table.value_label))
    yield from ((cell.label, figure_text(cell, k)) for cell in table.cells)
    yield (table.total.label, figure_text(table.total, k))


def _csv_themes(dashboard: Dashboard) -> Iterator[tuple[str, ...]]:
    yield (words("portal_sheet_themes"),)
    yield (*_theme_header(), *_quote_headers(dashboard))
    for theme in dashboard.themes:
        yield (*_theme_facts(theme, dashboard.k), *theme.quotes)


def _theme_facts(theme: Theme, k: int) -> tuple[str, ...]:
    return (
        theme.label,
        ", ".join(theme.terms),
        figure_text(theme.count, k),
        _agencies(theme.agencies),
        _recommendation(theme.recommendation),
    )


def _minutes_facts(summary: MinutesSummary, k: int) -> tuple[str, ...]:
    return (
        summary.public_id,
        summary.iso_week,
        _team(summary.team_code),
        _planned(summary.planned_minutes),
        _discussed(summary),
        _present(summary.attendance, k),
    )


def _action_facts(summary: MinutesSummary, action: ActionSummary) -> tuple[str, ...]:
    return (
        summary.public_id,
        summary.iso_week,
        _team(summary.team_code),
        action.what,
        action.owner_role or "",
        action.by_when or "",
        action.measure or "",
    )


def _csv_minutes(dashboard: Dashboard) -> Iterator[tuple[str, ...]]:
    yield (words("portal_heading_minutes"),)
    yield _minutes_header()
    yield from (_minutes_facts(summary, dashboard.k) for summary in dashboard.minutes)
    yield ()
    yield (words("minutes_heading_actions"),)
    yield _actions_header()
    for summary in dashboard.minutes:
        yield from (_action_facts(summary, action) for action in summary.actions)


def dashboard_csv(dashboard: Dashboard, out: TextIO) -> None:
    """Write the dashboard as one CSV: metadata, each table, themes, impact, minutes, actions.

    Sections are separated by an empty row and start with a title row, so the file reads top
    to bottom in a spreadsheet. ``out`` should be opened with ``newline=""`` when it is a file.
    """
    writer = csv.writer(out)
    writer.writerows(tuple(neutralise_cell(cell) for cell in row) for row in _csv_rows(dashboard))


# --- XLSX --------------------------------------------------------------------------------

_SHEET_NAME_LIMIT = 31
#: What Excel forbids in a sheet name, plus what XML 1.0 cannot carry at all: XlsxWriter writes
#: the name unescaped, and U+FFFE / U+FFFF made the file unreadable (found by fuzzing).
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f\ufffe\uffff]")


def _fixed_sheets() -> tuple[str, str, str, str, str]:
    return (
        words("portal_sheet_about"),
        words("portal_sheet_themes"),
        words("portal_sheet_minutes"),
        words("portal_sheet_actions"),
        words("portal_sheet_impact"),
    )


def _sheet_names(tables: tuple[Table, ...]) -> list[str]:
    """A valid, unique worksheet name per table, from its title (Excel's rules).

    At most 31 characters, none of the characters Excel forbids (brackets, colon, asterisk,
    question mark, slashes), not starting or ending with an apostrophe, unique ignoring case,
    and never one of the fixed sheets' names (or Excel's reserved "History").
    """
    taken = {name.lower() for name in _fixed_sheets()} | {"history"}
    names = []
    for number, table in enumerate(tables, start=1):
        base = " ".join(_BAD_SHEET_CHARS.sub(" ", table.title).split())
        base = _fit(base.strip("'"), _SHEET_NAME_LIMIT).strip().strip("'").strip()
        base = base or words("portal_sheet_table", number=number)
        name = base
        suffix = 2
        while name.lower() in taken:
            tail = f" ({suffix})"
            name = _fit(base, _SHEET_NAME_LIMIT - len(tail)).rstrip().rstrip("'") + tail
            suffix += 1
        taken.add(name.lower())
        names.append(name)
    return names


def _fit(text: str, limit: int) -> str:
    """The longest prefix of ``text`` within ``limit`` UTF-16 code units.

    Excel (and XlsxWriter's check) counts a sheet name's length in UTF-16, where an emoji is
    two: cutting at 31 code points let a title of emoji crash the XLSX (found by fuzzing).
    """
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


class _Sheet:
    """One worksheet: strings through xlsx_cell, figures as numbers, widths from the content."""

    def __init__(self, workbook: Any, name: str, formats: dict[str, Any], k: int) -> None:
        self.sheet = workbook.add_worksheet(name)
        self.formats = formats
        self.k = k
        self.widths: dict[int, int] = {}

    def text(self, row: int, col: int, value: str, style: str = "wrap") -> None:
        self.sheet.write_string(row, col, xlsx_cell(value), self.formats[style])
        longest = max((len(line) for line in value.splitlines()), default=0)
        self.widths[col] = max(self.widths.get(col, 0), longest)

    def note(self, row: int, value: str, style: str = "plain") -> None:
        """A title or sentence in column A that may run on into the empty cells beside it."""
        self.sheet.write_string(row, 0, xlsx_cell(value), self.formats[style])

    def figure(self, row: int, col: int, cell: Cell, *, bold: bool = False) -> None:
        """A released figure as a number; a suppressed one as the words."""
        if cell.value is None:
            self.text(row, col, fewer_than(self.k), "bold" if bold else "wrap")
        else:
            style = "bold_figure" if bold else "figure"
            self.sheet.write_number(row, col, cell.value, self.formats[style])
            self.widths[col] = max(self.widths.get(col, 0), len(f"{cell.value:,}"))

    def row(self, row: int, values: tuple[str, ...], style: str = "wrap") -> None:
        for col, value in enumerate(values):
            self.text(row, col, value, style)

    def finish(self, *, freeze_row: int, maximum: int = 80) -> None:
        """Readable column widths (from the longest line, within bounds) and frozen headers."""
        for col, width in self.widths.items():
            self.sheet.set_column(col, col, min(max(width + 2, 10), maximum))
        self.sheet.freeze_panes(freeze_row, 0)


def _formats(workbook: Any) -> dict[str, Any]:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "plain": workbook.add_format({"valign": "top"}),
        "bold": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "figure": workbook.add_format({"num_format": "#,##0", "valign": "top"}),
        "bold_figure": workbook.add_format({"num_format": "#,##0", "bold": True}),
    }


def _about_sheet(sheet: _Sheet, dashboard: Dashboard) -> None:
    sheet.note(0, _title(dashboard), "title")
    row = 2
    for label, value in metadata(dashboard):
        sheet.text(row, 0, label, "bold")
        sheet.text(row, 1, value)
        row += 1
    if dashboard.headline:
        row += 1
        sheet.text(row, 0, words("portal_heading_headline"), "bold")
        row += 1
        for cell in dashboard.headline:
            sheet.text(row, 0, cell.label)
            sheet.figure(row, 1, cell)
            row += 1
    sheet.finish(freeze_row=1, maximum=100)


def _table_sheet(sheet: _Sheet, table: Table, dashboard: Dashboard) -> None:
    sheet.note(0, table.title, "title")
    sheet.note(1, table.description)
    sheet.note(2, dashboard.rule)
    header = 4
    sheet.row(header, (dimension_heading(table.dimension), capital(table.value_label)), "bold")
    row = header + 1
    for cell in table.cells:
        sheet.text(row, 0, cell.label)
        sheet.figure(row, 1, cell)
        row += 1
    sheet.text(row, 0, table.total.label, "bold")
    sheet.figure(row, 1, table.total, bold=True)
    sheet.finish(freeze_row=header + 1)


def _themes_sheet(sheet: _Sheet, dashboard: Dashboard) -> None:
    sheet.row(0, (*_theme_header(), *_quote_headers(dashboard)), "bold")
    for row, theme in enumerate(dashboard.themes, start=1):
        facts = _theme_facts(theme, dashboard.k)
        for col, value in enumerate(facts):
            if col == _THEME_COUNT_COLUMN:
                sheet.figure(row, col, theme.count)
            else:
                sheet.text(row, col, value)
        for col, quote in enumerate(theme.quotes, start=len(facts)):
            sheet.text(row, col, quote)
    sheet.finish(freeze_row=1, maximum=60)


#: Where a theme's released count sits in :func:`_theme_facts` (written as a number in XLSX).
_THEME_COUNT_COLUMN = 2


def _impact_sheet(sheet: _Sheet, impact: Impact, dashboard: Dashboard) -> None:
    """One sheet: what it is, a row per point (answers as a number), the total, by version."""
    sheet.note(0, words("portal_heading_impact"), "title")
    row = 1
    for line in (*_impact_intro(impact), dashboard.rule):
        sheet.note(row, line)
        row += 1
    header = row + 1
    sheet.row(header, _impact_header(impact), "bold")
    row = header + 1
    for point in impact.points:
        facts = _impact_facts(point, dashboard.k)
        for col, value in enumerate(facts):
            if col == 1:
                sheet.figure(row, col, point.count)
            else:
                sheet.text(row, col, value)
        row += 1
    sheet.text(row, 0, impact.by_point.total.label, "bold")
    sheet.figure(row, 1, impact.by_point.total, bold=True)
    table = impact.by_version
    row += 2
    sheet.text(row, 0, table.title, "bold")
    row += 1
    sheet.row(row, (dimension_heading(table.dimension), capital(table.value_label)), "bold")
    for cell in table.cells:
        row += 1
        sheet.text(row, 0, cell.label)
        sheet.figure(row, 1, cell)
    row += 1
    sheet.text(row, 0, table.total.label, "bold")
    sheet.figure(row, 1, table.total, bold=True)
    sheet.finish(freeze_row=header + 1, maximum=60)


def _minutes_sheets(minutes: _Sheet, actions: _Sheet, dashboard: Dashboard) -> None:
    minutes.row(0, _minutes_header(), "bold")
    for row, summary in enumerate(dashboard.minutes, start=1):
        minutes.row(row, _minutes_facts(summary, dashboard.k))
    minutes.finish(freeze_row=1)
    actions.row(0, _actions_header(), "bold")
    row = 1
    for summary in dashboard.minutes:
        for action in summary.actions:
            actions.row(row, _action_facts(summary, action))
            row += 1
    actions.finish(freeze_row=1, maximum=60)


def dashboard_xlsx(dashboard: Dashboard, out: BinaryIO) -> None:
    """Write the dashboard as a workbook: About, a sheet a table, Themes, Impact, Minutes, Actions.

    Text is never interpreted: XlsxWriter's guessing is off, every string goes through
    ``xlsx_cell`` and ``write_string``, and only released figures are written as numbers.
    """
    workbook = xlsxwriter.Workbook(
        out,
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        workbook.set_properties({"title": _title(dashboard), "author": _AUTHOR})
        formats = _formats(workbook)
        k = dashboard.k
        about, themes, minutes, actions, impact = _fixed_sheets()
        _about_sheet(_Sheet(workbook, about, formats, k), dashboard)
        for name, table in zip(_sheet_names(dashboard.tables), dashboard.tables, strict=True):
            _table_sheet(_Sheet(workbook, name, formats, k), table, dashboard)
        _themes_sheet(_Sheet(workbook, themes, formats, k), dashboard)
        if dashboard.impact is not None:
            _impact_sheet(_Sheet(workbook, impact, formats, k), dashboard.impact, dashboard)
        _minutes_sheets(
            _Sheet(workbook, minutes, formats, k), _Sheet(workbook, actions, formats, k), dashboard
        )
    finally:
        workbook.close()


# --- PDF ---------------------------------------------------------------------------------


@cache
def _css() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _facts(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(
        element("tr", element("th", _esc(label), scope="row") + element("td", _esc(value)))
        for label, value in rows
    )
    return element("table", element("tbody", body), class_="facts")


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _figures_html(dashboard: Dashboard) -> str:
    k = dashboard.k
    parts = [element("h2", _esc(words("portal_heading_figures")))]
    if dashboard.headline:
        rows = [(cell.label, figure_text(cell, k)) for cell in dashboard.headline]
        heading = element("h3", _esc(words("portal_heading_headline")))
        parts.append(element("section", heading + _facts(rows)))
    parts.extend(_figure_block(table, k) for table in dashboard.tables)
    return "".join(parts)


def _theme_html(theme: Theme, k: int) -> str:
    labels = _theme_header()
    facts = _facts(
        [
            (labels[2], figure_text(theme.count, k)),
            (labels[3], _agencies(theme.agencies)),
            (labels[1], ", ".join(theme.terms)),
            (labels[4], _recommendation(theme.recommendation)),
        ]
    )
    if theme.quotes:
        quotes = element("h4", _esc(words("portal_heading_quotes"))) + "".join(
            element("blockquote", element("p", _esc(quote))) for quote in theme.quotes
        )
    elif theme.count.suppressed:
        withheld = words("portal_quotes_withheld", fewer_than=fewer_than(k))
        quotes = element("p", _esc(withheld))
    else:
        quotes = element("p", _esc(words("portal_quotes_none")))
    return element("section", element("h3", _esc(theme.label)) + facts + quotes, class_="theme")


def _themes_html(dashboard: Dashboard) -> str:
    parts = [element("h2", _esc(words("portal_heading_themes")))]
    if not dashboard.themes:
        parts.append(element("p", _esc(words("portal_themes_none"))))
    parts.extend(_theme_html(theme, dashboard.k) for theme in dashboard.themes)
    return "".join(parts)


def _figure_block(table: Table, k: int, heading: str = "h3") -> str:
    """A chart with its caption, then its data table, under the table's title."""
    figure = element(
        "figure", chart(table, k=k) + element("figcaption", _esc(describe(table, k=k)))
    )
    return element(
        "section",
        element(heading, _esc(table.title)) + figure + data_table(table, k=k),
        class_="figure-block",
    )


def _impact_point_html(point: ImpactPoint, k: int) -> str:
    rows = [(capital(words("portal_value_followups")), figure_text(point.count, k))]
    if point.versions:
        rows.append((words("portal_impact_versions"), _versions(point.versions)))
    if point.quotes:
        quotes = element("h4", _esc(words("portal_heading_quotes"))) + "".join(
            element("blockquote", element("p", _esc(quote))) for quote in point.quotes
        )
    elif point.count.suppressed:
        quotes = element(
            "p", _esc(words("portal_impact_quotes_withheld", fewer_than=fewer_than(k)))
        )
    else:
        quotes = element("p", _esc(words("portal_quotes_none")))
    body = element("h3", _esc(point.label)) + _facts(rows) + quotes
    return element("section", body, class_="impact-point")


def _impact_html(dashboard: Dashboard) -> str:
    impact = dashboard.impact
    if impact is None:
        return ""
    k = dashboard.k
    parts = [element("h2", _esc(words("portal_heading_impact")))]
    parts.extend(element("p", _esc(line)) for line in _impact_intro(impact))
    if impact.by_point.total.suppressed:
        parts.append(element("p", _esc(words("portal_impact_none"))))
    parts.append(_figure_block(impact.by_point, k))
    parts.extend(_impact_point_html(point, k) for point in impact.points)
    parts.append(_figure_block(impact.by_version, k))
    return element("section", "".join(parts), class_="impact")


def _actions_table(actions: tuple[ActionSummary, ...]) -> str:
    header = "".join(element("th", _esc(name), scope="col") for name in _action_columns())
    rows = "".join(
        element(
            "tr",
            "".join(
                element("td", _esc(value or ""))
                for value in (action.what, action.owner_role, action.by_when, action.measure)
            ),
        )
        for action in actions
    )
    body = element("thead", element("tr", header)) + element("tbody", rows)
    return element("table", body, class_="actions")


def _one_minutes_html(summary: MinutesSummary, k: int) -> str:
    labels = _minutes_header()
    facts = _facts(
        zip(
            labels,
            (
                summary.public_id,
                summary.iso_week,
                _team(summary.team_code),
                _planned(summary.planned_minutes) or words("portal_planned_none"),
                _discussed(summary),
                _present(summary.attendance, k),
            ),
            strict=True,
        )
    )
    if summary.actions:
        heading = element("h4", _esc(words("minutes_heading_actions")))
        actions = heading + _actions_table(summary.actions)
    else:
        actions = element("p", _esc(words("minutes_no_actions")))
    title = words("portal_minutes_heading", week=summary.iso_week, team=_team(summary.team_code))
    return element("section", element("h3", _esc(title)) + facts + actions, class_="minutes")


def _minutes_html(dashboard: Dashboard) -> str:
    parts = [element("h2", _esc(words("portal_heading_minutes")))]
    if not dashboard.minutes:
        parts.append(element("p", _esc(words("portal_minutes_none"))))
    parts.extend(_one_minutes_html(summary, dashboard.k) for summary in dashboard.minutes)
    return "".join(parts)


def report_html(dashboard: Dashboard) -> str:
    """The report as one HTML page: h1 to h4, the facts, charts, themes, impact and minutes."""
    head = (
        element("meta", charset="utf-8")
        + element("title", _esc(_title(dashboard)))
        + element("meta", name="author", content=_AUTHOR)
    )
    subtitle = words("portal_report_subtitle", pack_version=dashboard.pack_version)
    intro = (
        element("h1", _esc(dashboard.pack_title))
        + element("p", _esc(subtitle), class_="lead")
        + element("h2", _esc(words("portal_heading_about")))
        + _facts(metadata(dashboard))
    )
    sections = (
        _figures_html(dashboard)
        + _themes_html(dashboard)
        + _impact_html(dashboard)
        + _minutes_html(dashboard)
    )
    closing = words(
        "portal_report_footer", rule=dashboard.rule, date=_long_date(dashboard.produced_on)
    )
    body = element("main", intro + sections) + element("footer", element("p", _esc(closing)))
    page = element("html", element("head", head) + element("body", body), lang=LANGUAGE)
    return "<!doctype html>" + page


def dashboard_pdf(dashboard: Dashboard) -> bytes:
    """The report as the bytes of a tagged PDF/UA-1 file (a few hundred milliseconds).

    As bot.group.pdf: WeasyPrint writes the structure tree from the HTML's own elements, the
    document language and title come from ``<html lang>`` and ``<title>``, DejaVu Sans is
    embedded, and no URL of any scheme is fetched. Each chart is a tagged Figure whose
    alternative text is the chart's title; its description is the visible caption and its
    figures the data table under it.
    """
    from weasyprint import CSS, HTML  # about a second to import: only when a PDF is wanted
    from weasyprint.urls import URLFetcher

    refuse_all = URLFetcher(allowed_protocols=frozenset())  # no URL scheme is allowed
    stylesheet = CSS(string=_css(), url_fetcher=refuse_all)
    page = HTML(string=report_html(dashboard), url_fetcher=refuse_all)
    pdf: bytes = page.write_pdf(stylesheets=[stylesheet], pdf_variant=PDF_VARIANT)
    return pdf
