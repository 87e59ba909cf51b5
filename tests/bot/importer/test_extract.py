"""Phone numbers and their labels, as the safety net will show them."""

from __future__ import annotations

from bot.importer.extract import numbers_in


def test_a_second_number_on_the_line_gets_its_own_label_not_the_first_number() -> None:
    line = "Call the Children's Front Door on 01632 960222 (out of hours 01632 960333)"
    first, second = numbers_in(line)
    assert (first.label, first.number) == ("Children's Front Door", "01632 960222")
    assert (second.label, second.number) == ("out of hours", "01632 960333")


def test_labels_before_each_number_and_999() -> None:
    found = numbers_in("MASH: 0113 496 0000, out of hours 0113 496 0999. In an emergency call 999.")
    assert [(f.label, f.number) for f in found][:2] == [
        ("MASH", "0113 496 0000"),
        ("out of hours", "0113 496 0999"),
    ]
    assert found[-1].number == "999"
