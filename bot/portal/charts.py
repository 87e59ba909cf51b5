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

from bot.content.messages import render
from bot.portal.model import Cell, Table

__all__ = [
    "BAR_FILL",
    "MAX_COLUMNS",
    "OUTLINE",
    "TEXT_FILL",
    "TIME_DIMENSIONS",
    "bar_chart",
    "capital",
    "chart",
    "column_chart",
    "data_table",
    "describe",
    "dimension_heading",
    "element",
    "fewer_than",
    "figure_text",
    "words",
]

#: Bars: dark blue, 8.6:1 against white.
BAR_FILL = "#1f4e79"
#: The outline of a suppressed figure and the axis: dark grey, 7:1 against white.
OUTLINE = "#595959"
#: All text: near black, 17:1 against white.
TEXT_FILL = "#1a1a1a"
BACKGROUND = "#ffffff"
#: The PDF embeds DejaVu Sans (scripts/ensure-fonts.sh); browsers fall back to their sans-serif.
FONT_FAMILY = ", ".join(("DejaVu Sans", "sans-serif"))
SVG_NAMESPACE = "http://www.w3.org/2000/svg"

#: Table dimensions that are time, drawn as columns in order rather than as bars.
TIME_DIMENSIONS: frozenset[str] = frozenset({"block", "week", "iso_week"})

#: The most periods drawn as columns by :func:`chart`; a longer run of weeks is drawn as bars.
MAX_COLUMNS = 12

#: Dimensions with a worded heading (bot/content/messages.yml), by message name.
_DIMENSION_MESSAGES = {
    "block": "portal_dimension_block",
    "week": "portal_dimension_week",
    "iso_week": "portal_dimension_week",
    "agency": "portal_dimension_agency",
    "point": "portal_dimension_point",
    "team": "portal_dimension_team",
    "theme": "portal_dimension_theme",
    "version": "portal_dimension_version",
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


def words(name: str, **values: object) -> str:
    """One message of bot/content/messages.yml, filled (every value as text)."""
    return render(name, **{key: str(value) for key, value in values.items()}).text


def fewer_than(k: int) -> str:
    """The words every output uses for a suppressed figure ("fewer than 10")."""
    return words("portal_fewer_than", k=k)


def figure_text(cell: Cell, k: int) -> str:
    """A released figure as text ("1,234"), or the words for a suppressed one."""
    return fewer_than(k) if cell.value is None else f"{cell.value:,}"


def dimension_heading(dimension: str) -> str:
    """A readable heading for a table's dimension ("point" → "Discussion point")."""
    message = _DIMENSION_MESSAGES.get(dimension)
    if message is not None:
        return words(message)
    return capital(dimension.replace("_", " ").strip())


def capital(text: str) -> str:
    """The text with its first letter a capital ("reflections" → "Reflections")."""
    return text[:1].upper() + text[1:]


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def _num(value: float) -> str:
    """A coordinate with at most one decimal, so output is stable and short."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _ids(table: Table) -> tuple[str, str]:
    base = "chart-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", table.id).strip("-") or "table")
    return f"{base}-title", f"{base}-desc"


def describe(table: Table, *, k: int) -> str:
    """The chart in words: what is counted, the largest category, how many are suppressed."""
    parts = [table.description.strip()] if table.description.strip() else []
    if not table.cells:
        parts.append(words("portal_chart_nothing", what=table.value_label))
        return " ".join(parts)
    parts.append(_counted(table))
    released = [cell for cell in table.cells if cell.value is not None]
    if released:
        top = max(released, key=lambda cell: cell.value or 0)  # first of equals
        parts.append(words("portal_chart_largest", label=top.label, value=f"{top.value:,}"))
    suppressed = len(table.cells) - len(released)
    if suppressed:
        name = "portal_chart_suppressed_one" if suppressed == 1 else "portal_chart_suppressed"
        parts.append(
            words(name, count=suppressed, total=len(table.cells), fewer_than=fewer_than(k))
        )
    total = figure_text(table.total, k)
    parts.append(words("portal_chart_total", label=table.total.label, value=total))
    return " ".join(parts)


def _counted(table: Table) -> str:
    what = capital(table.value_label)
    count = len(table.cells)
    if table.dimension in TIME_DIMENSIONS:
        name = "portal_chart_over_time_one" if count == 1 else "portal_chart_over_time"
        return words(name, what=what, count=count)
    dimension = dimension_heading(table.dimension).lower()
    return words("portal_chart_by", what=what, dimension=dimension, count=count)


def element(tag: str, content: str = "", /, **attrs: object) -> str:
    """One element; ``content`` is already markup (escape text with :func:`html.escape`).

    Attribute names are written as keywords: a trailing underscore is dropped (``class_``) and
    other underscores become hyphens (``stroke_width``), so markup is built, never spelled out
    in strings, and every value is escaped. SVG shapes close themselves; ``meta`` has no end.
    """
    rendered = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{_text(str(value))}"'
        for name, value in attrs.items()
    )
    if tag in _SELF_CLOSING:
        return f"<{tag}{rendered}/>"
    if tag in _VOID:
        return f"<{tag}{rendered}>"
    return f"<{tag}{rendered}>{content}</{tag}>"


#: The only elements written as ``<tag/>``: SVG shapes, which never have content.
_SELF_CLOSING = frozenset({"rect", "line"})
#: HTML elements that have no end tag.
_VOID = frozenset({"meta"})


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    lines: tuple[str, ...]
    size: int
    anchor: str = "start"
    rotate: int = 0

    def svg(self) -> str:
        x, y = _num(self.x), _num(self.y)
        attrs: dict[str, object] = {
            "x": x,
            "y": y,
            "font_size": self.size,
            "fill": TEXT_FILL,
            "text_anchor": self.anchor,
        }
        if self.rotate:
            attrs["transform"] = f"rotate({self.rotate} {x} {y})"
        if len(self.lines) == 1:
            return element("text", _text(self.lines[0]), **attrs)
        spans = "".join(
            element("tspan", _text(line), x=x, dy=0 if index == 0 else _LINE)
            for index, line in enumerate(self.lines)
        )
        return element("text", spans, **attrs)


def _rect(x: float, y: float, width: float, height: float, *, suppressed: bool) -> str:
    geometry = {"x": _num(x), "y": _num(y), "width": _num(width), "height": _num(height)}
    if suppressed:
        return element(
            "rect",
            **geometry,
            fill=BACKGROUND,
            stroke=OUTLINE,
            stroke_width="1.5",
            stroke_dasharray="4 3",
        )
    return element("rect", **geometry, fill=BAR_FILL)


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return element(
        "line", x1=_num(x1), y1=_num(y1), x2=_num(x2), y2=_num(y2), stroke=OUTLINE, stroke_width=1
    )


def _svg(table: Table, k: int, *, kind: str, width: float, height: float, body: str) -> str:
    title_id, desc_id = _ids(table)
    return element(
        "svg",
        element("title", _text(table.title), id=title_id)
        + element("desc", _text(describe(table, k=k)), id=desc_id)
        + body,
        xmlns=SVG_NAMESPACE,
        class_=f"chart chart-{kind}",
        viewBox=f"0 0 {_num(width)} {_num(height)}",
        role="img",
        aria_labelledby=f"{title_id} {desc_id}",
        font_family=FONT_FAMILY,
    )


def _scale(cells: Iterable[Cell]) -> int:
    return max((cell.value or 0 for cell in cells), default=0) or 1


def _wrap(label: str, width: int) -> tuple[str, ...]:
    lines = textwrap.wrap(label, width=width, break_long_words=True, break_on_hyphens=False)
    return tuple(lines) or ("",)


def _empty_body(table: Table) -> tuple[str, float]:
    nothing = words("portal_chart_nothing", what=table.value_label)
    note = _Text(_MARGIN, _MARGIN + _LABEL_SIZE, (nothing,), _LABEL_SIZE)
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
        parts.append(_Text(_MARGIN + 4, y + _LABEL_SIZE, lines, _LABEL_SIZE).svg())
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
    column = min(pitch * 0.6, _COLUMN_WIDTH * 2)
    label_depth = reach + _LABEL_SIZE + 8
    top = _MARGIN + 2 * _LINE + 4  # room for a two-line "fewer than / k"
    base = top + _PLOT_HEIGHT
    scale = _scale(table.cells)
    parts: list[str] = []
    for index, cell in enumerate(table.cells):
        centre = left_pad + pitch * index + pitch / 2
        left = centre - column / 2
        if cell.value is None:
            height = float(_SUPPRESSED_LENGTH)
            parts.append(_rect(left, base - height, column, height, suppressed=True))
            lines: tuple[str, ...] = _two_lines(fewer_than(k))
        else:
            height = _PLOT_HEIGHT * cell.value / scale
            if height > 0:
                parts.append(_rect(left, base - height, column, height, suppressed=False))
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


def _two_lines(text: str) -> tuple[str, ...]:
    """The words for a suppressed figure on two lines, so they fit above a column."""
    head, _, tail = text.rpartition(" ")
    return (head, tail) if head else (text,)


def chart(table: Table, *, k: int) -> str:
    """The chart that suits the table: columns over time, bars for categories.

    Past :data:`MAX_COLUMNS` periods, columns would shrink their labels to illegibility when
    the chart is scaled to the page, so a long run of weeks is drawn as bars, still in order
    (bars grow downwards, which a page can always make room for).
    """
    if table.dimension in TIME_DIMENSIONS and len(table.cells) <= MAX_COLUMNS:
        return column_chart(table, k=k)
    return bar_chart(table, k=k)


def data_table(table: Table, *, k: int) -> str:
    """The table's figures as an HTML ``<table>``: caption, header cells with scope, total row.

    The accessible equivalent of the chart beside it: a screen reader user reads this, not
    the bars. A suppressed figure reads "fewer than k".
    """
    title_id, _ = _ids(table)
    head = element(
        "thead",
        element(
            "tr",
            element("th", _text(dimension_heading(table.dimension)), scope="col")
            + element("th", _text(capital(table.value_label)), scope="col", class_="num"),
        ),
    )
    rows = "".join(_row(cell, k) for cell in table.cells)
    foot = element("tfoot", _row(table.total, k, total=True))
    return element(
        "table",
        element("caption", _text(table.title)) + head + element("tbody", rows) + foot,
        class_="data-table",
        id=title_id.removesuffix("-title") + "-data",
    )


def _row(cell: Cell, k: int, *, total: bool = False) -> str:
    classes = "num suppressed" if cell.value is None else "num"
    cells = element("th", _text(cell.label), scope="row") + element(
        "td", _text(figure_text(cell, k)), class_=classes
    )
    return element("tr", cells, class_="total") if total else element("tr", cells)
