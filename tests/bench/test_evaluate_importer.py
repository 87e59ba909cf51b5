"""The importer table's matching, and a floor on what the fixtures recover."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bench.evaluate_importer import (
    Score,
    evaluate,
    match_learning,
    match_link,
    norm_digits,
    render,
    score,
    similar,
    starts_like,
    totals,
)

BRIEFINGS = Path(__file__).resolve().parents[1] / "data" / "briefings"
# A little under what the recogniser reaches on the fixtures (see the report's table).
FLOOR = {
    "title": (0.95, 0.95),
    "learning": (0.97, 0.97),
    "recommendations": (0.97, 0.97),
    "action": (0.93, 0.93),
    "questions": (0.97, 0.97),
    "links": (0.97, 0.97),
    "contacts": (0.97, 0.97),
}


def test_matching_forgives_case_punctuation_and_small_differences() -> None:
    assert similar("How do you ask?", "how do you ask")
    assert not similar("How do you ask?", "Who else lives there?")
    assert starts_like("Partners should, at every meeting, agree...", "Partners should at every")
    assert not starts_like("Schools should meet", "Partners should")
    assert match_learning({"title": "Think Family", "starts": "x"}, ("Think family", "other"))
    assert match_learning({"title": None, "starts": "Child L was"}, (None, "Child L was seen"))
    assert match_link({"url": "https://www.a.example.org/x/"}, ("t", "http://a.example.org/x"))
    assert match_link({"title": "Pan procedures", "url": None}, ("Pan procedures", None))
    assert not match_link({"url": "https://a.example.org/"}, ("a", None))
    assert norm_digits("+44 113 496 0000") == norm_digits("0113 496 0000")


def test_score_is_one_to_one_and_counts_extras() -> None:
    result = score(["a", "a", "b"], ["a", "c", "c"], lambda e, f: e == f)
    assert result == Score(1, 3, 3)
    assert result.cell() == "1/3 (+2)"


@pytest.fixture(scope="module")
def rows() -> list:  # type: ignore[type-arg]
    return evaluate(BRIEFINGS)


def test_the_table_has_every_fixture_and_a_total(rows: list) -> None:  # type: ignore[type-arg]
    out = io.StringIO()
    render(rows, out)
    table = out.getvalue()
    assert table.count("\n| ") >= len(list(BRIEFINGS.glob("*.expected.yml")))
    assert "| **total** |" in table
    assert rows[0].name == "child-z"


def test_the_fixtures_stay_above_the_floor(rows: list) -> None:  # type: ignore[type-arg]
    scored = [row for row in rows if row.scores]
    assert len(scored) >= 26
    for field, (recall, precision) in totals(scored).items():
        if field in FLOOR:
            assert recall >= FLOOR[field][0], (field, recall)
            assert precision >= FLOOR[field][1], (field, precision)
