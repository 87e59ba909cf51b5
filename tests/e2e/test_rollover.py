"""A long conversation gets the same answers with the tracker store's session rollover as without.

Two stacks on the trained model: one with ``TRACKER_ROLLOVER_EVENTS=0`` (never), one with a
threshold so low that the session rolls over every few messages, at every kind of place (inside
the reflection and withdrawal forms, the concern check, the two-stage fallback, after a
distress answer, a stop and a start-over). The same scripted conversation goes to both; every
reply (text and buttons) must be the same, receipt codes aside (random by design).

And the web widget's history, resumed after several rollovers, shows every message once, and
"Forget this conversation" deletes the rollovers' sessions with the rest.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bench.long_conversation import round_of_steps
from tests.bot.web.wire import CLIENTS
from tests.e2e.conftest import Rest, stack_on_free_ports

pytestmark = pytest.mark.slow

#: Low enough to roll over every few messages (a copy is at most half the session).
THRESHOLD = 40
ROUNDS = 6

#: What a group session's rounds (bench/long_conversation.py) do not: the forms, the fallback,
#: the safety net's question and support answer, withdrawing, starting over.
DETOURS = [
    "discuss and reflect",
    "add a reflection",
    "We should check the household earlier",
    "add more",
    "and speak to the school",
    "save",
    '/choose_agency{"agency":"police"}',
    "the other one",
    "the other one",
    "menu",
    "I have a case like this",
    "no",
    "discard",
    "withdraw my reflection",
    "ABCDE-12345",
    "menu",
    "next",
    "I feel awful about it",
    "carry on",
    "add a reflection",
    "the other one",
    "cancel",
    "start over",
    "carry on where I left off",
    "hello",
]

_RECEIPT = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}\b")


def script() -> list[str]:
    texts = ["hello"]
    for index in range(ROUNDS):
        texts += [step.text for step in round_of_steps(index)] + DETOURS
    return texts


def _normalised(replies: list[dict[str, Any]]) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (
            _RECEIPT.sub("<receipt>", str(reply.get("text", ""))),
            tuple(f"{b.get('title')}={b.get('payload')}" for b in reply.get("buttons") or []),
        )
        for reply in replies
    ]


def _converse(var_dir: Path, model_path: Path, threshold: int) -> list[Any]:
    with stack_on_free_ports(var_dir, model_path, tracker_rollover_events=threshold) as stack:
        chat = Rest(stack.rasa_url, "long-group-chat")
        return [_normalised(chat.say(text)) for text in script()]


def _rollovers(var_dir: Path) -> tuple[int, int]:
    """Rollover session starts and copied events in the tracker store."""
    with sqlite3.connect(var_dir / "tracker.db") as db:
        rows = [json.loads(data) for (data,) in db.execute("select data from events")]
    marked = [r for r in rows if (r.get("metadata") or {}).get("reflect_rollover") is True]
    starts = sum(1 for r in marked if r["event"] == "session_started")
    return starts, len(marked) - starts


def test_every_reply_is_the_same_with_and_without_rollover(
    tmp_path: Path, model_path: Path
) -> None:
    without = _converse(tmp_path / "without", model_path, 0)
    rolled = _converse(tmp_path / "rolled", model_path, THRESHOLD)

    assert len(rolled) == len(without) == len(script())
    differing = [
        (index, text, without[index], rolled[index])
        for index, text in enumerate(script())
        if rolled[index] != without[index]
    ]
    assert differing == []
    # The script is the bot's: not a conversation of "Sorry, I'm not sure".
    unsure = sum("not sure what you meant" in str(r) for r in without)
    assert unsure <= 2 * ROUNDS
    starts, copies = _rollovers(tmp_path / "rolled")
    assert starts >= len(script()) // 10, "the session should have rolled over many times"
    assert copies > 0
    assert _rollovers(tmp_path / "without") == (0, 0)


async def test_the_widget_history_spans_rollovers_and_shows_each_message_once(
    tmp_path: Path, model_path: Path
) -> None:
    steps = round_of_steps(0)
    with stack_on_free_ports(
        tmp_path / "var", model_path, tracker_rollover_events=THRESHOLD
    ) as stack:
        first = CLIENTS["polling"](stack.settings.socket_url)
        again = CLIENTS["websocket"](stack.settings.socket_url)
        try:
            await first.connect(origin=stack.settings.web_url)
            token = (await first.session())["session_id"]
            await first.turn(token, "/greet")
            for step in steps:
                await first.turn(token, step.text)
            await first.close()
            starts, copies = _rollovers(tmp_path / "var")

            await again.connect(origin=stack.settings.web_url)
            assert (await again.session(token))["resumed"] is True
            history = (await again.next("history"))["messages"]
            await again.forget(token)
            await again.next("session_ended")
        finally:
            await first.close()
            await again.close()
        left = _rows_of_every_sender(tmp_path / "var")

    assert starts >= 2 and copies > 0
    sent = [_shown(step.text) for step in steps]
    users = [m["text"] for m in history if m["sender"] == "user"]
    # The last messages, each once, in order: a rollover's copies are not shown again.
    assert len(users) >= 10
    assert users == sent[-len(users) :]
    assert left == 0, "forgetting deletes every session, the rollovers' too"


def _shown(text: str) -> str:
    """How the widget shows what was sent: a button's payload by the button's title."""
    return "Health" if text.startswith("/choose_agency") else text


def _rows_of_every_sender(var_dir: Path) -> int:
    with sqlite3.connect(var_dir / "tracker.db") as db:
        return int(db.execute("select count(*) from events").fetchone()[0])
