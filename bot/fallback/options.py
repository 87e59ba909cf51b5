"""Choosing what to offer when the assistant is unsure what a message meant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# Button labels for intents worth offering; scaffolding, not briefing text. Intents missing here
# (greet, affirm, urgent_concern, check_concern...) are never offered as a guess: the safety
# intents in particular are answered directly by the safety net, not confirmed. Support for
# staff and the front door are offered: choosing either is safe whatever was meant.
OPTION_LABELS: dict[str, str] = {
    "ask_about_review": "About the review",
    "ask_key_learning": "Key learning",
    "ask_recommendations": "Recommendations",
    "ask_action_taken": "Action taken since the review",
    "ask_procedures": "Procedures and contacts",
    "ask_how_to_refer": "How to refer a child",
    "ask_other_review": "Other reviews",
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
# Rasa's two-stage fallback treats out_of_scope as "none of these" and asks for a rephrase.
NONE_OF_THESE = {"title": "Something else", "payload": "/out_of_scope"}


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
            and name in OPTION_LABELS
            and all(o["payload"] != f"/{name}" for o in options)
        ):
            options.append({"title": OPTION_LABELS[name], "payload": f"/{name}"})
        if len(options) == limit:
            break
    if not options:
        options = [
            {"title": OPTION_LABELS["show_menu"], "payload": "/show_menu"},
            {"title": OPTION_LABELS["ask_help"], "payload": "/ask_help"},
        ]
    return [*options, NONE_OF_THESE]
