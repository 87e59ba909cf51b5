"""Classes an attack on the running stack found after the fifth blind run (issue 10)."""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise
from bot.safety.net import Signal, assess


def _assess(text: str):  # type: ignore[no-untyped-def]
    return assess(anonymise(text).text)


@pytest.mark.parametrize(
    "text",
    [
        "yr 8 just disclosed",
        "y10 disclosed at lunch",
        "student just told me something re home, not sure",
        "one of my pupils has just made a disclosure",
    ],
)
def test_a_one_line_disclosure_is_urgent(text: str) -> None:
    assert _assess(text).signal is Signal.URGENT, text


@pytest.mark.parametrize(
    "text",
    [
        "a year 9 pupil disclosed years ago and it shaped my practice",
        "in year 2 of my career I learned a lot about this",
        "our year 11s were great in the assembly on healthy relationships",
    ],
)
def test_year_groups_in_reflections_stay_none(text: str) -> None:
    assert _assess(text).signal is Signal.NONE, text


@pytest.mark.parametrize(
    "text", ["crying in the car park", "so tired", "been in tears all morning"]
)
def test_very_short_distress(text: str) -> None:
    assert _assess(text).signal is Signal.DISTRESS, text


@pytest.mark.parametrize(
    "text", ["I won't be at work tomorrow or ever", "what's the point of any of it"]
)
def test_the_future_closing_down_is_a_crisis(text: str) -> None:
    result = _assess(text)
    assert result.signal is Signal.DISTRESS and result.crisis, text


@pytest.mark.parametrize(
    "text", ["so tired of the paperwork in this job", "what is the point of any of this paperwork"]
)
def test_tired_of_the_job_is_not_a_crisis(text: str) -> None:
    assert not _assess(text).crisis, text
