"""Bot Framework activities as Teams sends and expects them: pure functions, no I/O.

Incoming (:func:`read_activity`): what the user said, in the form Reflect understands:

- typed text with the bot's @mention removed (group chats and channels put
  ``<at>Reflect</at>`` in the text and a ``mention`` entity beside it);
- a button click: our buttons are ``messageBack`` actions whose ``value`` is
  ``{"payload": "/intent"}``; Adaptive Card ``Action.Submit`` puts its data in ``value`` too.
  Rasa 3.6 reads only ``text``, so clicks that carry their meaning in ``value`` did nothing;
- the bot being added to a chat (``conversationUpdate`` with the bot in ``membersAdded``):
  the greeting payload, so the welcome is the bot's ordinary greeting, privacy notice included.

Everything else in an activity (names, ``aadObjectId``, tenant, locale, timestamps) stays here:
:class:`Incoming` keeps only what is needed to answer, and only :attr:`Incoming.text` and the
(later hashed) :attr:`Incoming.sender_key` go on towards Rasa.

Outgoing (:func:`reply_activity`): one message activity per bot message, Markdown text
(``textFormat: markdown``, so ``[label](url)`` links render) and buttons as hero-card
``messageBack`` actions, which work in personal chats, group chats and channels alike.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import quote

GREET_PAYLOAD = "/greet"
"""What the bot "hears" when it is added to a chat: its normal greeting, with the menu."""

MAX_CARD_BUTTONS = 6
"""Teams shows at most six buttons on a hero card; longer menus are spread over cards."""

HERO_CARD = "application/vnd.microsoft.card.hero"

Kind = Literal["message", "welcome", "ignore"]

_AT_TAG = re.compile(r"<at>(?P<name>.*?)</at>", re.IGNORECASE | re.DOTALL)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


class ActivityError(ValueError):
    """The body is not a Bot Framework activity we can answer; the text quotes nothing."""


@dataclass(frozen=True)
class Conversation:
    """Where a reply goes: the connector, the conversation, and the bot's and user's ids.

    Held in memory for the length of one request; never passed to Rasa.
    """

    service_url: str
    conversation_id: str
    conversation_type: str
    bot_id: str
    bot_name: str | None
    user_id: str | None
    reply_to_id: str | None
    #: The Entra ID tenant (``channelData.tenant.id``): kept with a follow-up's address, since a
    #: proactive message into a Teams conversation names the tenant it goes to.
    tenant_id: str | None = None


@dataclass(frozen=True)
class Incoming:
    """One activity, reduced to what Reflect acts on.

    ``kind`` is ``message`` (``text`` is what the user said, or None if it had no text we can
    read, such as only an image), ``welcome`` (``text`` is :data:`GREET_PAYLOAD`) or ``ignore``
    (typing indicators, reactions, members leaving, other bots' updates).
    """

    kind: Kind
    text: str | None
    sender_key: str | None
    conversation: Conversation | None
    channel_id: str | None


def _required_str(mapping: Mapping[str, Any], key: str, where: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ActivityError(f"the activity has no {where}")
    return value


def _object(activity: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = activity.get(key)
    if not isinstance(value, dict):
        raise ActivityError(f"the activity has no {key} object")
    return value


def service_url_of(body: object) -> str:
    """The activity's ``serviceUrl`` (needed to check the token), or an ActivityError."""
    if not isinstance(body, dict):
        raise ActivityError("the body must be a JSON object")
    return _required_str(body, "serviceUrl", "serviceUrl")


def channel_id_of(body: object) -> str:
    """The activity's ``channelId`` (``msteams``), checked against the key's endorsements."""
    if not isinstance(body, dict):
        raise ActivityError("the body must be a JSON object")
    return _required_str(body, "channelId", "channelId")


def tenant_id_of(body: object) -> str | None:
    """The Entra ID tenant an activity comes from (``channelData.tenant.id``), if it names one.

    Teams puts the tenant there on every activity; a single-tenant bot refuses any other.
    """
    channel_data = body.get("channelData") if isinstance(body, dict) else None
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    tenant_id = tenant.get("id") if isinstance(tenant, dict) else None
    return tenant_id.strip() if isinstance(tenant_id, str) and tenant_id.strip() else None


def sender_key(conversation: Conversation) -> str:
    """Whose conversation this is, before hashing: a person's, or a group conversation's.

    A personal chat is keyed by the user's Teams id (``from.id``, specific to this bot), so a
    practitioner carries on where they left off. A group chat, or a thread in a channel, is
    one shared discussion: a team lead runs group supervision there and everyone sees and
    steers the same briefing, so it is keyed by the conversation (each channel thread, whose
    id ends ``;messageid=...``, is its own discussion). Keying a group by whoever spoke would
    split one meeting into as many half-finished briefings as there are speakers. The
    ``aadObjectId`` is never used: it identifies the person across all of their organisation's
    apps, which is more linkage than Reflect needs. The prefixes keep a user and a conversation
    from ever sharing a pseudonym.
    """
    if conversation.conversation_type == "personal":
        if not conversation.user_id:
            raise ActivityError("the activity has no from.id")
        return f"teams:user:{conversation.user_id}"
    return f"teams:conversation:{conversation.conversation_id}"


def member_key(conversation: Conversation | None) -> str | None:
    """Who spoke, before hashing: the person, whoever's conversation it is.

    In a group chat or channel thread every member shares one conversation
    (:func:`sender_key`), so only this tells the lead of a group session from the others. It
    is the same in a personal chat, so a lead who started a session in the group is still its
    lead from their own chat with Reflect. ``None`` for an activity without ``from.id``.
    """
    if conversation is None or not conversation.user_id:
        return None
    return f"teams:user:{conversation.user_id}"


def read_activity(body: object) -> Incoming:
    """What an incoming activity means for Reflect; an :class:`ActivityError` if malformed."""
    if not isinstance(body, dict):
        raise ActivityError("the body must be a JSON object")
    kind = _required_str(body, "type", "type")
    channel_id = _required_str(body, "channelId", "channelId")
    if kind not in {"message", "conversationUpdate"}:
        return Incoming("ignore", None, None, None, channel_id)
    conversation = _conversation(body)
    if kind == "conversationUpdate":
        if not bot_was_added(body, conversation.bot_id):
            return Incoming("ignore", None, None, conversation, channel_id)
        welcome = replace(conversation, reply_to_id=None)
        return Incoming("welcome", GREET_PAYLOAD, sender_key(welcome), welcome, channel_id)
    return Incoming("message", user_said(body), sender_key(conversation), conversation, channel_id)


def _conversation(body: Mapping[str, Any]) -> Conversation:
    service_url = _required_str(body, "serviceUrl", "serviceUrl")
    conversation = _object(body, "conversation")
    recipient = _object(body, "recipient")
    sender = body.get("from")
    user_id = sender.get("id") if isinstance(sender, dict) else None
    if body.get("type") == "message" and (not isinstance(user_id, str) or not user_id.strip()):
        raise ActivityError("the activity has no from.id")
    conversation_type = conversation.get("conversationType")
    bot_name = recipient.get("name")
    reply_to = body.get("id")
    return Conversation(
        service_url=service_url,
        conversation_id=_required_str(conversation, "id", "conversation.id"),
        # Direct Line and the Emulator send no conversationType: a one-to-one chat.
        conversation_type=conversation_type if isinstance(conversation_type, str) else "personal",
        bot_id=_required_str(recipient, "id", "recipient.id"),
        bot_name=bot_name if isinstance(bot_name, str) else None,
        user_id=user_id if isinstance(user_id, str) else None,
        reply_to_id=reply_to if isinstance(reply_to, str) and reply_to else None,
        tenant_id=tenant_id_of(body),
    )


def bot_was_added(body: Mapping[str, Any], bot_id: str) -> bool:
    """True for the ``conversationUpdate`` Teams sends when the app is installed in a chat.

    Other members joining a team send the same activity type, without the bot in
    ``membersAdded``; welcoming each of them in the channel would be noise.
    """
    added = body.get("membersAdded")
    if not isinstance(added, list):
        return False
    return any(isinstance(member, dict) and member.get("id") == bot_id for member in added)


def user_said(body: Mapping[str, Any]) -> str | None:
    """The user's words or the clicked button's payload; None if there is neither.

    A payload in ``value`` wins over ``text``: a ``messageBack`` click also carries the
    button's title as text, and the payload is the exact meaning.
    """
    payload = clicked_payload(body.get("value"))
    if payload is not None:
        return payload
    text = body.get("text")
    if not isinstance(text, str):
        return None
    recipient = body.get("recipient")
    bot_id = recipient.get("id") if isinstance(recipient, dict) else None
    cleaned = strip_bot_mentions(text, body.get("entities"), bot_id)
    return cleaned or None


def clicked_payload(value: object) -> str | None:
    """The ``payload`` of a button click's ``value`` (an object, or that object as JSON)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict):
        payload = value.get("payload")
        if isinstance(payload, str) and payload.strip():
            return payload.strip()
    return None


def strip_bot_mentions(text: str, entities: object, bot_id: str | None) -> str:
    """``text`` without the bot's @mention(s); other people's mentions become plain names.

    Teams writes a mention as ``<at>Name</at>`` in the text and lists it in ``entities``
    (``type: mention``, ``mentioned.id``, ``text``). The bot's name is removed (it is not
    part of what the user asked); other names are kept as words, so the door's anonymiser
    sees and removes them like any other name. HTML entities (``&nbsp;``) are decoded.
    """
    for mention in _bot_mentions(entities, bot_id):
        text = text.replace(mention, " ")
    text = _AT_TAG.sub(lambda match: match.group("name"), text)
    text = html.unescape(text).replace("\u00a0", " ")
    return " ".join(text.split())


def _bot_mentions(entities: object, bot_id: str | None) -> list[str]:
    if not isinstance(entities, list) or not bot_id:
        return []
    found = []
    for entity in entities:
        if not isinstance(entity, dict) or entity.get("type") != "mention":
            continue
        mentioned = entity.get("mentioned")
        mention_text = entity.get("text")
        if (
            isinstance(mentioned, dict)
            and mentioned.get("id") == bot_id
            and isinstance(mention_text, str)
            and mention_text
        ):
            found.append(mention_text)
    return found


# --- outgoing --------------------------------------------------------------------------------


def reply_url(conversation: Conversation) -> str:
    """Where the connector takes the reply: ``/v3/conversations/{id}/activities[/{replyTo}]``.

    Replying to the incoming activity's id keeps an answer in the same channel thread; ids are
    percent-encoded because channel conversation ids contain ``;`` and ``:``.
    """
    base = conversation.service_url.rstrip("/")
    url = f"{base}/v3/conversations/{quote(conversation.conversation_id, safe='')}/activities"
    if conversation.reply_to_id:
        url += f"/{quote(conversation.reply_to_id, safe='')}"
    return url


def reply_activity(
    conversation: Conversation,
    *,
    text: str | None = None,
    buttons: Sequence[Mapping[str, Any]] = (),
    image_url: str | None = None,
) -> dict[str, Any]:
    """A message activity from the bot into ``conversation``: Markdown text and buttons."""
    activity: dict[str, Any] = {
        "type": "message",
        "from": {"id": conversation.bot_id, "name": conversation.bot_name or "Reflect"},
        "conversation": {"id": conversation.conversation_id},
    }
    if conversation.user_id:
        activity["recipient"] = {"id": conversation.user_id}
    if conversation.reply_to_id:
        activity["replyToId"] = conversation.reply_to_id
    if text:
        activity["textFormat"] = "markdown"
        activity["text"] = teams_markdown(text)
    attachments = hero_cards(buttons)
    if image_url:
        attachments.append({"contentType": HERO_CARD, "content": {"images": [{"url": image_url}]}})
    if attachments:
        activity["attachments"] = attachments
        activity["attachmentLayout"] = "list"
    return activity


def hero_cards(buttons: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Buttons as hero cards of clickable actions, at most six to a card, evenly spread."""
    actions = [action for action in (card_action(button) for button in buttons) if action]
    if not actions:
        return []
    cards = math.ceil(len(actions) / MAX_CARD_BUTTONS)
    size = math.ceil(len(actions) / cards)
    return [
        {"contentType": HERO_CARD, "content": {"buttons": actions[start : start + size]}}
        for start in range(0, len(actions), size)
    ]


def card_action(button: Mapping[str, Any]) -> dict[str, Any] | None:
    """A Rasa button as a Teams card action that actually does something when clicked.

    Rasa 3.6 sends ``{title, payload}``, which Teams renders but ignores on click. Here a
    payload button is ``messageBack``: the chat shows the title as the user's message
    (``displayText``), and the bot receives the payload in ``value`` (and the title as
    ``text``). A button with a ``url`` opens it.
    """
    title = str(button.get("title") or "").strip()
    if not title:
        return None
    url = button.get("url")
    if isinstance(url, str) and url.startswith("https://"):
        return {"type": "openUrl", "title": title, "value": url}
    payload = button.get("payload")
    if not isinstance(payload, str) or not payload.strip():
        return None
    return {
        "type": "messageBack",
        "title": title,
        "displayText": title,
        "text": title,
        "value": {"payload": payload.strip()},
    }


def teams_markdown(text: str) -> str:
    """Reflect's Markdown as Teams renders it: single line breaks become paragraph breaks.

    Teams joins lines separated by one newline into one paragraph, so "Point 1 of 4" and its
    prompt would run together. Consecutive list items keep their single newline (one list).
    """
    lines = text.strip("\n").split("\n")
    out: list[str] = []
    for previous, line in zip([None, *lines], lines, strict=False):
        if previous is None:
            out.append(line)
            continue
        keep_tight = (
            not previous.strip()
            or not line.strip()
            or (_LIST_ITEM.match(previous) and _LIST_ITEM.match(line))
        )
        out.append(("\n" if keep_tight else "\n\n") + line)
    return "".join(out)
