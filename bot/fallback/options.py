"""Choosing what to offer when the assistant is unsure what a message meant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.content.messages import render

# Intents worth offering, each with its button label's name in bot/content/messages.yml. Intents
# missing here (greet, affirm, urgent_concern, check_concern...) are never offered as a guess: the
# safety intents in particular are answered directly by the safety net, not confirmed. Support for
# staff and the front door are offered: choosing either is safe whatever was meant.
OPTION_MESSAGES: dict[str, str] = {
    "ask_about_review": "option_ask_about_review",
    "ask_key_learning": "option_ask_key_learning",
    "ask_recommendations": "option_ask_recommendations",
    "ask_action_taken": "option_ask_action_taken",
    "ask_procedures": "option_ask_procedures",
    "ask_how_to_refer": "option_ask_how_to_refer",
    "ask_other_review": "option_ask_other_review",
    "choose_pack": "option_choose_pack",
    "ask_staff_support": "option_ask_staff_support",
    "start_discussion": "option_start_discussion",
    "next_point": "option_next_point",
    "repeat_point": "option_repeat_point",
    "skip_point": "option_skip_point",
    "previous_point": "option_previous_point",
    "stop_discussion": "option_stop_discussion",
    "resume_discussion": "option_resume_discussion",
    "ask_help": "option_ask_help",
    "show_menu": "option_show_menu",
    "start_over": "option_start_over",
    "goodbye": "option_goodbye",
}
# Rasa's two-stage fallback treats out_of_scope as "none of these" and asks for a rephrase.
NONE_OF_THESE_PAYLOAD = "/out_of_scope"


def option(intent: str) -> dict[str, str]:
    """The button offering ``intent``, labelled from messages.yml."""
    return {"title": render(OPTION_MESSAGES[intent]).text, "payload": f"/{intent}"}


def none_of_these() -> dict[str, str]:
    """The last button of every offer, "Something else"."""
    return {"title": render("option_none_of_these").text, "payload": NONE_OF_THESE_PAYLOAD}


def likely_options(ranking: Sequence[Mapping[str, Any]], *, limit: int = 3) -> list[dict[str, str]]:
    """Up to ``limit`` likely intents from an NLU ranking as buttons, then "Something else".

    Falls back to the menu and help when nothing in the ranking is offerable, so the practitioner
    always has somewhere to go.
    """
    options: list[dict[str, str]] = []
    for entry in ranking:
        name = entry.get("name")
        if (
            isinstance(name, str)
            and name in OPTION_MESSAGES
            and all(o["payload"] != f"/{name}" for o in options)
        ):
            options.append(option(name))
        if len(options) == limit:
            break
    if not options:
        options = [option("show_menu"), option("ask_help")]
    return [*options, none_of_these()]
