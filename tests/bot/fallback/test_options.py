"""What the two-stage fallback offers when the assistant is unsure."""

from __future__ import annotations

from typing import Any

import pytest

from bot.fallback.options import OPTION_MESSAGES, likely_options, none_of_these, option

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
    assert "urgent_concern" not in OPTION_MESSAGES
    assert "express_distress" not in OPTION_MESSAGES


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
    for names in [(), ("ask_help",), ("a", "b"), tuple(OPTION_MESSAGES)]:
        assert likely_options(ranking(*names))[-1] == none_of_these() == SOMETHING_ELSE


# The labels as they were when they lived in options.py; messages.yml must keep them word for word.
LABELS = {
    "ask_about_review": "About the review",
    "ask_key_learning": "Key learning",
    "ask_recommendations": "Recommendations",
    "ask_action_taken": "Action taken since the review",
    "ask_procedures": "Procedures and contacts",
    "ask_how_to_refer": "How to refer a child",
    "ask_other_review": "Other reviews",
    "choose_pack": "Choose a briefing",
    "ask_staff_support": "Support for you",
    "start_discussion": "Discuss and reflect",
    "next_point": "Next point",
    "repeat_point": "Repeat this point",
    "skip_point": "Skip this point",
    "previous_point": "Go back a point",
    "stop_discussion": "Stop for now",
    "resume_discussion": "Carry on where I left off",
    "ask_help": "Help",
    "show_menu": "Menu",
    "start_over": "Start again",
    "goodbye": "Goodbye",
}


def test_every_offered_intent_has_a_label() -> None:
    options = likely_options(ranking(*OPTION_MESSAGES), limit=len(OPTION_MESSAGES))

    assert [o["title"] for o in options[:-1]] == list(LABELS.values())
    assert list(OPTION_MESSAGES) == list(LABELS)


@pytest.mark.parametrize("intent", sorted(OPTION_MESSAGES))
def test_an_option_is_its_label_from_messages_yml_and_its_intent_payload(intent: str) -> None:
    assert option(intent) == {"title": LABELS[intent], "payload": f"/{intent}"}
