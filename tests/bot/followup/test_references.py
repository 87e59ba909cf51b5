"""The sealed Teams conversation reference (bot/followup/references.py)."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.content.schema import Pack
from bot.followup.references import (
    Reference,
    UnreadableReference,
    attach,
    open_reference,
    seal,
)
from bot.followup.service import TEAMS_REFERENCE_KEY, Who, opt_in
from bot.settings.config import Settings
from bot.storage.models import Followup
from bot.storage.session import transaction
from bot.teams.activities import Conversation, read_activity

SECRET = b"reference-test-secret-0123456789"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
USER_ID = "29:1sarahJonesTeamsIdAbCdEf"
CONVERSATION = Conversation(
    service_url="https://smba.trafficmanager.net/emea/",
    conversation_id="a:1personalChatId",
    conversation_type="personal",
    bot_id="28:bot-app-id",
    bot_name="Reflect",
    user_id=USER_ID,
    reply_to_id="1719000000001",
    tenant_id=TENANT,
)


def test_a_sealed_reference_opens_to_what_a_proactive_message_needs_only() -> None:
    sealed = seal(Reference.of(CONVERSATION), secret=SECRET, public_id="pid-1")

    opened = open_reference(sealed, secret=SECRET, public_id="pid-1")

    assert opened == Reference(
        service_url=CONVERSATION.service_url,
        conversation_id=CONVERSATION.conversation_id,
        conversation_type="personal",
        tenant_id=TENANT,
        bot_id="28:bot-app-id",
        bot_name="Reflect",
    )
    conversation = opened.conversation()
    assert conversation.user_id is None and conversation.reply_to_id is None
    for clear in (USER_ID, CONVERSATION.conversation_id, TENANT, "smba", "personal"):
        assert clear not in sealed


def test_the_same_reference_seals_differently_each_time() -> None:
    reference = Reference.of(CONVERSATION)
    assert seal(reference, secret=SECRET, public_id="p") != seal(
        reference, secret=SECRET, public_id="p"
    )


def _flip(sealed: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(sealed))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("index", [0, 1, 13, 20, -1])
def test_any_changed_byte_is_refused(index: int) -> None:
    sealed = seal(Reference.of(CONVERSATION), secret=SECRET, public_id="p")

    with pytest.raises(UnreadableReference):
        open_reference(_flip(sealed, index), secret=SECRET, public_id="p")


def test_another_secret_or_another_follow_up_cannot_open_it() -> None:
    sealed = seal(Reference.of(CONVERSATION), secret=SECRET, public_id="p")

    with pytest.raises(UnreadableReference):
        open_reference(sealed, secret=b"another-secret-0123456789abcdef!", public_id="p")
    with pytest.raises(UnreadableReference):
        open_reference(sealed, secret=SECRET, public_id="q")


@pytest.mark.parametrize("junk", [None, 3, "", "not base64 at all!", "AAAA", "x" * 5000])
def test_junk_is_refused_not_raised_otherwise(junk: object) -> None:
    with pytest.raises(UnreadableReference):
        open_reference(junk, secret=SECRET, public_id="p")


def test_the_tenant_is_read_from_the_activity() -> None:
    activity = {
        "type": "message",
        "id": "1",
        "channelId": "msteams",
        "serviceUrl": "https://smba.trafficmanager.net/emea/",
        "from": {"id": USER_ID},
        "conversation": {"id": "a:1chat", "conversationType": "personal"},
        "recipient": {"id": "28:bot", "name": "Reflect"},
        "channelData": {"tenant": {"id": TENANT}},
        "text": "hello",
    }
    conversation = read_activity(activity).conversation
    assert conversation is not None and conversation.tenant_id == TENANT
    json.dumps(Reference.of(conversation).__dict__)  # all plain values


def _teams_row(factory: sessionmaker, settings: Settings, pack: Pack) -> str:
    result = opt_in(
        factory, settings, Who("teams", "s_sender", None), pack=pack, points=[], today=date.today()
    )
    return str(result.payloads[0][TEAMS_REFERENCE_KEY])


def test_attach_stores_the_sealed_reference_once(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    public_id = _teams_row(factory, settings, pack)

    assert attach(factory, settings, public_id, CONVERSATION)
    assert not attach(factory, settings, public_id, replace(CONVERSATION, conversation_id="x"))

    with transaction(factory) as session:
        row = session.execute(select(Followup)).scalar_one()
    opened = open_reference(row.reference, secret=settings.secret, public_id=public_id)
    assert opened.conversation_id == CONVERSATION.conversation_id


def test_attach_refuses_a_widget_row_an_unknown_id_and_a_sent_follow_up(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    opt_in(
        factory,
        settings,
        Who("socketio", "s", {"followup_token": "t" * 32}),
        pack=pack,
        points=[],
        today=date.today(),
    )
    with transaction(factory) as session:
        widget_id = session.execute(select(Followup.public_id)).scalar_one()
    public_id = _teams_row(factory, settings, pack)
    with transaction(factory) as session:
        session.execute(
            select(Followup).where(Followup.public_id == public_id)
        ).scalar_one().status = "asked"

    assert not attach(factory, settings, widget_id, CONVERSATION)
    assert not attach(factory, settings, "no-such-follow-up", CONVERSATION)
    assert not attach(factory, settings, public_id, CONVERSATION)
    with transaction(factory) as session:
        assert session.execute(select(Followup.reference)).scalars().all() == [None, None]
