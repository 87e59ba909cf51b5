"""Opting in to the follow-up, opting out, what is kept, and asking it on a later visit.

INTERFACE STUB (issue 16): the followup helper implements it; actions call it.
Every function takes the conversation's channel kind (``tracker.get_latest_input_channel()``),
sender id and latest message metadata: Teams finds its follow-up by a keyed hash of the sender;
the web widget by a keyed hash of the follow-up token it keeps (metadata ``followup_token``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import sessionmaker

from bot.content.messages import Message
from bot.content.schema import Pack
from bot.settings.config import Settings

#: The custom payload key that carries a new widget follow-up token to the widget.
WIDGET_TOKEN_KEY = "reflect_followup_token"
#: The custom payload key the Teams output channel takes (never sends) to store the reference.
TEAMS_REFERENCE_KEY = "reflect_followup_reference"


@dataclass(frozen=True)
class Who:
    """The conversation asking: its channel kind, sender id and latest message metadata."""

    channel_kind: str
    sender_id: str
    metadata: Mapping[str, Any] | None


@dataclass(frozen=True)
class OptInResult:
    """What opting in did: the message to show and custom payloads to send after it."""

    message: Message
    payloads: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class DueFollowup:
    """A follow-up being answered now: its id (kept in the ``followup_id`` slot) and question."""

    public_id: str
    pack_id: str
    message: Message


def opt_in(
    factory: sessionmaker,
    settings: Settings,
    who: Who,
    *,
    pack: Pack,
    points: Sequence[str],
    today: date,
) -> OptInResult:
    """Record the opt-in (one per person and pack: again replaces it).

    A channel that cannot be followed up (REST) gets a message saying so; nothing is stored.
    """
    raise NotImplementedError


def opt_out(factory: sessionmaker, settings: Settings, who: Who) -> Message:
    """Delete every follow-up of this person (and any stored Teams reference); say so."""
    raise NotImplementedError


def kept(factory: sessionmaker, settings: Settings, who: Who, *, today: date) -> Message:
    """Answer "what do you keep for the follow-up?": what is stored for them, or nothing."""
    raise NotImplementedError


def due_now(
    factory: sessionmaker, settings: Settings, who: Who, *, today: date
) -> DueFollowup | None:
    """A follow-up this person should answer now, or ``None``.

    In Teams, one sent to them; in the widget, one due on this visit, which is marked asked.
    """
    raise NotImplementedError


def answered(factory: sessionmaker, settings: Settings, public_id: str) -> None:
    """The answer was saved (a reflections row of kind "followup"): delete the follow-up."""
    raise NotImplementedError
