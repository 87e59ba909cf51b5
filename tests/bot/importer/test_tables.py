"""Tables read by the column their header names."""

from __future__ import annotations

from bot.importer.tables import header_kinds, is_header, table_items


def test_a_header_row_names_its_kinds_preferred_first() -> None:
    assert header_kinds("No. | Recommendation | Agency | Progress") == ["recommendations", "action"]
    assert header_kinds("Theme | What we found") == ["learning"]
    assert header_kinds("1 | Partners should meet every month. | All | 2024") == []
    assert header_kinds("A line without cells") == []
    assert is_header(["No.", "Lead", "By when"])
    assert not is_header(["Partners should meet every month to agree a plan.", "x"])


def test_items_come_from_the_named_column_not_the_owner_or_date() -> None:
    rows = [
        "No. | Recommendation | Lead | By when",
        "1 | All agencies should adopt the approach. | All partner agencies | June 2024",
        "2 | The Partnership should refresh its training. | Learning group | 2025",
    ]
    assert table_items(rows, "recommendations") == [
        (None, "All agencies should adopt the approach."),
        (None, "The Partnership should refresh its training."),
    ]


def test_without_a_header_the_wordiest_column_is_read() -> None:
    rows = ["1 | Schools now share concerns through one inbox. | Done", "2 | A new form. | Due"]
    assert table_items(rows, "action")[0][1].startswith("Schools now")


def test_a_learning_table_keeps_a_short_label_as_the_title() -> None:
    rows = ["Theme | What we found", "Fathers | Nobody spoke to the father about his history."]
    assert table_items(rows, "learning") == [
        ("Fathers", "Nobody spoke to the father about his history.")
    ]
