"""The door's first step: pasted Unicode becomes plain text, with a map back to the original."""

import pytest

from bot.anonymise import anonymise, detect
from bot.anonymise.normalise import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NHS 943\u00a0476\u00a05919", "NHS 943 476 5919"),  # non-breaking spaces (Word)
        ("07700\u202f900\u2009123", "07700 900 123"),  # narrow no-break and thin spaces
        ("0770\u200b0900\u200b123", "07700900123"),  # zero-width spaces
        ("S\u00adarah", "Sarah"),  # soft hyphen
        ("Ty\ufeffrone", "Tyrone"),  # byte-order mark
        ("Ja\u2060yden", "Jayden"),  # word joiner
        ("Mi\u200dchał", "Michal"),  # zero-width joiner, a Latin letter NFD cannot split
        ("ＢＮ２１\u3000４ＵＧ", "BN21 4UG"),  # full-width letters, digits and space
        ("Ｓａｒａｈ Ｓｍｉｔｈ", "Sarah Smith"),
        ("Zoe\u0301", "Zoe"),  # a combining accent
        ("Zoé Şêrko Siobhán", "Zoe Serko Siobhan"),  # precomposed accents
        ("𝐒𝐚𝐫𝐚𝐡", "Sarah"),  # mathematical bold
        ("٠٧٧٠٠ ٩٠٠١٢٣", "07700 900123"),  # Arabic-Indic digits
        ("07700\u2013900\u2013338", "07700-900-338"),  # en dashes
        ("O\u2019Neill", "O'Neill"),  # curly apostrophe
        ("\u0405\u0430r\u0430h", "Sarah"),  # Cyrillic look-alikes mixed with Latin
        ("line\r\nnext\u2028last", "line\nnext\nlast"),
    ],
)
def test_pasted_text_becomes_plain(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_plain_ascii_takes_the_fast_path() -> None:
    text = "Spoke to mum about the plan."
    result = normalise(text)
    assert result.text == text
    assert result.starts is None
    assert result.original_span(3, 7) == (3, 7)


def test_other_scripts_are_kept() -> None:
    assert normalise("Олена and 李明").text == "Олена and 李明"


def test_spans_map_back_over_removed_characters() -> None:
    raw = "ring 0770\u200b0900\u200b123 now"
    result = normalise(raw)
    start = result.text.index("0770")
    end = start + len("07700900123")
    assert result.original_span(start, end) == (5, 5 + len("0770\u200b0900\u200b123"))


@pytest.mark.parametrize(
    ("raw", "leaked"),
    [
        ("NHS 943\u00a0476\u00a05919 was on the letter", "5919"),
        ("mum on 07700\u00a0900\u00a0123", "123"),
        ("mum on 0770\u200b0900\u200b123", "123"),
        ("spoke to S\u00adarah Smith", "arah"),
        ("they live at ＢＮ２１ ４ＵＧ", "4UG"),
        ("spoke to Ｓａｒａｈ Ｓｍｉｔｈ today", "Smith"),
    ],
)
def test_the_issue_s_examples_no_longer_pass_the_anonymiser(raw: str, leaked: str) -> None:
    """Issue 10, finding 2: each of these reached Rasa unredacted before normalisation."""
    out = anonymise(raw).text
    assert leaked not in out
    assert "[" in out


def test_detect_reports_spans_on_the_original_text() -> None:
    raw = "Baby's NHS number 999\u2009526\u20090182 was missing"
    (span,) = [s for s in detect(raw) if s.type == "NHS_NUMBER"]
    assert raw[span.start : span.end] == "999\u2009526\u20090182"


@pytest.mark.parametrize("stop", ["\u3002", "\uff61", "\u2024", "\ufe52"])
def test_full_stops_from_other_scripts_are_full_stops(stop: str) -> None:
    # Found by an attack: "name@example。org" kept its domain; NFKC leaves these alone.
    assert normalise(f"tabitha@example{stop}org").text == "tabitha@example.org"
    assert "example" not in anonymise(f"email tabitha@example{stop}org today").text
