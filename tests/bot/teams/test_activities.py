"""Reading Teams activities and building replies: pure functions, Teams-shaped JSON."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.teams.activities import (
    GREET_PAYLOAD,
    HERO_CARD,
    ActivityError,
    Conversation,
    card_action,
    channel_id_of,
    clicked_payload,
    hero_cards,
    read_activity,
    reply_activity,
    reply_url,
    sender_key,
    service_url_of,
    strip_bot_mentions,
    teams_markdown,
    tenant_id_of,
    user_said,
)

SERVICE_URL = "https://smba.trafficmanager.net/emea/"
BOT_ID = "28:9f1c2a3b-4d5e-4f60-8a7b-0c1d2e3f4a5b"
USER_ID = "29:1sarahJonesTeamsIdAbCdEf"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
AAD = "6b0b4e7e-1d3c-4f2a-9c7e-5a1b2c3d4e5f"
GROUP_ID = "19:supervision-group@thread.v2"
CHANNEL_ID = "19:safeguarding@thread.tacv2;messageid=1719000000001"


def activity(
    text: str | None = "hello",
    *,
    kind: str = "message",
    conversation: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A message as Teams sends it in a personal chat."""
    body: dict[str, Any] = {
        "type": kind,
        "id": "1719000000042",
        "timestamp": "2025-03-04T10:15:30.123Z",
        "channelId": "msteams",
        "serviceUrl": SERVICE_URL,
        "from": {"id": USER_ID, "name": "Sarah Jones", "aadObjectId": AAD},
        "conversation": conversation
        or {"conversationType": "personal", "tenantId": TENANT, "id": "a:1personalChatId"},
        "recipient": {"id": BOT_ID, "name": "Reflect"},
        "entities": [{"type": "clientInfo", "locale": "en-GB", "timezone": "Europe/London"}],
        "channelData": {"tenant": {"id": TENANT}},
        "locale": "en-GB",
    }
    if text is not None:
        body["text"] = text
        body["textFormat"] = "plain"
    body.update(extra)
    return body


def mention(name: str = "Reflect", who: str = BOT_ID) -> dict[str, Any]:
    return {"type": "mention", "text": f"<at>{name}</at>", "mentioned": {"id": who, "name": name}}


GROUP = {"conversationType": "groupChat", "isGroup": True, "tenantId": TENANT, "id": GROUP_ID}
CHANNEL = {"conversationType": "channel", "isGroup": True, "tenantId": TENANT, "id": CHANNEL_ID}


# --- what the user said ------------------------------------------------------------------------


def test_a_personal_message_is_its_text() -> None:
    incoming = read_activity(activity("  what is an LCSPR?  "))

    assert incoming.kind == "message"
    assert incoming.text == "what is an LCSPR?"
    assert incoming.channel_id == "msteams"


def test_the_bots_mention_is_removed_in_a_group_chat() -> None:
    body = activity("<at>Reflect</at> discuss and reflect", conversation=GROUP)
    body["entities"].append(mention())

    assert read_activity(body).text == "discuss and reflect"


def test_a_mention_in_the_middle_and_html_entities() -> None:
    body = activity("next&nbsp;point please <at>Reflect</at>\n", conversation=GROUP)
    body["entities"].append(mention())

    assert user_said(body) == "next point please"


def test_a_shortened_mention_is_removed_by_its_entity_text() -> None:
    body = activity("<at>Ref</at> next", conversation=GROUP)
    body["entities"].append(mention("Ref"))

    assert user_said(body) == "next"


def test_other_peoples_mentions_become_plain_names_for_the_anonymiser() -> None:
    body = activity("<at>Reflect</at> ask <at>Tom Okafor</at> about it", conversation=GROUP)
    body["entities"] += [mention(), mention("Tom Okafor", "29:tom")]

    assert user_said(body) == "ask Tom Okafor about it"


def test_only_a_mention_is_nothing_to_read() -> None:
    body = activity("<at>Reflect</at>", conversation=GROUP)
    body["entities"].append(mention())

    assert read_activity(body).text is None


@pytest.mark.parametrize(
    "value",
    [
        {"payload": "/start_discussion"},
        '{"payload": "/start_discussion"}',
        {"payload": "  /start_discussion "},
    ],
)
def test_a_click_is_its_payload_even_with_empty_text(value: Any) -> None:
    body = activity(None, value=value)

    assert read_activity(body).text == "/start_discussion"


def test_a_messageback_click_prefers_the_payload_to_its_title() -> None:
    body = activity("Discuss and reflect", value={"payload": "/start_discussion"})

    assert user_said(body) == "/start_discussion"


@pytest.mark.parametrize("value", [{"other": "x"}, "not json", ["/greet"], {"payload": ""}, 42])
def test_a_value_without_a_payload_falls_back_to_the_text(value: Any) -> None:
    assert user_said(activity("hello", value=value)) == "hello"
    assert clicked_payload(value) is None


def test_an_image_only_message_has_no_text() -> None:
    body = activity(None, attachments=[{"contentType": "image/png", "contentUrl": "https://x"}])

    incoming = read_activity(body)

    assert incoming.kind == "message" and incoming.text is None


def test_strip_bot_mentions_ignores_malformed_entities() -> None:
    entities = [None, {"type": "mention"}, {"type": "mention", "mentioned": "x", "text": 1}]

    assert strip_bot_mentions("hi  there", entities, BOT_ID) == "hi there"
    assert strip_bot_mentions("<at>Reflect</at> hi", "nope", None) == "Reflect hi"


# --- the welcome and the ignored ------------------------------------------------------------


@pytest.mark.parametrize("conversation", [None, GROUP])
def test_the_bot_added_to_a_chat_is_a_welcome(conversation: dict[str, Any] | None) -> None:
    body = activity(None, kind="conversationUpdate", conversation=conversation)
    body["membersAdded"] = [{"id": BOT_ID}]

    incoming = read_activity(body)

    assert incoming.kind == "welcome"
    assert incoming.text == GREET_PAYLOAD == "/greet"
    assert incoming.conversation is not None
    assert incoming.conversation.reply_to_id is None  # a new message, not a reply


def test_someone_else_joining_is_ignored() -> None:
    body = activity(None, kind="conversationUpdate", conversation=GROUP)
    body["membersAdded"] = [{"id": "29:tom", "aadObjectId": "x"}]

    assert read_activity(body).kind == "ignore"


@pytest.mark.parametrize("kind", ["typing", "messageReaction", "installationUpdate", "invoke"])
def test_other_activity_types_are_ignored(kind: str) -> None:
    assert read_activity(activity(None, kind=kind)).kind == "ignore"


# --- malformed activities --------------------------------------------------------------------


def _without(path: str) -> dict[str, Any]:
    body = activity()
    *parents, last = path.split(".")
    target = body
    for key in parents:
        target = target[key]
    del target[last]
    return body


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "hello",
        _without("type"),
        _without("channelId"),
        _without("serviceUrl"),
        _without("conversation"),
        _without("conversation.id"),
        _without("recipient"),
        _without("recipient.id"),
        _without("from"),
        _without("from.id"),
        {**activity(), "conversation": "a:1"},
        {**activity(), "serviceUrl": 42},
    ],
)
def test_malformed_activities_are_refused(body: Any) -> None:
    with pytest.raises(ActivityError) as refused:
        read_activity(body)

    assert "Sarah" not in str(refused.value)


def test_service_url_and_channel_of_a_body() -> None:
    assert service_url_of(activity()) == SERVICE_URL
    assert channel_id_of(activity()) == "msteams"
    for bad in (None, [], {"serviceUrl": ""}):
        with pytest.raises(ActivityError):
            service_url_of(bad)
        with pytest.raises(ActivityError):
            channel_id_of(bad)


# --- whose conversation ----------------------------------------------------------------------


def test_a_personal_chat_is_the_users() -> None:
    incoming = read_activity(activity())

    assert incoming.sender_key == f"teams:user:{USER_ID}"


def test_a_group_chat_is_one_shared_conversation() -> None:
    sarah = activity("next", conversation=GROUP)
    tom = copy.deepcopy(sarah)
    tom["from"] = {"id": "29:tom", "name": "Tom Okafor", "aadObjectId": "0f9e"}

    assert read_activity(sarah).sender_key == read_activity(tom).sender_key
    assert read_activity(sarah).sender_key == f"teams:conversation:{GROUP_ID}"


def test_each_channel_thread_is_its_own_conversation() -> None:
    other_thread = {**CHANNEL, "id": CHANNEL_ID.replace("0001", "0002")}

    first = read_activity(activity("hi", conversation=CHANNEL)).sender_key
    second = read_activity(activity("hi", conversation=other_thread)).sender_key

    assert first != second


def test_no_aad_object_id_name_or_tenant_in_the_sender_key() -> None:
    for conversation in (None, GROUP, CHANNEL):
        key = read_activity(activity(conversation=conversation)).sender_key or ""
        assert AAD not in key and "Sarah" not in key and TENANT not in key


def test_a_conversation_without_a_type_is_one_to_one() -> None:
    body = activity(conversation={"id": "direct-line-conversation"})

    assert read_activity(body).sender_key == f"teams:user:{USER_ID}"


def test_sender_key_needs_a_user_in_a_personal_chat() -> None:
    with pytest.raises(ActivityError):
        sender_key(conversation(conversation_type="personal", user_id=None))
    assert sender_key(conversation(user_id=None)) == f"teams:conversation:{CHANNEL_ID}"


def test_a_personal_welcome_without_a_sender_is_malformed() -> None:
    body = activity(None, kind="conversationUpdate")
    body["membersAdded"] = [{"id": BOT_ID}]
    del body["from"]

    with pytest.raises(ActivityError):
        read_activity(body)


# --- replies ---------------------------------------------------------------------------------


def conversation(**overrides: Any) -> Conversation:
    fields: dict[str, Any] = {
        "service_url": SERVICE_URL,
        "conversation_id": CHANNEL_ID,
        "conversation_type": "channel",
        "bot_id": BOT_ID,
        "bot_name": "Reflect",
        "user_id": USER_ID,
        "reply_to_id": "1719000000042",
    }
    fields.update(overrides)
    return Conversation(**fields)


def test_a_reply_goes_to_the_conversation_and_the_activity_it_answers() -> None:
    assert reply_url(conversation()) == (
        "https://smba.trafficmanager.net/emea/v3/conversations/"
        "19%3Asafeguarding%40thread.tacv2%3Bmessageid%3D1719000000001/activities/1719000000042"
    )
    assert reply_url(conversation(reply_to_id=None, service_url=SERVICE_URL.rstrip("/"))) == (
        f"{SERVICE_URL}v3/conversations/19%3Asafeguarding%40thread.tacv2%3Bmessageid%3D"
        "1719000000001/activities"
    )


def test_a_reply_is_markdown_from_the_bot() -> None:
    reply = reply_activity(conversation(), text="See [the procedure](https://example.org/p).")

    assert reply == {
        "type": "message",
        "from": {"id": BOT_ID, "name": "Reflect"},
        "conversation": {"id": CHANNEL_ID},
        "recipient": {"id": USER_ID},
        "replyToId": "1719000000042",
        "textFormat": "markdown",
        "text": "See [the procedure](https://example.org/p).",
    }


def test_buttons_are_messageback_actions_with_the_payload_in_value() -> None:
    reply = reply_activity(
        conversation(),
        text="What would you like to do?",
        buttons=[
            {"title": "Discuss and reflect", "payload": "/start_discussion"},
            {"title": "Help", "payload": "/ask_help"},
        ],
    )

    assert reply["attachments"] == [
        {
            "contentType": HERO_CARD,
            "content": {
                "buttons": [
                    {
                        "type": "messageBack",
                        "title": "Discuss and reflect",
                        "displayText": "Discuss and reflect",
                        "text": "Discuss and reflect",
                        "value": {"payload": "/start_discussion"},
                    },
                    {
                        "type": "messageBack",
                        "title": "Help",
                        "displayText": "Help",
                        "text": "Help",
                        "value": {"payload": "/ask_help"},
                    },
                ]
            },
        }
    ]


def test_a_clicked_button_reads_back_as_its_payload() -> None:
    payload = '/choose_agency{"agency":"police"}'
    action = card_action({"title": "Police", "payload": payload})
    assert action is not None
    click = activity(action["text"], value=action["value"])

    assert user_said(click) == payload
    assert user_said(activity(None, value=action["value"])) == payload


def test_a_long_menu_is_spread_over_cards_of_at_most_six() -> None:
    buttons = [{"title": f"Option {n}", "payload": f"/option_{n}"} for n in range(7)]

    cards = hero_cards(buttons)

    assert [len(card["content"]["buttons"]) for card in cards] == [4, 3]
    titles = [b["title"] for card in cards for b in card["content"]["buttons"]]
    assert titles == [f"Option {n}" for n in range(7)]


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        ({"title": "Open", "url": "https://example.org"}, "openUrl"),
        ({"title": "Open", "url": "javascript:alert(1)", "payload": "/ask_help"}, "messageBack"),
        ({"title": "", "payload": "/ask_help"}, None),
        ({"title": "Nothing"}, None),
        ({"title": "Blank", "payload": "  "}, None),
    ],
)
def test_card_actions(button: dict[str, Any], expected: str | None) -> None:
    action = card_action(button)

    assert (action or {}).get("type") == expected


def test_an_image_is_a_hero_card() -> None:
    reply = reply_activity(
        conversation(reply_to_id=None, user_id=None), image_url="https://i/x.png"
    )

    assert "replyToId" not in reply and "recipient" not in reply and "text" not in reply
    assert reply["attachments"] == [
        {"contentType": HERO_CARD, "content": {"images": [{"url": "https://i/x.png"}]}}
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Point 1 of 4\nWhat went well?", "Point 1 of 4\n\nWhat went well?"),
        ("Type:\n- next\n- back\nThen stop.", "Type:\n\n- next\n- back\n\nThen stop."),
        ("One.\n\nTwo.", "One.\n\nTwo."),
        ("1. first\n2. second", "1. first\n2. second"),
        ("\nTrimmed\n", "Trimmed"),
    ],
)
def test_teams_markdown_keeps_line_breaks(text: str, expected: str) -> None:
    assert teams_markdown(text) == expected


@pytest.mark.parametrize(
    ("body", "tenant"),
    [
        (
            {"channelData": {"tenant": {"id": " 72f988bf-86f1-41af-91ab-2d7cd011db47 "}}},
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
        ),
        ({"channelData": {"tenant": {"id": ""}}}, None),
        ({"channelData": {"tenant": {"id": 7}}}, None),
        ({"channelData": {"tenant": "72f988bf"}}, None),
        ({"channelData": None}, None),
        ({"conversation": {"tenantId": "72f988bf"}}, None),  # only channelData.tenant counts
        ([], None),
    ],
)
def test_tenant_id_of(body: object, tenant: str | None) -> None:
    assert tenant_id_of(body) == tenant
