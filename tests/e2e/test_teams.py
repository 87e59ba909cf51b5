"""Teams end to end: the real Rasa and action servers behind a fake Bot Framework connector.

One stack and one fake connector for the module (a stack takes ~12 s to start). The connector
serves the OpenID metadata, key set and token endpoint the bot uses, signs the channel tokens,
posts Teams-shaped activities to /webhooks/teams/webhook and records the replies the bot posts
back to ``{serviceUrl}v3/conversations/...``. Everything is on 127.0.0.1.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from docx import Document

from bot.reflections.receipts import sender_hash
from bot.run import Stack, start_stack
from bot.settings.config import child_environment
from tests.e2e.conftest import Rest, free_port
from tests.e2e.fake_connector import (
    SARAH,
    SCOPE,
    TENANT_ID,
    TOM,
    FakeConnector,
    Reply,
    TeamsUser,
)
from tests.settings import make_settings

pytestmark = pytest.mark.slow

APP_ID = "9f1c2a3b-4d5e-4f60-8a7b-0c1d2e3f4a5b"
APP_PASSWORD = "fake-connector-client-secret"


@pytest.fixture(scope="module")
def connector() -> Iterator[FakeConnector]:
    with FakeConnector(app_id=APP_ID, app_password=APP_PASSWORD) as fake:
        yield fake


@pytest.fixture(scope="module")
def teams_stack(
    tmp_path_factory: pytest.TempPathFactory, model_path: Path, connector: FakeConnector
) -> Iterator[Stack]:
    """Reflect with Teams configured against the fake connector (its serviceUrl and tenant only)."""
    base = make_settings(
        var_dir=tmp_path_factory.mktemp("teams") / "var",
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
    )
    settings = replace(
        base,
        teams_app_id=APP_ID,
        teams_app_password=APP_PASSWORD,
        teams_openid_url=connector.openid_url,
        teams_token_url=connector.token_url,
        teams_service_urls=(connector.allowed_prefix,),
        teams_tenant_id=TENANT_ID,
    )
    stack = start_stack(settings, model_path)
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def webhook(teams_stack: Stack) -> str:
    return f"{teams_stack.rasa_url}/webhooks/teams/webhook"


def said(replies: list[Reply]) -> str:
    """Every reply text and button title, joined, for simple assertions."""
    parts = []
    for reply in replies:
        parts.append(reply.text)
        parts.extend(action["title"] for action in reply.actions)
    return "\n".join(parts)


def action_for(replies: list[Reply], payload: str) -> dict[str, Any]:
    """The button (card action) in ``replies`` that sends ``payload``."""
    for reply in replies:
        for action in reply.actions:
            if action.get("value", {}).get("payload") == payload:
                return action
    raise AssertionError(f"no button for {payload} in {said(replies)!r}")


def user(name: str) -> TeamsUser:
    """A user of one test, so conversations never mix between tests."""
    return TeamsUser(f"29:1{name}TeamsId", f"{name.title()} Tester", f"aad-{name}-0000")


# --- conversations ----------------------------------------------------------------------------


def test_hello_in_a_personal_chat_gets_the_greeting_as_markdown_with_working_buttons(
    connector: FakeConnector, webhook: str
) -> None:
    activity = connector.message("hello", user=user("greeting"))

    replies = connector.send(webhook, activity)

    text = said(replies)
    assert "Child Z LCSPR learning briefing" in text and "Discuss and reflect" in text
    for reply in replies:
        assert reply.conversation_id == activity["conversation"]["id"]
        assert reply.reply_to_id == reply.activity["replyToId"] == activity["id"]
        assert reply.service_path == "/amer/"
        assert reply.activity["from"]["id"] == f"28:{APP_ID}"
        assert reply.activity["type"] == "message"
        if reply.text:
            assert reply.activity["textFormat"] == "markdown"
    actions = [action for reply in replies for action in reply.actions]
    assert actions, "the menu has buttons"
    for action in actions:
        assert action["type"] == "messageBack"
        assert action["value"]["payload"].startswith("/")
        assert action["displayText"] == action["title"]


def test_a_click_with_only_a_value_chooses_the_menu_option(
    connector: FakeConnector, webhook: str
) -> None:
    clicker = user("clicker")
    menu = connector.send(webhook, connector.message("hello", user=clicker))

    # Adaptive-card style: no text at all, the meaning is only in value.
    discuss = action_for(menu, "/start_discussion")
    first = connector.send(webhook, connector.click(discuss, user=clicker, with_text=False))
    assert "Point 1 of 4" in said(first)

    # messageBack as Teams sends it from our hero card: the title as text, the payload in value.
    following = connector.send(
        webhook, connector.click(action_for(first, "/next_point"), user=clicker)
    )
    assert "Point 2 of 4" in said(following)


def test_procedure_links_are_markdown_links(connector: FakeConnector, webhook: str) -> None:
    replies = connector.send(
        webhook, connector.message("procedures and contacts", user=user("links"))
    )

    linked = [r for r in replies if "](https://" in r.text]
    assert linked and "sussexchildprotection.procedures.org.uk" in linked[0].text
    assert all(r.activity["textFormat"] == "markdown" for r in linked)


def test_adding_the_app_to_a_personal_chat_sends_the_welcome(
    connector: FakeConnector, webhook: str
) -> None:
    activity = connector.bot_added(user=user("installer"))

    replies = connector.send(webhook, activity)

    assert "Child Z LCSPR learning briefing" in said(replies)
    assert all(r.conversation_id == activity["conversation"]["id"] for r in replies)
    assert all(r.reply_to_id is None and "replyToId" not in r.activity for r in replies)


def test_adding_the_app_to_a_group_chat_welcomes_the_group_and_others_joining_do_not(
    connector: FakeConnector, webhook: str
) -> None:
    group = connector.group_chat("welcome-group")

    welcome = connector.send(webhook, connector.bot_added(conversation=group))
    assert "Child Z LCSPR learning briefing" in said(welcome)
    assert {r.conversation_id for r in welcome} == {group["id"]}

    before = len(connector.replies)
    status, _ = connector.post(webhook, connector.member_added(TOM, conversation=group))
    assert status == 202
    assert len(connector.replies) == before


def test_a_group_chat_is_one_discussion_with_the_mention_stripped(
    connector: FakeConnector, webhook: str
) -> None:
    group = connector.group_chat("supervision-team-a")
    sarah = connector.message("discuss and reflect", conversation=group, mention=True)
    assert sarah["text"].startswith("<at>Reflect</at> ")

    first = connector.send(webhook, sarah)
    assert "Point 1 of 4" in said(first)
    assert {r.conversation_id for r in first} == {group["id"]}

    # Another member of the same chat moves the same discussion on.
    tom = connector.message("next", user=TOM, conversation=group, mention=True)
    second = connector.send(webhook, tom)
    assert "Point 2 of 4" in said(second)
    assert {r.reply_to_id for r in second} == {tom["id"]}


def test_a_channel_thread_gets_its_reply_in_the_thread(
    connector: FakeConnector, webhook: str
) -> None:
    thread = connector.channel_thread("safeguarding-leads", "1719000000999")
    activity = connector.message("what is an LCSPR?", conversation=thread, mention=True)

    replies = connector.send(webhook, activity)

    assert "Local Child Safeguarding Practice Review" in said(replies)
    assert {r.conversation_id for r in replies} == {thread["id"]}  # ;messageid= kept
    assert {r.reply_to_id for r in replies} == {activity["id"]}


# --- what reaches the tracker store -----------------------------------------------------------

RAW_TEXT = "I spoke to Sarah Jones on 07700 900123 at BN21 4UG about Child Z."


def test_no_identifier_from_text_or_activity_reaches_the_tracker_store(
    connector: FakeConnector, webhook: str, teams_stack: Stack
) -> None:
    personal = connector.message(RAW_TEXT, user=SARAH)
    group = connector.group_chat("privacy-check")
    mentioned = connector.message(
        "ask <at>Tom Okafor</at> about 07700 900123", user=TOM, conversation=group, mention=True
    )
    assert connector.send(webhook, personal) and connector.send(webhook, mentioned)

    db = sqlite3.connect(teams_stack.settings.var_dir / "tracker.db")
    try:
        rows = db.execute("select sender_id, data from events").fetchall()
    finally:
        db.close()
    stored = "\n".join(f"{sender} {data}" for sender, data in rows)
    secret = teams_stack.settings.secret
    assert sender_hash(f"teams:user:{SARAH.id}", secret=secret, channel="teams") in stored
    assert (
        sender_hash(f"teams:conversation:{group['id']}", secret=secret, channel="teams") in stored
    )
    for identifier in (
        "Sarah",
        "Jones",
        "Okafor",
        "07700 900123",
        "BN21 4UG",
        SARAH.id,
        SARAH.aad_object_id,
        TOM.id,
        TOM.aad_object_id,
        TENANT_ID,
        personal["conversation"]["id"],
        group["id"],
        "<at>",
    ):
        assert identifier not in stored, identifier
    assert "Child Z" in stored  # the anonymised text itself is there


# --- forged requests: 401 and no reply --------------------------------------------------------

OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)

Forgery = Callable[[FakeConnector, dict[str, Any]], tuple[str | None, dict[str, Any]]]


def _now() -> int:
    return int(time.time())


def _with_token(make: Callable[[FakeConnector], str]) -> Forgery:
    return lambda c, activity: (f"Bearer {make(c)}", activity)


def _foreign_service_url(c: FakeConnector, activity: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A genuine-looking token and activity for a serviceUrl that is not an allowed connector."""
    elsewhere = f"{c.base_url}/not-a-connector/"
    return f"Bearer {c.token(serviceurl=elsewhere)}", {**activity, "serviceUrl": elsewhere}


FORGERIES: dict[str, Forgery] = {
    "missing header": lambda c, activity: (None, activity),
    "not Bearer": lambda c, activity: ("Basic cmVmbGVjdDpyZWZsZWN0", activity),
    "Bearer garbage": lambda c, activity: ("Bearer abc.def", activity),
    "signed by another key": _with_token(lambda c: c.sign(c.claims(), key=OTHER_KEY)),
    "expired": _with_token(lambda c: c.token(exp=_now() - 3600, nbf=_now() - 7200, iat=None)),
    "not yet valid": _with_token(lambda c: c.token(nbf=_now() + 3600, iat=None)),
    "wrong audience": _with_token(lambda c: c.token(aud="another-bot-app-id")),
    "wrong issuer": _with_token(lambda c: c.token(iss="https://sts.windows.net/attacker/")),
    "no kid": _with_token(lambda c: c.sign(c.claims(), headers={})),
    "unknown kid": _with_token(lambda c: c.sign(c.claims(), headers={"kid": "rotated-away"})),
    "alg none": _with_token(lambda c: c.unsigned(c.claims())),
    "HS256 with the public key": _with_token(lambda c: c.hs256_with_public_key(c.claims())),
    "token for another serviceUrl": _with_token(
        lambda c: c.token(serviceurl="https://smba.trafficmanager.net/amer/")
    ),
    "serviceUrl outside the allow-list": _foreign_service_url,
    "key not endorsed for the channel": lambda c, activity: (
        f"Bearer {c.token()}",
        {**activity, "channelId": "webchat"},
    ),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_requests_get_401_and_no_answer(
    connector: FakeConnector, webhook: str, forgery: str
) -> None:
    activity = connector.message("hello", user=user(f"forged{len(forgery)}"))
    authorization, body = FORGERIES[forgery](connector, activity)
    before = len(connector.replies)

    if authorization is None:
        status, response = connector.post(webhook, body, token=None)
    else:
        status, response = connector.post(webhook, body, authorization=authorization)

    assert status == 401, response
    assert json.loads(response) == {"error": "unauthorized"}
    time.sleep(0.2)  # a reply would have been posted before the webhook answered; be generous
    assert len(connector.replies) == before
    assert connector.refused_replies == []


def test_a_malformed_activity_with_a_genuine_token_is_a_400(
    connector: FakeConnector, webhook: str
) -> None:
    status, response = connector.post(webhook, None, raw=b"this is not json")
    assert status == 400 and json.loads(response) == {"error": "the body must be a JSON object"}

    activity = connector.message("hello")
    del activity["conversation"]
    status, response = connector.post(webhook, activity)
    assert status == 400 and json.loads(response) == {
        "error": "the activity has no conversation object"
    }


def test_the_bot_used_one_cached_token_from_the_token_endpoint_for_every_reply(
    connector: FakeConnector, webhook: str
) -> None:
    connector.send(webhook, connector.message("hi", user=user("tokens")))

    assert connector.token_requests == [
        {
            "grant_type": "client_credentials",
            "client_id": APP_ID,
            "client_secret": APP_PASSWORD,
            "scope": SCOPE,
        }
    ]
    assert connector.refused_replies == []  # every reply carried the token the endpoint issued


# --- other tenants; other channels naming a Teams conversation --------------------------------

OTHER_TENANT = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"


@pytest.mark.parametrize(
    "channel_data",
    [
        {"tenant": {"id": OTHER_TENANT}},
        {"tenant": {}},
        {},
        None,
    ],
    ids=["another tenant", "tenant without id", "no tenant", "no channelData"],
)
def test_an_activity_not_from_our_tenant_is_refused_and_not_answered(
    connector: FakeConnector, webhook: str, channel_data: dict[str, Any] | None
) -> None:
    activity = connector.message("hello", user=user("elsewhere"))
    if channel_data is None:
        del activity["channelData"]
    else:
        activity["channelData"] = channel_data
    before = len(connector.replies)

    status, response = connector.post(webhook, activity)

    assert status == 403, response
    assert json.loads(response) == {"error": "forbidden"}
    time.sleep(0.2)
    assert len(connector.replies) == before


def _tracker_senders(stack: Stack) -> set[str]:
    db = sqlite3.connect(stack.settings.var_dir / "tracker.db")
    try:
        return {sender for (sender,) in db.execute("select distinct sender_id from events")}
    finally:
        db.close()


@pytest.mark.parametrize("kind", ["group chat", "personal chat"])
def test_a_rest_client_naming_a_teams_conversation_gets_a_conversation_of_its_own(
    connector: FakeConnector, webhook: str, teams_stack: Stack, kind: str
) -> None:
    member = user(f"collide{len(kind)}")
    if kind == "group chat":
        group = connector.group_chat("rest-collision")
        said_in_teams = {"conversation": group, "mention": True}
        pre_hash_id = f"teams:conversation:{group['id']}"
    else:
        said_in_teams = {"user": member}
        pre_hash_id = f"teams:user:{member.id}"

    def in_teams(text: str) -> str:
        return said(connector.send(webhook, connector.message(text, **said_in_teams)))

    in_teams("discuss and reflect")
    assert "Point 2 of 4" in in_teams("next")
    before = _tracker_senders(teams_stack)

    intruder = Rest(teams_stack.rasa_url, pre_hash_id).text_of("next")

    assert "Point 3 of 4" not in intruder
    assert len(_tracker_senders(teams_stack) - before) == 1  # a conversation of its own
    # The Teams conversation is where it was.
    assert "Point 3 of 4" in in_teams("next")


# --- group supervision in a channel thread (issue 12) ----------------------------------------

PRIYA = TeamsUser(
    "29:1priyaShahTeamsIdMnOpQr", "Priya Shah", "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a99"
)
JOIN_CODE = re.compile(r"Join code: ([0-9A-Z]{5}-[0-9A-Z]{5})")
DOWNLOAD = re.compile(r"\((https?://[^)\s]+/minutes/[^)\s]+\.docx)\)")


def test_a_lead_runs_a_group_session_in_a_channel_thread_with_three_members(
    connector: FakeConnector, webhook: str, teams_stack: Stack
) -> None:
    """Three people @mention Reflect in one thread; only the lead moves it on or is minuted.

    Sarah leads; Tom and Priya are members. Tom's "next" is refused politely and changes
    nothing; Priya's live concern gets the urgent answer and is never minuted; Tom joins from
    his personal chat with the code; the lead sees a count, never who. The minutes download
    from the web app and hold no name typed in the thread.
    """
    thread = connector.channel_thread("supervision", "1719000000001")

    def say(person: TeamsUser, text: str) -> str:
        activity = connector.message(text, user=person, conversation=thread, mention=True)
        return said(connector.send(webhook, activity))

    assert "How long do you have" in say(SARAH, "start a group session")
    planned = say(SARAH, "30 minutes")
    assert "Point 1 of 4" in planned
    code = JOIN_CODE.search(planned)
    assert code, planned

    refused = say(TOM, "next")
    assert "Only the person who started this session" in refused
    assert "Point 2" not in refused
    assert "Only the person who started" in say(PRIYA, "how many have joined?")

    noted = say(SARAH, "Tom Okafor said we never ask who a new partner is")
    assert "Noted — 1 note on point 1" in noted

    joined = said(connector.send(webhook, connector.message(f"join {code.group(1)}", user=TOM)))
    assert "You've joined the group session" in joined
    assert "1 joined" in say(SARAH, "how many have joined?")

    urgent = say(
        PRIYA,
        "a girl at my school told me today her stepdad hurts her and she is scared to go home",
    )
    assert "999" in urgent
    assert "Noted" not in urgent

    assert "Point 2 of 4" in say(SARAH, "next")
    assert "Noted — 1 note on point 2" in say(SARAH, "contact arrangements are not reviewed")
    assert "Attendance" in say(SARAH, "/finish_group_session")
    assert "in all" in say(SARAH, "2 social care and 1 police officer")
    assert "Agreed actions" in say(SARAH, "/affirm")
    minutes = say(SARAH, "/deny")
    assert "Minutes" in minutes and "receipt code" in minutes
    link = DOWNLOAD.search(minutes)
    assert link, minutes

    with urllib.request.urlopen(link.group(1), timeout=30) as response:
        assert response.status == 200
        document = Document(io.BytesIO(response.read()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "we never ask who a new partner is" in text
    assert "contact arrangements are not reviewed" in text
    for identifier in ("Okafor", "Tom", "Priya", "Shah", "Sarah", "Jones", "stepdad hurts her"):
        assert identifier not in text + cells
    db = sqlite3.connect(teams_stack.settings.var_dir / "tracker.db")
    try:
        stored = "\n".join(data for (data,) in db.execute("select data from events"))
    finally:
        db.close()
    assert not re.search(r"m_[0-9a-f]{64}", stored)  # the member hash lives for the turn only
    for person in (SARAH, TOM, PRIYA):
        assert person.id not in stored and person.aad_object_id not in stored
    assert "Okafor" not in stored


# --- the follow-up, the whole way round -------------------------------------------------------


def _reflections_db(stack: Stack) -> str:
    return stack.settings.reflections_url.removeprefix("sqlite:///")


def _send_due_followups(stack: Stack, tmp_path: Path) -> str:
    """`reflect followups send`, as the daily job or cron runs it, with the stack's settings."""
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "followups", "send"],
        env=child_environment(stack.settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_a_follow_up_opted_into_in_teams_is_sent_once_then_answered_there(
    connector: FakeConnector, webhook: str, teams_stack: Stack, tmp_path: Path
) -> None:
    """Opt in by chat; months later the job's proactive message arrives once; the answer is kept."""
    me = user("followup")
    connector.send(webhook, connector.message("hello", user=me))
    replies = connector.send(webhook, connector.message("follow me up in three months", user=me))
    assert "send you a message here in Teams" in said(replies)
    conversation = replies[0].conversation_id
    with sqlite3.connect(_reflections_db(teams_stack)) as db:
        [(channel, reference)] = db.execute("select channel, reference from followups").fetchall()
        assert channel == "teams" and reference  # the address, sealed
        assert conversation not in reference and me.id not in reference
        db.execute("update followups set due_on = date('now')")  # about three months pass

    before = len(connector.proactive)
    _send_due_followups(teams_stack, tmp_path)
    _send_due_followups(teams_stack, tmp_path)  # the next day's run: nothing more
    [question] = connector.proactive[before:]
    assert question.conversation_id == conversation and "About three months ago" in question.text
    with sqlite3.connect(_reflections_db(teams_stack)) as db:
        assert db.execute("select status, reference from followups").fetchall() == [("asked", None)]

    replies = connector.send(
        webhook, connector.click(action_for([question], "/answer_followup"), user=me)
    )
    answer = "I now check who else lives in the household before closing a case."
    replies = connector.send(webhook, connector.message(answer, user=me))
    replies = connector.send(
        webhook, connector.click(action_for(replies, "/save_reflection"), user=me)
    )
    assert "Which kind of organisation" in said(replies)
    replies = connector.send(webhook, connector.message("Prefer not to say", user=me))
    assert "Saved, thank you" in said(replies)
    with sqlite3.connect(_reflections_db(teams_stack)) as db:
        assert db.execute("select text from reflections where kind = 'followup'").fetchall() == [
            (answer,)
        ]
        assert db.execute("select count(*) from followups").fetchone() == (0,)
