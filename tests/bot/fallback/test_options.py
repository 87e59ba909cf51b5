"""What the two-stage fallback offers when the assistant is unsure."""

from __future__ import annotations

from typing import Any

import pytest

from bot.fallback.options import NONE_OF_THESE, OPTION_LABELS, likely_options

SOMETHING_ELSE = {"title": "Something else", "payload": "/out_of_scope"}
MENU_AND_HELP = [
    {"title": "Menu", "payload": "/show_menu"},
    {"title": "Help", "payload": "/ask_help"},
]


def ranking(*names: Any) -> list[dict[str, Any]]:
    """An NLU intent ranking, most confident first."""
    return [
        {"name": name, "confidence": round(0.9 - 0.1 * index, 2)}
        for index, name in enumerate(names)
    ]


def test_offers_up_to_three_in_ranking_order_then_something_else() -> None:
    options = likely_options(
        ranking("next_point", "ask_key_learning", "ask_procedures", "ask_help", "show_menu")
    )

    assert options == [
        {"title": "Next point", "payload": "/next_point"},
        {"title": "Key learning", "payload": "/ask_key_learning"},
        {"title": "Procedures and contacts", "payload": "/ask_procedures"},
        SOMETHING_ELSE,
    ]


def test_fewer_offerable_intents_give_fewer_options() -> None:
    options = likely_options(ranking("ask_recommendations"))

    assert options == [
        {"title": "Recommendations", "payload": "/ask_recommendations"},
        SOMETHING_ELSE,
    ]


@pytest.mark.parametrize(
    "skipped",
    [
        "urgent_concern",
        "express_distress",
        "greet",
        "nlu_fallback",
        "affirm",
        "deny",
        "thank",
        "out_of_scope",
        "no_such_intent",
    ],
)
def test_skips_intents_that_are_not_offerable(skipped: str) -> None:
    options = likely_options(ranking(skipped, "ask_help", skipped, "goodbye"))

    assert [o["payload"] for o in options] == ["/ask_help", "/goodbye", "/out_of_scope"]


def test_safety_intents_are_never_offered_as_a_guess() -> None:
    assert "urgent_concern" not in OPTION_LABELS
    assert "express_distress" not in OPTION_LABELS


def test_dedupes_repeated_intents() -> None:
    options = likely_options(ranking("skip_point", "skip_point", "skip_point", "stop_discussion"))

    assert [o["payload"] for o in options] == ["/skip_point", "/stop_discussion", "/out_of_scope"]


def test_limit_is_respected() -> None:
    options = likely_options(ranking("next_point", "skip_point", "ask_help"), limit=1)

    assert options == [{"title": "Next point", "payload": "/next_point"}, SOMETHING_ELSE]


@pytest.mark.parametrize(
    "entries",
    [
        [],
        ranking("urgent_concern", "greet", "nlu_fallback"),
        [{"confidence": 0.9}, {"name": None}, {"name": 3}],
    ],
    ids=["empty", "nothing-offerable", "malformed"],
)
def test_falls_back_to_menu_and_help(entries: list[dict[str, Any]]) -> None:
    assert likely_options(entries) == [*MENU_AND_HELP, SOMETHING_ELSE]


def test_always_ends_with_something_else() -> None:
    for names in [(), ("ask_help",), ("a", "b"), tuple(OPTION_LABELS)]:
        assert likely_options(ranking(*names))[-1] == NONE_OF_THESE == SOMETHING_ELSE


def test_every_offered_intent_has_a_label() -> None:
    options = likely_options(ranking(*OPTION_LABELS), limit=len(OPTION_LABELS))

    assert [o["title"] for o in options[:-1]] == list(OPTION_LABELS.values())
