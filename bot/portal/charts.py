"""Accessible SVG charts of a released table, and the data table that goes beside each.

A chart is drawn from a :class:`bot.portal.model.Table` and nothing else, so it can show no
more than the disclosure engine released. The same markup goes in the portal page and in the
PDF report (bot.portal.downloads), so both follow WCAG 2.2 AA:

* ``role="img"`` with ``aria-labelledby`` naming a ``<title>`` and a ``<desc>`` whose ids
  derive from the table id; the description says in words what is counted, which category is
  largest and how many are "fewer than k", and the :func:`data_table` beside the chart gives
  every figure, so nobody needs to see the bars;
* every word is a real ``<text>`` element (searchable, selectable, tagged in the PDF), every
  text HTML-escaped;
* a suppressed figure is drawn as an empty dashed outline labelled "fewer than 10" (with the
  configured k), never as a bar of some length;
* colours reach 3:1 against white for bars and outlines and 4.5:1 for text (contrast ratios
  are checked in the tests);
* a ``viewBox`` and no width, so the chart scales to its container; no script, no link, no
  external reference, and no ``style`` attribute, which the portal's Content Security Policy
  forbids: only presentation attributes such as ``fill``.

Output is a pure function of the table and k: the same table gives the same bytes.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from bot.portal.model import Cell, Table

__all__ = [
    "BAR_FILL",
    "OUTLINE",
    "TEXT_FILL",
    "TIME_DIMENSIONS",
    "bar_chart",
    "chart",
    "column_chart",
    "data_table",
    "dimension_heading",
    "fewer_than",
    "figure_text",
]

#: Bars: dark blue, 8.6:1 against white.
BAR_FILL = "#1f4e79"
#: The outline of a suppressed figure and the axis: dark grey, 7:1 against white.
OUTLINE = "#595959"
#: All text: near black, 17:1 against white.
TEXT_FILL = "#1a1a1a"
BACKGROUND = "#ffffff"
FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"

#: Table dimensions that are time, drawn as columns in order rather than as bars.
TIME_DIMENSIONS: frozenset[str] = frozenset({"block", "week", "iso_week"})

#: Readable column headings for the dimensions the engine breaks figures down by.
_DIMENSION_HEADINGS = {
    "block": "Weeks",
    "week": "Week",
    "iso_week": "Week",
    "agency": "Agency",
    "point": "Discussion point",
    "team": "Team",
    "theme": "Theme",
}

# Geometry, in viewBox units (about pixels at the portal's width).
_WIDTH = 640
_MARGIN = 8
_LABEL_SIZE = 14
_VALUE_SIZE = 13
_LINE = 18
_BAR_HEIGHT = 20
_ROW_GAP = 12
_VALUE_SPACE = 120
_LABEL_CHARS = 70
_SUPPRESSED_LENGTH = 40
_COLUMN_PITCH = 64
_COLUMN_WIDTH = 40
_PLOT_HEIGHT = 200
_CHAR_WIDTH = 7.5


def fewer_than(k: int) -> str:
    """The words every output uses for a suppressed figure."""
    return f"fewer than {k}"


def figure_text(cell: Cell, k: int) -> str:
    """A released figure as text ("1,234"), or the words for a suppressed one."""
    return fewer_than(k) if cell.value is None else f"{cell.value:,}"


def dimension_heading(dimension: str) -> str:
    """A readable heading for a table's dimension ("point" → "Discussion point")."""
    known = _DIMENSION_HEADINGS.get(dimension)
    if known is not None:
        return known
    words = dimension.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def _num(value: float) -> str:
    """A coordinate with at most one decimal, so output is stable and short."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _ids(table: Table) -> tuple[str, str]:
    base = "chart-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", table.id).strip("-") or "table")
    return f"{base}-title", f"{base}-desc"


def _describe(table: Table, k: int) -> str:
    """The chart in words: what is counted, the largest category, how many are suppressed."""
    parts = [table.description.strip()] if table.description.strip() else []
    counted = f"{table.value_label} by {dimension_heading(table.dimension).lower()}"
    if not table.cells:
        parts.append(f"No {counted} to show.")
        return " ".join(parts)
    parts.append(f"{counted[:1].upper() + counted[1:]}, {len(table.cells)} shown.")
    released = [cell for cell in table.cells if cell.value is not None]
    if released:
        top = max(released, key=lambda cell: cell.value or 0)  # first of equals
        parts.append(f"The largest is {top.label} with {top.value:,}.")
    suppressed = len(table.cells) - len(released)
    if suppressed:
        parts.append(f"{suppressed} of {len(table.cells)} {fewer_than(k)}, shown without a figure.")
    parts.append(f"{table.total.label}: {figure_text(table.total, k)}.")
    return " ".join(parts)


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    lines: tuple[str, ...]
    size: int
    anchor: str = "start"
    rotate: int = 0
    weight: str = "normal"

    def svg(self) -> str:
        attrs = (
            f'x="{_num(self.x)}" y="{_num(self.y)}" font-size="{self.size}" '
            f'fill="{TEXT_FILL}" text-anchor="{self.anchor}"'
        )
        if self.weight != "normal":
            attrs += f' font-weight="{self.weight}"'
        if self.rotate:
            attrs += f' transform="rotate({self.rotate} {_num(self.x)} {_num(self.y)})"'
        if len(self.lines) == 1:
            return f"<text {attrs}>{_text(self.lines[0])}</text>"
        spans = "".join(
            f'<tspan x="{_num(self.x)}" dy="{0 if index == 0 else _LINE}">{_text(line)}</tspan>'
            for index, line in enumerate(self.lines)
        )
        return f"<text {attrs}>{spans}</text>"


def _rect(x: float, y: float, width: float, height: float, *, suppressed: bool) -> str:
    geometry = f'x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" height="{_num(height)}"'
    if suppressed:
        return (
            f'<rect {geometry} fill="{BACKGROUND}" stroke="{OUTLINE}" stroke-width="1.5" '
            'stroke-dasharray="4 3"/>'
        )
    return f'<rect {geometry} fill="{BAR_FILL}"/>'


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
        f'stroke="{OUTLINE}" stroke-width="1"/>'
    )


def _svg(table: Table, k: int, *, kind: str, width: float, height: float, body: str) -> str:
    title_id, desc_id = _ids(table)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="{FONT_FAMILY}">'
        f'<title id="{title_id}">{_text(table.title)}</title>'
        f'<desc id="{desc_id}">{_text(_describe(table, k))}</desc>'
        f"{body}</svg>"
    )


def _scale(cells: Iterable[Cell]) -> int:
    return max((cell.value or 0 for cell in cells), default=0) or 1


def _wrap(label: str, width: int) -> tuple[str, ...]:
    lines = textwrap.wrap(label, width=width, break_long_words=True, break_on_hyphens=False)
    return tuple(lines) or ("",)


def _empty_body(table: Table) -> tuple[str, float]:
    note = _Text(_MARGIN, _MARGIN + _LABEL_SIZE, (f"No {table.value_label} to show.",), 14)
    return note.svg(), _MARGIN * 2 + _LINE


def bar_chart(table: Table, *, k: int) -> str:
    """The table as horizontal bars, one per category, each label above its bar.

    Labels sit on their own line (wrapped, never cut), so a long agency name or discussion
    point needs no truncation; each bar carries its figure, or "fewer than k" beside an empty
    outline.
    """
    if not table.cells:
        body, height = _empty_body(table)
        return _svg(table, k, kind="bar", width=_WIDTH, height=height, body=body)
    plot = _WIDTH - 2 * _MARGIN - _VALUE_SPACE
    scale = _scale(table.cells)
    parts: list[str] = []
    y = float(_MARGIN)
    top = y
    for cell in table.cells:
        lines = _wrap(cell.label, _LABEL_CHARS)
        parts.append(_Text(_MARGIN, y + _LABEL_SIZE, lines, _LABEL_SIZE).svg())
        y += len(lines) * _LINE + 2
        if cell.value is None:
            length = float(_SUPPRESSED_LENGTH)
            parts.append(_rect(_MARGIN, y, length, _BAR_HEIGHT, suppressed=True))
        else:
            length = plot * cell.value / scale
            if length > 0:
                parts.append(_rect(_MARGIN, y, length, _BAR_HEIGHT, suppressed=False))
        value_y = y + _BAR_HEIGHT / 2 + _VALUE_SIZE * 0.35
        value = _Text(_MARGIN + length + 6, value_y, (figure_text(cell, k),), _VALUE_SIZE)
        parts.append(value.svg())
        y += _BAR_HEIGHT + _ROW_GAP
    parts.append(_line(_MARGIN, top, _MARGIN, y - _ROW_GAP))
    return _svg(table, k, kind="bar", width=_WIDTH, height=y, body="".join(parts))


def column_chart(table: Table, *, k: int) -> str:
    """The table as vertical columns in the order given (release blocks, oldest first).

    Category labels run at 45 degrees under the columns so a long run of weeks stays legible;
    a suppressed column is an empty dashed outline with "fewer than / k" above it on two lines.
    """
    if not table.cells:
        body, height = _empty_body(table)
        return _svg(table, k, kind="column", width=_WIDTH, height=height, body=body)
    count = len(table.cells)
    # A label at 45 degrees reaches as far left of its column as it reaches down.
    reach = min(max(len(cell.label) for cell in table.cells), _LABEL_CHARS) * _CHAR_WIDTH * 0.72
    left_pad = max(float(_MARGIN), reach - _COLUMN_PITCH / 2 + _MARGIN)
    width = max(_WIDTH, left_pad + count * _COLUMN_PITCH + _MARGIN)
    pitch = (width - left_pad - _MARGIN) / count
    label_depth = reach + _LABEL_SIZE + 8
    top = _MARGIN + 2 * _LINE + 4  # room for a two-line "fewer than / k"
    base = top + _PLOT_HEIGHT
    scale = _scale(table.cells)
    parts: list[str] = []
    for index, cell in enumerate(table.cells):
        centre = left_pad + pitch * index + pitch / 2
        left = centre - _COLUMN_WIDTH / 2
        if cell.value is None:
            height = float(_SUPPRESSED_LENGTH)
            parts.append(_rect(left, base - height, _COLUMN_WIDTH, height, suppressed=True))
            lines: tuple[str, ...] = ("fewer than", str(k))
        else:
            height = _PLOT_HEIGHT * cell.value / scale
            if height > 0:
                parts.append(_rect(left, base - height, _COLUMN_WIDTH, height, suppressed=False))
            lines = (figure_text(cell, k),)
        label_y = base - height - 6 - (len(lines) - 1) * _LINE
        parts.append(_Text(centre, label_y, lines, _VALUE_SIZE, anchor="middle").svg())
        category = _Text(
            centre + 4, base + _LABEL_SIZE + 2, (cell.label,), _LABEL_SIZE, anchor="end", rotate=-45
        )
        parts.append(category.svg())
    parts.append(_line(left_pad, base, width - _MARGIN, base))
    height_total = base + label_depth + _MARGIN
    return _svg(table, k, kind="column", width=width, height=height_total, body="".join(parts))


def chart(table: Table, *, k: int) -> str:
    """The chart that suits the table: columns over time, bars for categories."""
    if table.dimension in TIME_DIMENSIONS:
        return column_chart(table, k=k)
    return bar_chart(table, k=k)


def data_table(table: Table, *, k: int) -> str:
    """The table's figures as an HTML ``<table>``: caption, header cells with scope, total row.

    The accessible equivalent of the chart beside it: a screen reader user reads this, not
    the bars. A suppressed figure reads "fewer than k".
    """
    title_id, _ = _ids(table)
    head = (
        "<thead><tr>"
        f'<th scope="col">{_text(dimension_heading(table.dimension))}</th>'
        f'<th scope="col" class="num">{_text(table.value_label[:1].upper())}'
        f"{_text(table.value_label[1:])}</th>"
        "</tr></thead>"
    )
    rows = "".join(_row(cell, k) for cell in table.cells)
    foot = f"<tfoot>{_row(table.total, k, total=True)}</tfoot>"
    return (
        f'<table class="data-table" id="{title_id[: -len("-title")]}-data">'
        f"<caption>{_text(table.title)}</caption>{head}<tbody>{rows}</tbody>{foot}</table>"
    )


def _row(cell: Cell, k: int, *, total: bool = False) -> str:
    classes = "num suppressed" if cell.value is None else "num"
    row_class = ' class="total"' if total else ""
    return (
        f'<tr{row_class}><th scope="row">{_text(cell.label)}</th>'
        f'<td class="{classes}">{_text(figure_text(cell, k))}</td></tr>'
    )
