"""The widget's socket.io protocol (docs/widget-protocol.md) against the real stack.

One stack for the module (each start is ~12 s): the action server, Rasa with our socket.io
channel and the SQL tracker store, and the web app, started by bot.run as `make run` does.
Clients speak long-polling (python-socketio) or websocket (tests/bot/web/wire.py).
"""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.door import MAX_MESSAGE_CHARS
from bot.reflections.receipts import sender_hash
from bot.run import Stack
from tests.bot.web.wire import CLIENTS, Refused, WidgetClient
from tests.e2e.conftest import Rest, stack_on_free_ports

pytestmark = pytest.mark.slow

RAW = "I spoke to Sarah Jones on 07700 900123 about the referral"
IDENTIFIERS = ("Sarah", "Jones", "07700", "900123")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Iterator[Stack]:
    """One stack (actions, Rasa, web app) for the whole module."""
    with stack_on_free_ports(tmp_path_factory.mktemp("widget") / "var", model_path) as running:
        yield running


@pytest.fixture
async def clients(stack: Stack) -> Any:
    """Make clients of either transport for the stack's socket URL; all closed afterwards."""
    made: list[WidgetClient] = []

    def make(transport: str = "polling") -> WidgetClient:
        client = CLIENTS[transport](stack.settings.socket_url)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


def _origin(stack: Stack) -> str:
    return stack.settings.web_url


def _texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text", "")) for m in messages)


def _events_in_tracker(stack: Stack) -> int:
    path = stack.settings.tracker_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return int(db.execute("select count(*) from events").fetchone()[0])


def _events_of(stack: Stack, sender: str) -> int:
    path = stack.settings.tracker_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        query = "select count(*) from events where sender_id = ?"
        return int(db.execute(query, (sender,)).fetchone()[0])


def _tracker_text(stack: Stack) -> str:
    path = stack.settings.tracker_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("select sender_id, data from events").fetchall()
    return json.dumps(rows)


async def _connected(make: Any, stack: Stack, transport: str = "polling") -> WidgetClient:
    client: WidgetClient = make(transport)
    await client.connect(origin=_origin(stack))
    return client


def test_the_web_app_is_up(stack: Stack) -> None:
    with urllib.request.urlopen(f"{stack.web_url}/healthz", timeout=10) as reply:
        assert reply.read() == b"ok"


@pytest.mark.parametrize("transport", ["polling", "websocket"])
async def test_a_new_session_is_greeted_and_each_turn_completes(
    stack: Stack, clients: Any, transport: str
) -> None:
    client = await _connected(clients, stack, transport)

    confirm = await client.session(None)
    greeting = await client.turn(confirm["session_id"], "/greet")

    assert confirm["resumed"] is False
    assert isinstance(confirm["session_id"], str) and len(confirm["session_id"]) == 47
    assert "Child Z LCSPR learning briefing" in _texts(greeting)
    assert client.drain("error") == []


@pytest.mark.parametrize("transport", ["polling", "websocket"])
async def test_a_foreign_origin_is_refused_and_an_allowed_one_connects(
    stack: Stack, clients: Any, transport: str
) -> None:
    with pytest.raises(Refused):
        await clients(transport).connect(origin="https://evil.example")
    allowed = clients(transport)
    await allowed.connect(origin=_origin(stack))
    also_allowed = clients(transport)
    await also_allowed.connect(origin=f"http://localhost:{stack.settings.web_port}")

    assert (await allowed.session())["resumed"] is False


async def test_messages_without_the_bound_session_are_refused_and_not_processed(
    stack: Stack, clients: Any
) -> None:
    owner = await _connected(clients, stack)
    token = (await owner.session())["session_id"]
    await owner.turn(token, "/greet")
    before = _events_in_tracker(stack)

    stranger = await _connected(clients, stack)
    await stranger.say(token, "no session_request first")
    no_session = await stranger.next("error")
    await stranger.session()
    await stranger.say(token, "someone else's session")
    wrong_session = await stranger.next("error")

    assert "session_request" in no_session["message"]
    assert "not the session of this connection" in wrong_session["message"]
    assert _events_in_tracker(stack) == before
    assert stranger.drain("bot_uttered") == []
    assert owner.drain("bot_uttered") == []


async def test_an_over_long_message_is_an_error(stack: Stack, clients: Any) -> None:
    client = await _connected(clients, stack, "websocket")
    token = (await client.session())["session_id"]
    before = _events_in_tracker(stack)

    await client.say(token, "Sarah Jones " * (MAX_MESSAGE_CHARS // 10))
    error = await client.next("error")

    assert str(MAX_MESSAGE_CHARS) in error["message"] and "too long" in error["message"]
    assert "Sarah" not in error["message"]
    assert _events_in_tracker(stack) == before


async def test_reconnecting_resumes_with_anonymised_history_where_it_left_off(
    stack: Stack, clients: Any
) -> None:
    first = await _connected(clients, stack)
    token = (await first.session())["session_id"]
    await first.turn(token, "/greet")
    await first.turn(token, RAW)
    assert "Point 1 of 4" in _texts(await first.turn(token, "discuss and reflect"))
    assert "Point 2 of 4" in _texts(await first.turn(token, "next"))
    await first.close()

    again = await _connected(clients, stack, "websocket")
    confirm = await again.session(token)
    history = (await again.next("history"))["messages"]

    assert confirm == {"session_id": token, "resumed": True}
    users = [m["text"] for m in history if m["sender"] == "user"]
    assert "I spoke to [NAME 1] on [PHONE 1] about the referral" in users
    assert "discuss and reflect" in users and "next" in users
    assert "/greet" not in users
    assert "Point 2 of 4" in _texts([m for m in history if m["sender"] == "bot"])
    assert all(set(m) == {"sender", "text", "buttons"} for m in history)
    for identifier in IDENTIFIERS:
        assert identifier not in json.dumps(history)
        assert identifier not in _tracker_text(stack)
    assert token not in _tracker_text(stack)

    assert "Point 3 of 4" in _texts(await again.turn(token, "next"))


async def test_two_tabs_of_one_session_both_get_the_replies(stack: Stack, clients: Any) -> None:
    tab1 = await _connected(clients, stack)
    token = (await tab1.session())["session_id"]
    await tab1.turn(token, "/greet")
    tab2 = await _connected(clients, stack, "websocket")
    await tab2.session(token)
    await tab2.next("history")

    replies = await tab1.turn(token, "discuss and reflect")
    await tab2.next("turn_complete")

    assert "Point 1 of 4" in _texts(replies)
    assert "Point 1 of 4" in _texts(tab2.drain("bot_uttered"))


async def test_a_forged_token_is_not_adopted_and_reaches_no_conversation(
    stack: Stack, clients: Any
) -> None:
    victim = await _connected(clients, stack)
    token = (await victim.session())["session_id"]
    await victim.turn(token, "/greet")
    await victim.turn(token, "discuss and reflect")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    forged = token[:10] + alphabet[(alphabet.index(token[10]) + 1) % 64] + token[11:]

    attacker = await _connected(clients, stack, "websocket")
    confirm = await attacker.session(forged)
    made_up = await attacker.session("0" * 47)

    assert confirm["resumed"] is False and confirm["session_id"] not in {token, forged}
    assert made_up["resumed"] is False and made_up["session_id"] not in {token, "0" * 47}
    assert attacker.drain("history") == []
    # The attacker's socket is in its own new session: the victim's replies never reach it.
    await attacker.say(forged, "next")
    assert "not the session of this connection" in (await attacker.next("error"))["message"]
    await victim.turn(token, "next")
    assert attacker.drain("bot_uttered") == []


async def test_forget_deletes_the_conversation_and_ends_the_session_in_every_tab(
    stack: Stack, clients: Any
) -> None:
    tab1 = await _connected(clients, stack)
    token = (await tab1.session())["session_id"]
    await tab1.turn(token, "/greet")
    await tab1.turn(token, RAW)
    assert "Point 1 of 4" in _texts(await tab1.turn(token, "discuss and reflect"))
    tab2 = await _connected(clients, stack, "websocket")
    assert (await tab2.session(token))["resumed"] is True
    await tab2.next("history")
    sender = sender_hash(token, secret=stack.settings.secret, channel="socketio")
    assert _events_of(stack, sender) > 0

    await tab1.forget(token)
    ended = [await tab1.next("session_ended"), await tab2.next("session_ended")]

    assert ended == [{"reason": "forgotten"}, {"reason": "forgotten"}]
    assert _events_of(stack, sender) == 0
    assert tab1.drain("error") == [] and tab2.drain("error") == []
    # Neither tab can speak for the forgotten session any more, and nothing is written for it.
    await tab2.say(token, "next")
    assert "session_request" in (await tab2.next("error"))["message"]
    assert _events_of(stack, sender) == 0

    # Offering the old token (a copy kept somewhere) starts a new, empty session.
    again = await _connected(clients, stack)
    confirm = await again.session(token)
    assert confirm["resumed"] is False and confirm["session_id"] != token
    assert again.drain("history") == []
    greeting = await again.turn(confirm["session_id"], "/greet")
    assert "Child Z LCSPR learning briefing" in _texts(greeting)
    assert "Point 1 of 4" not in _texts(greeting)
    assert _events_of(stack, sender) == 0
    # The revocation list keeps a keyed hash of the token, never the token or the sender id.
    reflections_db = Path(stack.settings.reflections_url.removeprefix("sqlite:///"))
    stored = b"".join(f.read_bytes() for f in reflections_db.parent.glob("reflect.db*"))
    assert token.encode() not in stored and sender.encode() not in stored


async def test_forget_needs_the_session_bound_to_the_socket(stack: Stack, clients: Any) -> None:
    owner = await _connected(clients, stack)
    token = (await owner.session())["session_id"]
    await owner.turn(token, "/greet")
    sender = sender_hash(token, secret=stack.settings.secret, channel="socketio")
    before = _events_of(stack, sender)

    stranger = await _connected(clients, stack, "websocket")
    await stranger.forget(token)
    no_session = await stranger.next("error")
    await stranger.session()
    await stranger.forget(token)
    wrong_session = await stranger.next("error")

    assert "session_request" in no_session["message"]
    assert "not the session of this connection" in wrong_session["message"]
    assert _events_of(stack, sender) == before > 0
    assert owner.drain("session_ended") == [] and stranger.drain("session_ended") == []
    again = await _connected(clients, stack)
    assert await again.session(token) == {"session_id": token, "resumed": True}


async def test_a_rest_client_using_a_widget_session_id_gets_a_conversation_of_its_own(
    stack: Stack, clients: Any
) -> None:
    widget = await _connected(clients, stack)
    token = (await widget.session())["session_id"]
    await widget.turn(token, "/greet")
    await widget.turn(token, "discuss and reflect")
    assert "Point 2 of 4" in _texts(await widget.turn(token, "next"))

    intruder = Rest(stack.rasa_url, token).text_of("next")

    assert "Point 3 of 4" not in intruder
    assert widget.drain("bot_uttered") == []
    assert "Point 3 of 4" in _texts(await widget.turn(token, "next"))


async def test_a_group_session_runs_in_the_widget_and_a_member_joins_from_another(
    stack: Stack, clients: Any
) -> None:
    """Group supervision in the widget: the duration button's text plans, a member joins."""
    lead = await _connected(clients, stack)
    lead_id = (await lead.session(None))["session_id"]
    asked = _texts(await lead.turn(lead_id, "start a group session"))
    assert "How long do you have" in asked
    planned = _texts(await lead.turn(lead_id, "30 minutes"))  # the button's payload text
    code = re.search(r"Join code: ([0-9A-Z]{5}-[0-9A-Z]{5})", planned)
    assert code and "Point 1 of 4" in planned

    member = await _connected(clients, stack)
    member_id = (await member.session(None))["session_id"]
    joined = _texts(await member.turn(member_id, f"join {code.group(1)}"))
    assert "joined the group session" in joined

    noted = _texts(await lead.turn(lead_id, "we rarely ask who else lives in the house"))
    assert "Noted — 1 note on point 1" in noted
    assert code.group(1) not in _tracker_text(stack)
    assert lead.drain("error") == [] and member.drain("error") == []


# --- issue 16: the follow-up over the widget's socket (the browser test's flow, minus chromium) ---


def _custom(messages: list[dict[str, Any]], key: str) -> Any:
    """The value under ``key`` of the first custom payload that has it, else None."""
    customs = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)]
    return next((custom[key] for custom in customs if key in custom), None)


async def _followup_turn(
    client: WidgetClient, session: str, message: str, token: str
) -> list[dict[str, Any]]:
    """A turn as the widget sends it once it keeps a follow-up token (docs/widget-protocol.md)."""
    await client.emit(
        "user_uttered", {"message": message, "session_id": session, "followup": token}
    )
    await client.next("turn_complete", 60)
    return list(client.drain("bot_uttered"))


async def test_a_follow_up_opted_into_is_asked_on_a_later_visit_and_answered(
    stack: Stack, clients: Any
) -> None:
    """Opt in at the end of the points; when it is due a new session asks; the answer is kept."""
    first = await _connected(clients, stack)
    session = (await first.session(None))["session_id"]
    await first.turn(session, "/greet")
    await first.turn(session, "/start_discussion")
    for _ in range(4):
        done = await first.turn(session, "/next_point")
    assert "That's all" in _texts(done)
    opted = await first.turn(session, "/opt_in_followup")
    token = _custom(opted, "reflect_followup_token")
    assert isinstance(token, str) and re.fullmatch(r"[A-Za-z0-9_-]{32}", token)

    db_path = stack.settings.reflections_url.removeprefix("sqlite:///")
    with sqlite3.connect(db_path) as db:
        db.execute("update followups set due_on = date('now')")  # three months pass

    later = await _connected(clients, stack)
    again = (await later.session(None))["session_id"]
    greeting = await _followup_turn(later, again, "/greet", token)
    assert "About three months ago" in _texts(greeting)
    await _followup_turn(later, again, "/answer_followup", token)
    answer = "I now ask who else lives in the household at every visit and write it down."
    preview = await _followup_turn(later, again, answer, token)
    assert "household" in _texts(preview)
    await _followup_turn(later, again, "/save_reflection", token)
    saved = await _followup_turn(later, again, '/choose_agency{"agency":"health"}', token)
    assert "Saved, thank you" in _texts(saved)

    with sqlite3.connect(db_path) as db:
        kinds = db.execute("select kind from reflections where text = ?", (answer,)).fetchall()
        assert kinds == [("followup",)]
        assert db.execute("select count(*) from followups").fetchone() == (0,)
    assert first.drain("error") == [] and later.drain("error") == []


async def test_a_live_concern_typed_as_the_follow_up_answer_is_answered_and_not_kept(
    stack: Stack, clients: Any
) -> None:
    client = await _connected(clients, stack)
    session = (await client.session(None))["session_id"]
    await client.turn(session, "/greet")
    opted = await client.turn(session, "/opt_in_followup")
    token = _custom(opted, "reflect_followup_token")
    db_path = stack.settings.reflections_url.removeprefix("sqlite:///")
    with sqlite3.connect(db_path) as db:
        db.execute("update followups set due_on = date('now')")
        before = db.execute("select count(*) from reflections").fetchone()

    later = await _connected(clients, stack)
    again = (await later.session(None))["session_id"]
    await _followup_turn(later, again, "/greet", token)
    await _followup_turn(later, again, "/answer_followup", token)
    urgent = await _followup_turn(
        later, again, "I'm worried about a child right now, mum's ex has just turned up", token
    )

    assert "999" in _texts(urgent)
    with sqlite3.connect(db_path) as db:
        assert db.execute("select count(*) from reflections").fetchone() == before
    stopped = await _followup_turn(later, again, "stop the follow-up", token)
    assert _custom(stopped, "reflect_followup_forget") is True
    with sqlite3.connect(db_path) as db:
        assert db.execute("select count(*) from followups").fetchone() == (0,)
