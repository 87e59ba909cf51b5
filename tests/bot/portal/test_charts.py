from __future__ import annotations

import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from bot.portal.charts import (
    BAR_FILL,
    MAX_COLUMNS,
    OUTLINE,
    TEXT_FILL,
    bar_chart,
    chart,
    column_chart,
    data_table,
    dimension_heading,
    fewer_than,
)
from bot.portal.model import Cell, Table

SVG = "{http://www.w3.org/2000/svg}"
K = 10
HOSTILE = '<script>alert("x")</script> & "quoted" \'single\''


def make_table(
    cells: tuple[tuple[str, int | None], ...],
    *,
    table_id: str = "by-agency",
    dimension: str = "agency",
    title: str = "Reflections by agency",
    total: int | None = None,
) -> Table:
    released = sum(value for _, value in cells if value is not None)
    return Table(
        id=table_id,
        title=title,
        description="Reflections written in the weeks shown.",
        dimension=dimension,
        value_label="reflections",
        cells=tuple(
            Cell(key=f"c{i}", label=label, value=value) for i, (label, value) in enumerate(cells)
        ),
        total=Cell(key="total", label="Total", value=released if total is None else total),
    )


AGENCY = make_table(
    (
        ("Police", 120),
        ("Health", 45),
        ("Children's Social Care", None),
        ("Education", 0),
        ("Prefer not to say", None),
    )
)
WEEKS = make_table(
    (
        ("2026-W01 to 2026-W02", 30),
        ("2026-W03 to 2026-W04", None),
        ("2026-W05 to 2026-W06", 12),
    ),
    table_id="by-block",
    dimension="block",
    title="Reflections over time",
)


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def texts(root: ElementTree.Element) -> list[str]:
    """Each <text> element's words, tspans joined by a space."""
    return [
        " ".join(part.strip() for part in element.itertext() if part.strip())
        for element in root.iter(f"{SVG}text")
    ]


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(colour: str, against: str = "#ffffff") -> float:
    high, low = sorted((luminance(colour), luminance(against)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("draw", [bar_chart, column_chart])
def test_chart_is_an_accessible_image(draw: object) -> None:
    svg = draw(AGENCY, k=K)  # type: ignore[operator]
    root = parse(svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert title.get("id") == "chart-by-agency-title"
    assert desc.get("id") == "chart-by-agency-desc"
    assert root.get("aria-labelledby") == "chart-by-agency-title chart-by-agency-desc"
    assert title.text == "Reflections by agency"
    # Scales to its container: a viewBox, no fixed size.
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox") or "")
    assert root.get("width") is None and root.get("height") is None


@pytest.mark.parametrize("draw", [bar_chart, column_chart])
def test_every_label_and_figure_is_real_text(draw: object) -> None:
    root = parse(draw(AGENCY, k=K))  # type: ignore[operator]
    words = texts(root)

    for cell in AGENCY.cells:
        assert cell.label in words
    assert "120" in words
    assert "45" in words
    assert "0" in words
    assert root.find(f".//{SVG}path") is None


def test_description_summarises_in_words() -> None:
    desc = parse(bar_chart(AGENCY, k=K)).find(f"{SVG}desc")
    assert desc is not None and desc.text is not None

    assert desc.text.startswith("Reflections written in the weeks shown.")
    assert "Reflections by agency, 5 shown." in desc.text
    assert "The largest is Police with 120." in desc.text
    assert "2 of 5 are fewer than 10, shown without a figure." in desc.text
    assert "Total: 165." in desc.text


def test_suppressed_figure_is_an_outlined_empty_bar_saying_fewer_than_k() -> None:
    root = parse(bar_chart(AGENCY, k=K))
    words = texts(root)
    outlines = [r for r in root.iter(f"{SVG}rect") if r.get("stroke-dasharray")]
    filled = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == BAR_FILL]

    assert words.count("fewer than 10") == 2
    assert len(outlines) == 2
    assert all(r.get("fill") == "#ffffff" and r.get("stroke") == OUTLINE for r in outlines)
    # Two bars with a figure (the zero draws no bar); the longest is the largest figure.
    assert len(filled) == 2
    widths = [float(r.get("width") or 0) for r in filled]
    assert widths[0] > widths[1]
    # Another k is said with its own number.
    assert "fewer than 7" in texts(parse(bar_chart(AGENCY, k=7)))


def test_column_chart_keeps_the_order_and_says_fewer_than_k_on_two_lines() -> None:
    svg = column_chart(WEEKS, k=K)
    words = texts(parse(svg))

    positions = [svg.index(cell.label) for cell in WEEKS.cells]
    assert positions == sorted(positions)
    assert "fewer than 10" in words
    assert "Reflections over time, 3 periods shown." in (parse(svg).findtext(f"{SVG}desc") or "")


def test_chart_picks_columns_for_time_and_bars_for_categories() -> None:
    assert 'class="chart chart-column"' in chart(WEEKS, k=K)
    assert 'class="chart chart-bar"' in chart(AGENCY, k=K)
    # A year of fortnights would be columns too narrow to read: bars, in the same order.
    long_run = make_table(
        tuple(
            (f"2026-W{n:02d} to 2026-W{n + 1:02d}", 20) for n in range(1, 2 * MAX_COLUMNS + 3, 2)
        ),
        dimension="block",
    )
    svg = chart(long_run, k=K)
    assert 'class="chart chart-bar"' in svg
    positions = [svg.index(cell.label) for cell in long_run.cells]
    assert positions == sorted(positions)


def test_long_column_labels_stay_inside_the_view_box() -> None:
    table = make_table(
        tuple((f"2026-W{n:02d} to 2026-W{n + 1:02d}", 20) for n in range(1, 40, 2)),
        dimension="block",
    )
    root = parse(column_chart(table, k=K))
    _, _, width, _ = (float(v) for v in (root.get("viewBox") or "").split())
    for element in root.iter(f"{SVG}text"):
        if element.get("transform"):
            x = float(element.get("x") or 0)
            reach = len(element.text or "") * 7.5 * 0.72
            assert x - reach >= 0
            assert x <= width


def test_hostile_labels_are_escaped() -> None:
    table = make_table(((HOSTILE, 12), ("A & B", None)), table_id='x"><script>', title=HOSTILE)
    for draw in (bar_chart, column_chart):
        svg = draw(table, k=K)
        root = parse(svg)  # still well-formed XML
        assert "<script" not in svg
        assert root.find(f".//{SVG}script") is None
        assert HOSTILE in texts(root)
        assert "A & B" in texts(root)
        assert root.findtext(f"{SVG}title") == HOSTILE
        assert re.fullmatch(r"chart-[A-Za-z0-9_-]+-title", root.find(f"{SVG}title").get("id") or "")  # type: ignore[union-attr]
    html = data_table(table, k=K)
    assert "<script" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("draw", [bar_chart, column_chart])
def test_no_style_script_or_external_reference(draw: object) -> None:
    svg = draw(AGENCY, k=K)  # type: ignore[operator]
    root = parse(svg)

    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg
    for element in root.iter():
        for name in element.attrib:
            assert not name.endswith("href"), name
            assert not name.startswith("on"), name
        assert "url(" not in " ".join(element.attrib.values())
    assert svg.count("http://") == 1  # the SVG namespace only


@pytest.mark.parametrize("draw", [bar_chart, column_chart])
def test_colours_reach_wcag_contrast(draw: object) -> None:
    svg = draw(AGENCY, k=K)  # type: ignore[operator]
    root = parse(svg)

    assert contrast(BAR_FILL) >= 3
    assert contrast(OUTLINE) >= 3
    assert contrast(TEXT_FILL) >= 4.5
    for element in root.iter(f"{SVG}text"):
        assert contrast(element.get("fill") or "#ffffff") >= 4.5
    for element in root.iter(f"{SVG}rect"):
        paint = element.get("stroke") if element.get("fill") == "#ffffff" else element.get("fill")
        assert contrast(paint or "#ffffff") >= 3


@pytest.mark.parametrize("draw", [bar_chart, column_chart])
def test_output_is_deterministic(draw: object) -> None:
    assert draw(AGENCY, k=K) == draw(AGENCY, k=K)  # type: ignore[operator]


@pytest.mark.parametrize("draw", [bar_chart, column_chart])
def test_an_empty_or_fully_suppressed_table_still_draws(draw: object) -> None:
    empty = make_table(())
    root = parse(draw(empty, k=K))  # type: ignore[operator]
    assert "No reflections to show." in texts(root)
    assert "No reflections to show." in (root.findtext(f"{SVG}desc") or "")

    hidden = make_table((("Police", None), ("Health", None)), total=None)
    root = parse(draw(hidden, k=K))  # type: ignore[operator]
    assert texts(root).count("fewer than 10") == 2
    assert "2 of 2 are fewer than 10" in (root.findtext(f"{SVG}desc") or "")
    assert "largest" not in (root.findtext(f"{SVG}desc") or "")


def test_long_labels_wrap_rather_than_vanish() -> None:
    question = (
        "How do you manage situations where there are potential risks posed by other adults "
        "involved with the child/family?"
    )
    root = parse(bar_chart(make_table(((question, 40),)), k=K))
    assert question in texts(root)
    assert len(root.find(f"{SVG}text")) > 1  # type: ignore[arg-type]


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[tuple[str, dict[str, str | None], str]] = []
        self.caption = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.stack:
            return
        tag, attrs = self.stack[-1]
        if tag in ("th", "td"):
            parents = [t for t, _ in self.stack]
            section = next(t for t in reversed(parents) if t in ("thead", "tbody", "tfoot"))
            self.cells.append((f"{section}/{tag}", attrs, data))
        elif tag == "caption":
            self.caption += data


def test_data_table_has_caption_scoped_headers_total_and_words_for_suppressed() -> None:
    reader = _TableReader()
    reader.feed(data_table(AGENCY, k=K))

    assert reader.caption == "Reflections by agency"
    cells = [(where, attrs.get("scope"), text) for where, attrs, text in reader.cells]
    assert cells == [
        ("thead/th", "col", "Agency"),
        ("thead/th", "col", "Reflections"),
        ("tbody/th", "row", "Police"),
        ("tbody/td", None, "120"),
        ("tbody/th", "row", "Health"),
        ("tbody/td", None, "45"),
        ("tbody/th", "row", "Children's Social Care"),
        ("tbody/td", None, "fewer than 10"),
        ("tbody/th", "row", "Education"),
        ("tbody/td", None, "0"),
        ("tbody/th", "row", "Prefer not to say"),
        ("tbody/td", None, "fewer than 10"),
        ("tfoot/th", "row", "Total"),
        ("tfoot/td", None, "165"),
    ]
    assert "style=" not in data_table(AGENCY, k=K)
    assert data_table(AGENCY, k=K) == data_table(AGENCY, k=K)


def test_data_table_of_a_suppressed_total() -> None:
    table = make_table((("Police", None),), total=None)
    table = Table(**{**table.__dict__, "total": Cell("total", "Total", None)})
    assert data_table(table, k=5).count("fewer than 5") == 2


def test_figures_have_thousands_separators() -> None:
    table = make_table((("Police", 12_345),))
    assert "12,345" in texts(parse(bar_chart(table, k=K)))
    assert ">12,345<" in data_table(table, k=K)


def test_dimension_headings_and_wording() -> None:
    assert dimension_heading("point") == "Discussion point"
    assert dimension_heading("block") == "Weeks"
    assert dimension_heading("team_code") == "Team code"
    assert fewer_than(10) == "fewer than 10"
