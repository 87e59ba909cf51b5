"""Opting in to the follow-up, opting out, what is kept, and asking it on a later visit.

The contract between the dialogue (actions/followup.py calls it) and the follow-up machinery.
Every function takes the conversation's channel kind (``tracker.get_latest_input_channel()``),
sender id and latest message metadata: Teams finds its follow-up by a keyed hash of the sender;
the web widget by a keyed hash of the follow-up token it keeps (metadata ``followup_token``).

Who a follow-up belongs to is never stored, only ``owner_key``: an HMAC under the server secret
with this module's own domain label, of the Teams sender (already the door's pseudonym, so the
Teams id is two keyed hashes away) or of the widget's random follow-up token (which only the
practitioner's browser holds). Nothing can go from a row back to a person; the practitioner can
go from themselves to their row, which is what "stop the follow-up" needs.

A Teams follow-up also needs the conversation's address to send the proactive message: opting
in returns a custom payload that the Teams output channel takes (never sends) to store the
address encrypted on the row (bot/followup/references.py). The daily job sends it and deletes
the address (bot/followup/job.py). A widget follow-up is asked on the first visit on or after
its due day, so nothing else is stored for it.
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.briefing.views import long_date
from bot.content.loader import PackError, get_pack
from bot.content.messages import Message, render
from bot.content.schema import Pack
from bot.reflections.receipts import keyed_hex
from bot.settings.config import Settings
from bot.storage.models import MAX_FOLLOWUP_POINTS_LENGTH, Followup
from bot.storage.session import transaction

#: The custom payload key that carries a new widget follow-up token to the widget.
WIDGET_TOKEN_KEY = "reflect_followup_token"
#: The custom payload that makes the widget forget its follow-up token (docs/widget-protocol.md),
#: for the dialogue to send after "stop the follow-up" in the widget: ``{WIDGET_FORGET_KEY: True}``.
WIDGET_FORGET_KEY = "reflect_followup_forget"
#: The custom payload key the Teams output channel takes (never sends) to store the reference.
TEAMS_REFERENCE_KEY = "reflect_followup_reference"
#: The widget's follow-up token as it sends it back in the message metadata.
TOKEN_METADATA_KEY = "followup_token"
#: What ``secrets.token_urlsafe(24)`` gives: 32 URL-safe characters (192 bits). Anything else
#: in the metadata is ignored, never hashed or stored.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")
TOKEN_BYTES = 24

#: Rasa's channel names, and the follow-up channel each one can be reached by.
TEAMS_CHANNEL_KIND = "teams"
WIDGET_CHANNEL_KIND = "socketio"

#: The confirmation and the "what do you keep?" answer for each kind of follow-up.
_OPTED_IN = {"teams": "followup_opted_in_teams", "widget": "followup_opted_in_widget"}
_KEPT = {"teams": "followup_kept_teams", "widget": "followup_kept_widget"}

_TEAMS_OWNER_DOMAIN = b"reflect/followup-owner-teams\x00"
_WIDGET_OWNER_DOMAIN = b"reflect/followup-owner-widget\x00"


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
    #: The one point discussed before the follow-up, whose impact the answer is; ``None`` when
    #: several (or none) were: the answer is then about the briefing as a whole ("general").
    point_number: int | None = None


@dataclass(frozen=True)
class Owner:
    """Whose follow-ups these are: the row's channel and its keyed hash of the practitioner."""

    channel: str
    key: str


def widget_token(metadata: Mapping[str, Any] | None) -> str | None:
    """The widget's follow-up token from the message metadata, if it has a token's shape."""
    token = metadata.get(TOKEN_METADATA_KEY) if isinstance(metadata, Mapping) else None
    return token if isinstance(token, str) and TOKEN_SHAPE.fullmatch(token) else None


def owner_of(settings: Settings, who: Who) -> Owner | None:
    """The follow-up owner of this conversation; ``None`` where no follow-up can reach them.

    Teams: the sender, which the door already replaced by a keyed hash (a personal chat is the
    person's; a group chat is the conversation's, so a follow-up opted into there is asked
    there). The widget: the follow-up token its browser keeps, not the session's sender, so a
    follow-up survives the widget session ending ("forget this conversation" included).
    """
    if who.channel_kind == TEAMS_CHANNEL_KIND and who.sender_id:
        return Owner("teams", keyed_hex(settings.secret, _TEAMS_OWNER_DOMAIN, who.sender_id))
    if who.channel_kind == WIDGET_CHANNEL_KIND:
        token = widget_token(who.metadata)
        if token is not None:
            return Owner("widget", _widget_key(settings, token))
    return None


def _widget_key(settings: Settings, token: str) -> str:
    return keyed_hex(settings.secret, _WIDGET_OWNER_DOMAIN, token)


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

    A channel that cannot be followed up (REST) gets a message saying so and nothing is stored.
    The widget without a follow-up token gets a new one, in a custom payload for it to keep;
    Teams gets a payload its output channel takes to store the conversation's address.
    """
    payloads: tuple[dict[str, Any], ...] = ()
    owner = owner_of(settings, who)
    if owner is None and who.channel_kind == WIDGET_CHANNEL_KIND:
        # A first opt-in in this browser: the widget keeps the token, we keep only its hash.
        token = secrets.token_urlsafe(TOKEN_BYTES)
        owner = Owner("widget", _widget_key(settings, token))
        payloads = ({WIDGET_TOKEN_KEY: token},)
    if owner is None:
        return OptInResult(render("followup_unavailable"))
    due_on = today + timedelta(days=settings.followup_days)
    public_id = secrets.token_urlsafe(16)
    with transaction(factory) as session:
        session.execute(
            delete(Followup).where(Followup.owner_key == owner.key, Followup.pack_id == pack.id)
        )
        session.add(
            Followup(
                public_id=public_id,
                channel=owner.channel,
                owner_key=owner.key,
                pack_id=pack.id,
                pack_version=pack.version,
                points=_joined_points(pack, points),
                due_on=due_on,
                status="pending",
                attempts=0,
            )
        )
    if owner.channel == "teams":
        payloads = ({TEAMS_REFERENCE_KEY: public_id},)
    message = render(
        _OPTED_IN[owner.channel],
        briefing_title=pack.title,
        due_date=long_date(due_on),
        points=_kept_points(pack, _split(_joined_points(pack, points))),
    )
    return OptInResult(message, payloads)


def _joined_points(pack: Pack, points: Sequence[str]) -> str:
    """The pack's point ids among ``points``, once each, in pack order, comma-separated."""
    wanted = set(points)
    ids = [point.id for point in pack.discussion_points if point.id in wanted]
    joined = ",".join(ids)
    while len(joined) > MAX_FOLLOWUP_POINTS_LENGTH:  # never with real packs; never a DB error
        ids.pop()
        joined = ",".join(ids)
    return joined


def _split(points: str) -> list[str]:
    return [point for point in points.split(",") if point]


def _point_numbers(pack: Pack | None, point_ids: Sequence[str]) -> list[str]:
    if pack is None:
        return list(point_ids)
    numbers = {point.id: str(point.number) for point in pack.discussion_points}
    return [numbers.get(point_id, point_id) for point_id in point_ids]


def _kept_points(pack: Pack | None, point_ids: Sequence[str]) -> str:
    """The discussed points' numbers in plain words ("1, 2 and 4"), or that there were none."""
    numbers = _point_numbers(pack, point_ids)
    if not numbers:
        return render("followup_points_none").text
    if len(numbers) == 1:
        return numbers[0]
    listed = ", ".join(numbers[:-1])
    return render("followup_points_many", numbers=listed, last=numbers[-1]).text


def opt_out(factory: sessionmaker, settings: Settings, who: Who) -> Message:
    """Delete every follow-up of this person (and any stored Teams reference); say so."""
    owner = owner_of(settings, who)
    if owner is None:
        return render("followup_stopped_nothing")
    with transaction(factory) as session:
        deleted = session.execute(delete(Followup).where(Followup.owner_key == owner.key))
    if not deleted.rowcount:
        return render("followup_stopped_nothing")
    return render("followup_stopped")


def kept(factory: sessionmaker, settings: Settings, who: Who, *, today: date) -> Message:
    """Answer "what do you keep for the follow-up?": exactly what is stored for them, or nothing."""
    owner = owner_of(settings, who)
    if owner is None:
        return render("followup_kept_nothing")
    with transaction(factory) as session:
        rows = session.execute(
            select(Followup).where(Followup.owner_key == owner.key).order_by(Followup.due_on)
        ).scalars()
        lines = [_kept_line(settings, row) for row in rows]
    if not lines:
        return render("followup_kept_nothing")
    return render(_KEPT[owner.channel], lines="\n".join(lines))


def _kept_line(settings: Settings, row: Followup) -> str:
    pack = _pack_or_none(settings, row.pack_id)
    if row.status == "asked" and row.asked_on is not None:
        until = row.asked_on + timedelta(days=settings.followup_answer_days)
        state_text = render(
            "followup_state_asked", asked_on=long_date(row.asked_on), until=long_date(until)
        ).text
    else:
        state_text = render("followup_state_waiting", due_date=long_date(row.due_on)).text
    reach = "followup_reach_widget"
    if row.channel == "teams":
        reach = "followup_reach_address" if row.reference else "followup_reach_no_address"
    return render(
        "followup_kept_line",
        briefing_title=pack.title if pack else row.pack_id,
        version=row.pack_version,
        points=_kept_points(pack, _split(row.points)),
        state=state_text,
        reach=render(reach).text,
    ).text


def _pack_or_none(settings: Settings, pack_id: str) -> Pack | None:
    """The pack a follow-up was about, or ``None`` if it has since been taken down."""
    try:
        return get_pack(settings.content_dir, pack_id)
    except PackError:
        return None


def question(settings: Settings, *, pack_id: str) -> Message:
    """The follow-up question with its buttons, in Teams (the job's message) and the widget."""
    pack = _pack_or_none(settings, pack_id)
    return render("followup_question", briefing_title=pack.title if pack else pack_id)


def due_now(
    factory: sessionmaker, settings: Settings, who: Who, *, today: date
) -> DueFollowup | None:
    """A follow-up this person should answer now, or ``None`` when there is none.

    In Teams, one the job sent them; in the widget, one that is due on this visit, which is then
    marked asked (and so is a due Teams follow-up the job cannot send, having no address).

    An asked follow-up stays asked until it is answered, stopped, or purged after
    FOLLOWUP_ANSWER_DAYS, so "Not now" means "ask me again next time", not "never".
    """
    owner = owner_of(settings, who)
    if owner is None:
        return None
    with transaction(factory) as session:
        row = session.execute(
            select(Followup)
            .where(Followup.owner_key == owner.key, Followup.status == "asked")
            .order_by(Followup.asked_on, Followup.id)
            .limit(1)
        ).scalar_one_or_none()
        if row is None:
            row = _ask_due_row(session, owner.key, today=today)
        if row is None:
            return None
        found = DueFollowup(
            row.public_id,
            row.pack_id,
            question(settings, pack_id=row.pack_id),
            point_number=_single_point(settings, row.pack_id, row.points),
        )
    return found


def _single_point(settings: Settings, pack_id: str, points: str) -> int | None:
    """The number of the one discussed point, if exactly one of the pack's was discussed."""
    pack = _pack_or_none(settings, pack_id)
    ids = _split(points)
    if pack is None or len(ids) != 1:
        return None
    numbers = [point.number for point in pack.discussion_points if point.id == ids[0]]
    return numbers[0] if numbers else None


def _ask_due_row(session: Any, owner_key: str, *, today: date) -> Followup | None:
    """The oldest due follow-up that no job can send, now marked asked.

    That is every widget follow-up, and a Teams one whose address was never stored (the
    database failed at opt-in): rather than never, it is asked on their next message. Only if
    it is still pending, so two tabs visiting at once ask it once.
    """
    row = session.execute(
        select(Followup)
        .where(
            Followup.owner_key == owner_key,
            Followup.status == "pending",
            Followup.reference.is_(None),
            Followup.due_on <= today,
        )
        .order_by(Followup.due_on, Followup.id)
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    asked = session.execute(
        update(Followup)
        .where(Followup.id == row.id, Followup.status == "pending")
        .values(status="asked", asked_on=today)
        .execution_options(synchronize_session=False)
    )
    if not asked.rowcount:
        return None
    session.refresh(row)
    return row  # type: ignore[no-any-return]


def answered(factory: sessionmaker, settings: Settings, public_id: str) -> bool:
    """Take the follow-up for its answer: delete it; ``False`` if it was already gone.

    Called before the answer is saved, so one follow-up has one answer however many
    conversations it was asked in (the widget asks it in each new one until it is answered):
    only the conversation whose delete removed the row saves a "followup" (issue 16 attack).
    """
    with transaction(factory) as session:
        result = session.execute(delete(Followup).where(Followup.public_id == public_id))
        return bool(result.rowcount)


def purge_followups(*, session: Session, today: date, answer_days: int) -> int:
    """Delete follow-ups nobody will answer (`reflect purge`, daily); how many were deleted.

    Asked and unanswered for ``answer_days``; or never asked by ``answer_days`` after their due
    day (a widget never visited again, a Teams follow-up that could not be sent).
    """
    cutoff = today - timedelta(days=answer_days)
    deleted = session.execute(
        delete(Followup).where(
            or_(
                and_(Followup.status == "asked", Followup.asked_on < cutoff),
                and_(Followup.status != "asked", Followup.due_on < cutoff),
            )
        )
    )
    return int(deleted.rowcount or 0)
