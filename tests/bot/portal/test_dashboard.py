"""The impact view of a Dashboard: follow-up answers per point, under the reflections' rule.

Built from plain cubes (no database), so each test says exactly which answers exist and checks
what the lead would see: counts, versions and quotes, and what is suppressed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pytest

from bot.content.loader import get_pack
from bot.content.schema import Pack
from bot.portal.dashboard import Inputs, build_dashboard
from bot.portal.disclosure import Atom, Cube
from bot.portal.model import (
    GENERAL_POINT,
    IMPACT_DIMS,
    NO_TEAM,
    REFLECTION_DIMS,
    SESSION_DIMS,
    Dashboard,
    Filters,
    Scope,
)
from bot.portal.themes import empty_model
from bot.settings.config import DEFAULT_PACK_DIR

K = 10
TODAY = date(2026, 12, 7)  # 2026-W50: earlier weeks may be released
EVERYONE = Scope(partnership=None)
P1, P2, P3 = "risks-from-other-adults", "legacy-of-domestic-abuse", "using-the-procedures"

#: (ISO week, agency, point, version, how many answers, words)
Answers = list[tuple[str, str, str, str, int, str]]


@pytest.fixture(scope="module")
def pack() -> Pack:
    return get_pack(DEFAULT_PACK_DIR, "esscp-child-z")


def _impact(answers: Answers) -> Cube:
    return Cube(
        IMPACT_DIMS,
        tuple(
            Atom((week, agency, point, version), n)
            for week, agency, point, version, n, _ in answers
        ),
    )


def _texts(answers: Answers):  # type: ignore[no-untyped-def]
    """What the service's read of follow-up texts would give: every answer, newest first."""

    def read(
        point: str, first: str, last: str, agency: str | None
    ) -> Iterable[tuple[tuple[str, ...], str]]:
        for week, who, about, version, n, words in reversed(answers):
            if about == point and first <= week <= last and agency in (None, who):
                for number in range(n):
                    yield (week, who, about, version), f"{words} (answer {number + 1})"

    return read


def _build(
    pack: Pack,
    answers: Answers,
    *,
    reflections: Cube | None = None,
    filters: Filters | None = None,
) -> Dashboard:
    inputs = Inputs(
        pack,
        pack.version,
        reflections or Cube(REFLECTION_DIMS, ()),
        Cube(SESSION_DIMS, ()),
        empty_model(),
        (),
        impact=_impact(answers),
    )
    return build_dashboard(
        inputs,
        filters or Filters(pack.id, pack.version),
        EVERYONE,
        k=K,
        today=TODAY,
        retention_days=365,
        link_stale_days=180,
        texts=lambda ids: {},
        anonymise=lambda text: text,
        followups=_texts(answers),
    )


CHANGED = "Since the briefing we ask at every home visit who else lives in the household"
SINGLE = "Our team now rings the police about every new partner before the first visit"


def test_the_impact_view_counts_answers_per_point_with_versions_and_quotes(pack: Pack) -> None:
    answers: Answers = [
        ("2026-W40", "health", P1, "1.0.0", 10, CHANGED),
        ("2026-W41", "health", P1, "0.9.0", 12, "An older version taught us to check with police"),
        ("2026-W41", "health", P1, "0.8.0", 4, "The oldest version of the briefing was read"),
        ("2026-W41", "police", GENERAL_POINT, "1.0.0", 11, "The briefing as a whole changed our"),
    ]

    impact = _build(pack, answers).impact

    assert impact is not None
    by_point = {point.key: point for point in impact.points}
    assert list(by_point) == [point.id for point in pack.discussion_points] + [GENERAL_POINT]
    # A version is a dimension of the atom: the 4 answers about 0.8.0 are a group of their own.
    assert by_point[P1].count.value == 22
    assert by_point[P1].versions == ("1.0.0", "0.9.0")  # newest first, released ones only
    assert by_point[P1].quotes and all("answer" in quote for quote in by_point[P1].quotes)
    assert not any("oldest" in quote for quote in by_point[P1].quotes)
    assert by_point[GENERAL_POINT].count.value == 11
    assert by_point[GENERAL_POINT].label == "The briefing as a whole"
    assert by_point[P2].count.value is None and by_point[P2].quotes == ()
    assert impact.by_point.total.value == 33
    assert [(cell.key, cell.value) for cell in impact.by_version.cells] == [
        ("1.0.0", 21),
        ("0.9.0", 12),
    ]


def test_follow_ups_never_count_as_reflections(pack: Pack) -> None:
    reflections = Cube(REFLECTION_DIMS, (Atom(("2026-W40", "health", P1, NO_TEAM), 20),))
    answers: Answers = [("2026-W40", "health", P1, "1.0.0", 30, CHANGED)]

    dashboard = _build(pack, answers, reflections=reflections)

    assert dashboard.headline[0].value == 20
    by_point = next(table for table in dashboard.tables if table.id == "by_point")
    assert by_point.total.value == 20
    assert dashboard.impact is not None and dashboard.impact.by_point.total.value == 30


def test_impact_is_suppressed_exactly_as_the_same_reflections_would_be(pack: Pack) -> None:
    """The same atoms as reflections and as answers give the same released figures."""
    shape = [
        ("2026-W38", "health", P1, 9),
        ("2026-W39", "health", P1, 3),
        ("2026-W39", "police", P1, 1),
        ("2026-W40", "education", P2, 10),
        ("2026-W41", "police", P3, 1),
        ("2026-W42", "health", P2, 4),
    ]
    reflections = Cube(REFLECTION_DIMS, tuple(Atom((w, a, p, NO_TEAM), n) for w, a, p, n in shape))
    answers: Answers = [(w, a, p, "1.0.0", n, CHANGED) for w, a, p, n in shape]

    dashboard = _build(pack, answers, reflections=reflections)

    by_point = next(table for table in dashboard.tables if table.id == "by_point")
    assert dashboard.impact is not None
    impact = dashboard.impact.by_point
    assert [cell.value for cell in impact.cells[:4]] == [cell.value for cell in by_point.cells]
    assert impact.total.value == by_point.total.value
    assert dashboard.impact.pending_weeks == dashboard.pending_weeks
    # Every released impact figure is at least k, every other is suppressed.
    assert all(cell.value is None or cell.value >= K for cell in impact.cells)


def test_a_single_answer_from_one_agency_in_one_week_is_neither_counted_nor_quoted(
    pack: Pack,
) -> None:
    answers: Answers = [
        ("2026-W40", "health", P1, "1.0.0", 12, CHANGED),
        ("2026-W40", "police", P3, "1.0.0", 1, SINGLE),
        ("2026-W40", "police", P1, "1.0.0", 1, SINGLE),
    ]

    dashboard = _build(pack, answers)

    impact = dashboard.impact
    assert impact is not None
    by_point = {point.key: point for point in impact.points}
    assert by_point[P3].count.value is None and by_point[P3].quotes == ()
    assert by_point[P3].versions == ()
    # Point 1 is shown (12 from health), but the lone police answer beside it is never quoted.
    assert by_point[P1].count.value == 12
    assert by_point[P1].quotes and not any(SINGLE in quote for quote in by_point[P1].quotes)
    assert impact.by_point.total.value == 12


def test_one_answer_alone_shows_nothing_at_all(pack: Pack) -> None:
    dashboard = _build(pack, [("2026-W40", "police", P1, "1.0.0", 1, SINGLE)])

    impact = dashboard.impact
    assert impact is not None
    assert impact.by_point.total.value is None
    assert all(point.count.value is None and not point.quotes for point in impact.points)
    assert impact.by_version.cells == ()
    assert impact.pending_weeks  # the week waits until enough answers arrive


def test_the_agency_and_week_filters_apply_and_the_team_filter_says_it_does_not(
    pack: Pack,
) -> None:
    answers: Answers = [
        ("2026-W30", "health", P1, "1.0.0", 12, CHANGED),
        ("2026-W40", "health", P1, "1.0.0", 10, CHANGED),
        ("2026-W40", "police", P1, "1.0.0", 10, SINGLE),
    ]

    police = _build(pack, answers, filters=Filters(pack.id, pack.version, agency="police"))
    later = _build(
        pack, answers, filters=Filters(pack.id, pack.version, week_from="2026-W35", team="T-1")
    )

    assert police.impact is not None and later.impact is not None
    assert police.impact.points[0].count.value == 10
    assert all(SINGLE in quote for quote in police.impact.points[0].quotes)
    assert later.impact.points[0].count.value == 20
    assert later.impact.week_from == "2026-W31"  # the block after the first one
    assert any("team filter" in note for note in later.impact.notes)
