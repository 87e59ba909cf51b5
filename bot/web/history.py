"""A resumed widget conversation, rebuilt from the tracker store's events for the widget to show.

Works on Rasa's serialised events (``event.as_dict()``), so this module needs no Rasa import. Only
what the tracker store already holds can be shown: the *anonymised* user text (the door replaced
names and numbers before Rasa saw it), and the bot's messages with receipt tokens replaced by a
note, because a receipt code is shown once and never kept anywhere.

A long conversation is cut into sessions by the tracker store's *rollover*
(bot/rasa_ext/rollover.py), which starts a new session with a copy of the last few turns. For the
practitioner that is still the same session: history reads every session, carries on across a
rollover's ``session_started``, and leaves its copies out, so no message is shown twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from bot.content.messages import render
from bot.reflections.receipts import RECEIPT_TOKEN

#: The protocol sends at most this many messages (docs/widget-protocol.md).
MAX_HISTORY_MESSAGES = 100
# A receipt token, with the Markdown emphasis or code marks around it if any (the note is not a
# code and should not look like one).
_RECEIPT_SHOWN = re.compile(r"(?P<mark>\*\*|\*|`)?" + RECEIPT_TOKEN.pattern + r"(?(mark)(?P=mark))")
# Events after which Rasa forgets everything before: a new conversation session, a restart.
_FRESH_START = frozenset({"session_started", "restart"})
#: The metadata key (value ``True``) on a rollover's ``session_started`` and on each event it
#: copied (bot/rasa_ext/rollover.py writes it; here it is read).
ROLLOVER_MARK = "reflect_rollover"


class Button(TypedDict):
    """A button as the widget draws it."""

    title: str
    payload: str


class HistoryMessage(TypedDict):
    """One bubble of the ``history`` event."""

    sender: str
    text: str
    buttons: list[Button]


def history_messages(
    events: Iterable[Mapping[str, Any]], *, limit: int = MAX_HISTORY_MESSAGES
) -> list[HistoryMessage]:
    """The bubbles of the current conversation session, oldest first, at most ``limit``.

    ``events`` may hold every session of the conversation: the current one starts at the last
    session start or restart that is not a rollover's, and a rollover's copies are left out.
    Bot texts are split on blank lines and buttons go on the last part, exactly as Rasa's
    socket.io output sends them live, so a resumed chat looks as it did. A user message that
    is a button payload is shown by the title of the button that sent it; a payload no button
    explains (the widget's hidden ``/greet``) is left out, as the widget never showed it.
    """
    current = _current_session(list(events))
    messages: list[HistoryMessage] = []
    for event in current:
        if _is_rollover(event):
            continue
        kind = event.get("event")
        if kind == "user":
            text = event.get("text")
            if not isinstance(text, str) or not text.strip():
                continue
            if text.startswith("/"):
                title = _title_of(text, messages)
                if title is not None:
                    messages.append(_message("user", title))
                continue
            messages.append(_message("user", text))
        elif kind == "bot":
            messages.extend(_bot_messages(event))
    return messages[-limit:] if limit > 0 else []


def without_receipts(text: str) -> str:
    """Bot text with every receipt token replaced by a note: the code itself is never kept."""
    note = render("history_receipt_note").text
    return _RECEIPT_SHOWN.sub(lambda _: note, text)


def _current_session(events: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The events after the last session start or restart that is not a rollover's."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") in _FRESH_START and not _is_rollover(events[index]):
            return events[index + 1 :]
    return events


def _is_rollover(event: Mapping[str, Any]) -> bool:
    metadata = event.get("metadata")
    return isinstance(metadata, Mapping) and metadata.get(ROLLOVER_MARK) is True


def _bot_messages(event: Mapping[str, Any]) -> list[HistoryMessage]:
    raw_text = event.get("text")
    text = without_receipts(raw_text) if isinstance(raw_text, str) else ""
    data = event.get("data")
    buttons = _buttons(data) if isinstance(data, Mapping) else []
    parts = [part for part in text.strip().split("\n\n") if part.strip()]
    if not parts:
        return [_message("bot", "", buttons)] if buttons else []
    messages = [_message("bot", part) for part in parts]
    messages[-1]["buttons"] = buttons
    return messages


def _buttons(data: Mapping[str, Any]) -> list[Button]:
    """Rasa keeps buttons in ``data.buttons`` (``quick_replies`` for some custom outputs)."""
    items = data.get("buttons") or data.get("quick_replies") or []
    if not isinstance(items, list):
        return []
    return [
        Button(title=item["title"], payload=item["payload"])
        for item in items
        if isinstance(item, Mapping)
        and isinstance(item.get("title"), str)
        and isinstance(item.get("payload"), str)
    ]


def _title_of(payload: str, so_far: list[HistoryMessage]) -> str | None:
    """The title of the latest button that sends ``payload``, if any bot message offered one."""
    for message in reversed(so_far):
        for button in message["buttons"]:
            if button["payload"] == payload:
                return button["title"]
    return None


def _message(sender: str, text: str, buttons: list[Button] | None = None) -> HistoryMessage:
    return HistoryMessage(sender=sender, text=text, buttons=list(buttons or []))
