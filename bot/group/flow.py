"""The group session as a conversation: start, each message while it runs, join, resume, status.

The state machine a team lead's session goes through, with no Rasa in it: the action passes a
:class:`Turn` (the anonymised text, the intent, the door's member hash, the typed code hashes,
the time) and sends the :class:`Reply`'s messages. Every bit of state is in the database
(bot/group/service.py), so any process can take the next message, and a session survives a
restart of all of them. Stages, in order::

    duration -> points -> attendance -> attendance_check
             -> action_what -> action_owner -> action_when -> action_measure -> action_more
             -> closed (minutes filed)

Only the lead moves the session on or adds to it: every message in the lead's conversation is
checked against the session's lead key (a keyed hash of the door's member hash, kept only
while the session is live), so in a Teams group, where everyone shares one conversation, a
member's "next" is refused politely and changes nothing. Nothing is noted that the safety net
reads as a live concern, even if it reached here (the rules answer those first).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.anonymise import placeholder_only
from bot.briefing.views import LinkAge
from bot.content.messages import Message, render
from bot.content.schema import DiscussionPoint, Pack
from bot.group import service, views
from bot.group.documents import summary_message
from bot.group.keys import (
    ALL_JOINERS_KEY,
    join_attempt_key,
    join_hash,
    lead_key,
    member_key,
    new_join_code,
    new_public_id,
)
from bot.group.links import download_links
from bot.group.minutes import AgreedAction
from bot.group.plan import Plan, make_plan
from bot.group.reading import (
    Command,
    implausible_count,
    nearest_duration,
    parse_attendance,
    parse_duration,
    read_command,
    read_team_code,
    valid_team_code,
)
from bot.reflections.dialogue import is_throwaway
from bot.reflections.receipts import receipt_placeholder
from bot.reflections.service import limited_attempt
from bot.safety.net import Signal, assess
from bot.safety.views import urgent_contacts_message
from bot.settings.config import Settings
from bot.storage.models import MAX_SHORT_ANSWER_LENGTH, GroupSession
from bot.storage.session import transaction

logger = logging.getLogger(__name__)

LEAD = "lead"
MEMBER = "member"

#: Failed join codes allowed per member per day (the global cap is a setting).
JOIN_FAILURES_PER_DAY = 5

#: The log event an operator alerts on: join codes guessed at scale.
JOIN_CAP_REACHED_EVENT = "group_join_failures_cap_reached"

# While the lead answers a question, only these commands may come from the intent alone (a
# button payload or an exact phrase always counts): "next supervision" is an answer.
_ANSWER_STAGES: dict[str, frozenset[Command]] = {
    "action_what": frozenset({Command.NO, Command.FINISH}),
    "action_owner": frozenset(),
    "action_when": frozenset(),
    "action_measure": frozenset(),
}
_FIELD_PROMPTS = {
    "action_owner": "group_ask_owner",
    "action_when": "group_ask_by_when",
    "action_measure": "group_ask_measure",
}
_NEXT_FIELD = {
    "action_owner": "action_when",
    "action_when": "action_measure",
    "action_measure": "action_more",
}
_FIELD_COLUMNS = {
    "action_owner": "owner_role",
    "action_when": "by_when",
    "action_measure": "measure",
}
#: Key points a point can hold, and how long one may be. Minutes are read by people and
#: rendered to PDF on each download: without a bound, 290 notes of 4,000 characters took 9.6 s
#: a PDF and queued every other team's download behind it (attack round).
MAX_NOTES_PER_POINT = 30
MAX_NOTE_LENGTH = 1500
MAX_ACTIONS = 12

_FIELD_LIMITS = {
    "action_owner": MAX_SHORT_ANSWER_LENGTH,
    "action_when": MAX_SHORT_ANSWER_LENGTH,
    "action_measure": MAX_NOTE_LENGTH,
}
_PAYLOAD = re.compile(r"^\s*/")


@dataclass(frozen=True)
class Turn:
    """One message, as the action sees it (everything already through the door)."""

    text: str
    """Anonymised text as Rasa has it (a button payload text, or typed)."""
    intent: str
    """Rasa's intent name for this message ("" if none)."""
    member: str
    """The door's per-member keyed hash ("" when absent: treated as nobody's)."""
    receipts: tuple[str, ...]
    """Typed receipt hashes from the message metadata (join codes, receipt codes)."""
    channel: str
    """"rest", "socketio", "teams", ..."""
    now: datetime
    """Timezone-aware UTC."""


@dataclass(frozen=True)
class Reply:
    """What to say, and what the conversation's slots should hold afterwards."""

    messages: tuple[Message, ...]
    session: str | None
    """The session's public id for the slot (None: not in a session)."""
    role: str | None
    """"lead", "member" or None."""
    listening: bool
    """True: the lead's session wants every next message (the form stays active)."""
    point_number: int | None = None
    """The session's current point (for the walk-through slot)."""
    urgent: bool = False
    """A live concern was typed and nothing was noted: say the static 999 / SPoA answer
    (utter_urgent_concern) before these messages, which add the partnership's numbers."""
    minutes: str | None = None
    """The public id of the minutes just filed (the summary already carries their signed
    download links), else None."""
    refused: bool = False
    """The message was not the lead's and changed nothing: keep the conversation's slots as
    they are (session, role and listening above are the lead's, for a conversation that is
    the lead's own; in a Teams group every member writes in it)."""
    pack_id: str | None = None
    """For a member: the briefing the session discusses, which their conversation follows (a
    member's own choice of briefing never decides what a session shows)."""


@dataclass
class _Ctx:
    """One lead message being handled inside one transaction."""

    db: Session
    row: GroupSession
    turn: Turn
    command: Command | None


Handler = Callable[[_Ctx], Reply]
#: Finds a pack by id (any pack in the content directory), or None if it is gone.
PackLookup = Callable[[str], Pack | None]


class GroupFlow:
    """The group session state machine over the database; build one per call.

    ``factory`` makes database sessions (each public method is one transaction), ``pack`` is
    the briefing a session started here discusses (the lead's), ``settings`` gives the secret
    and the limits. A session already running discusses the pack it was started with (its
    ``pack_id``, found by ``packs``), whoever writes and whatever their own conversation is on;
    ``link_age`` (from the action's today) says when to add "last checked on" to a link.
    """

    def __init__(
        self,
        *,
        factory: sessionmaker,
        pack: Pack,
        settings: Settings,
        packs: PackLookup | None = None,
        link_age: LinkAge | None = None,
    ) -> None:
        """Keep what every call needs; nothing is read or opened here."""
        self._factory = factory
        self._pack = pack
        self._packs = packs
        self._settings = settings
        self._secret = settings.secret
        self._age = link_age

    # --- the public calls ---------------------------------------------------------------------

    def start(self, turn: Turn, *, team_code: str | None = None) -> Reply:
        """Start a session: ask how long the lead has (or plan at once if they said).

        ``team_code`` is a default for the minutes (e.g. a Teams channel's); the lead can still
        change it.

        Raises:
            ValueError: if ``team_code`` is not a valid team code (a configuration mistake).
        """
        if not turn.member:
            return _outside(render("group_no_member"))
        code = None
        if team_code is not None:
            code = valid_team_code(team_code)
            if code is None:
                raise ValueError("team_code must be 2 to 16 letters, digits or hyphens")
        with transaction(self._factory) as db:
            self._expire(db, turn)
            public_id = new_public_id()
            row = service.create_session(
                session=db,
                pack=self._pack,
                public_id=public_id,
                lead_key=lead_key(public_id, turn.member, secret=self._secret),
                now=turn.now,
                team_code=code,
            )
            ctx = _Ctx(db, row, turn, None)
            minutes = (
                None if _PAYLOAD.match(turn.text) else parse_duration(turn.text, need_unit=True)
            )
            if minutes is not None:
                return self._choose_duration(ctx, minutes)
            return self._lead(row, [self._ask_duration(row)])

    def step(self, session: str, turn: Turn) -> Reply:
        """Any message while the lead's session is listening, from the lead or anyone else."""
        with transaction(self._factory) as db:
            self._expire(db, turn)
            row, gone = _live(db, session)
            if row is None:
                return gone
            allowed = _ANSWER_STAGES.get(row.stage)
            if row.stage == "duration" and parse_duration(turn.text) is not None:
                allowed = frozenset()  # "7-minute briefing" is the answer, whatever its intent
            command = read_command(turn.text, turn.intent, intents=allowed)
            if not self._is_lead(row, turn.member):
                return self._refuse(row, turn, command)
            service.touch(row, turn.now)
            return self._lead_step(_Ctx(db, row, turn, command))

    def join(self, turn: Turn) -> Reply:
        """A member joins with the code in their own chat: counted once, told where the group is."""
        if not turn.receipts:
            return _outside(render("group_join_no_code"))
        if not turn.member:
            return _outside(render("group_no_member"))
        today = turn.now.date()
        with transaction(self._factory) as db:
            self._expire(db, turn)
            digest = join_hash(turn.receipts[0], secret=self._secret)
            limited = limited_attempt(
                session=db,
                attempt=lambda: service.find_by_join_hash(session=db, digest=digest),
                sender_key=join_attempt_key(turn.member, secret=self._secret, day=today),
                today=today,
                max_failures=JOIN_FAILURES_PER_DAY,
                max_global_failures=self._settings.group_join_global_failures_per_day,
                global_key=ALL_JOINERS_KEY,
                cap_event=JOIN_CAP_REACHED_EVENT,
            )
            if limited.refused:
                return _outside(render("group_join_too_many"))
            row = limited.value
            if row is None:
                return _outside(render("group_join_not_found"))
            return self._welcome(db, row, turn.member)

    def join_if_live(self, turn: Turn) -> Reply | None:
        """Join, if the code typed is a live session's join code; ``None`` if it is not.

        Join codes and receipt codes share one shape (and so one keyed hash at the door), and
        a bare code reads to the classifier as a withdrawal; the withdrawal tries this first, so
        a member who types only the code joins. Nothing is counted here: a code that is not a
        join code goes on to the withdrawal, whose failures are limited.
        """
        if not turn.receipts or not turn.member:
            return None
        with transaction(self._factory) as db:
            self._expire(db, turn)
            digest = join_hash(turn.receipts[0], secret=self._secret)
            row = service.find_by_join_hash(session=db, digest=digest)
            return None if row is None else self._welcome(db, row, turn.member)

    def resume(
        self, session: str | None, turn: Turn, *, conversation_role: str | None = None
    ) -> Reply:
        """Carry on after a pause or restart: the lead sees the stage, a member the point.

        ``conversation_role`` is this conversation's role slot, if known: in the lead's
        conversation ("lead") anyone else is refused, even a member who joined elsewhere.
        """
        with transaction(self._factory) as db:
            self._expire(db, turn)
            row, gone = _live(db, session)
            if row is None:
                return gone
            if self._is_lead(row, turn.member):
                service.touch(row, turn.now)
                ctx = _Ctx(db, row, turn, Command.RESUME)
                return self._lead(row, [render("group_resumed"), *self._prompt(ctx)])
            if conversation_role != LEAD and self._joined(db, row, turn.member):
                return self._member(row, [render("group_joined_again")])
            return self._refuse(row, turn, Command.RESUME)

    def ask_again(self, session: str | None, turn: Turn) -> Reply:
        """The question the session is waiting on, after the safety net answered instead.

        A live concern or distress typed mid-session is answered by the safety rules and never
        reaches :meth:`step`; without the question again, the lead's next answer ("yes, another
        one") would land in whatever field was open. At a point nothing is repeated: any
        message there is a note. Only the lead is asked; anyone else's turn says nothing.
        """
        with transaction(self._factory) as db:
            row, _ = _live(db, session)
            if row is None or not self._is_lead(row, turn.member) or row.stage == "points":
                return _SILENT
            return self._lead(row, self._prompt(_Ctx(db, row, turn, None)))

    def status(self, session: str | None, turn: Turn) -> Reply:
        """How many have joined, for the lead only: a count, never who."""
        with transaction(self._factory) as db:
            self._expire(db, turn)
            row, gone = _live(db, session)
            if row is None:
                return gone
            if not self._is_lead(row, turn.member):
                return self._refuse(row, turn, Command.STATUS)
            service.touch(row, turn.now)
            return self._status(_Ctx(db, row, turn, Command.STATUS))

    # --- who is who ---------------------------------------------------------------------------

    def _joined(self, db: Session, row: GroupSession, member: str) -> bool:
        key = member_key(row.public_id, member, secret=self._secret)
        return bool(member) and service.is_member(session=db, row=row, member_key=key)

    def _is_lead(self, row: GroupSession, member: str) -> bool:
        return bool(member) and row.lead_key == lead_key(row.public_id, member, secret=self._secret)

    def _refuse(self, row: GroupSession, turn: Turn, command: Command | None) -> Reply:
        """Someone other than the lead: nothing changes or is kept (``refused``: keep the slots).

        A live concern is still answered as one.
        """
        if command is None and _is_concern(turn.text):
            return dataclasses.replace(self._concern_reply(row), refused=True)
        key = "group_join_in_own_chat" if command is Command.JOIN else "group_lead_only"
        return dataclasses.replace(self._lead(row, [render(key)]), refused=True)

    def _expire(self, db: Session, turn: Turn) -> None:
        expired = service.expire_idle(
            session=db, now=turn.now, idle_minutes=self._settings.group_session_idle_minutes
        )
        if expired:
            logger.info("group_sessions_expired count=%d", expired)

    # --- replies ------------------------------------------------------------------------------

    def _pack_of(self, row: GroupSession) -> Pack:
        """The briefing this session discusses: the one it was started with.

        Only if that pack is gone from the content directory does the session carry on with
        the pack given here (nothing else could show its points).
        """
        if row.pack_id == self._pack.id or self._packs is None:
            return self._pack
        return self._packs(row.pack_id) or self._pack

    def _lead(self, row: GroupSession, messages: list[Message], *, listening: bool = True) -> Reply:
        return Reply(tuple(messages), row.public_id, LEAD, listening, row.point_number)

    def _welcome(self, db: Session, row: GroupSession, member: str) -> Reply:
        """Count a member once and tell them where the group is."""
        key = member_key(row.public_id, member, secret=self._secret)
        first = service.add_member(session=db, row=row, member_key=key)
        pack = self._pack_of(row)
        said = (
            render("group_joined", briefing_title=pack.title, partnership=pack.partnership)
            if first
            else render("group_joined_again")
        )
        return self._member(row, [said])

    def _member(self, row: GroupSession, said: list[Message]) -> Reply:
        pack = self._pack_of(row)
        where = views.member_point_messages(pack, row.point_number, row.stage, age=self._age)
        point = row.point_number if row.stage == "points" else None
        return Reply((*said, *where), row.public_id, MEMBER, False, point, pack_id=pack.id)

    def _concern_reply(self, row: GroupSession) -> Reply:
        pack = self._pack_of(row)
        messages = (render("group_concern_not_minuted"), urgent_contacts_message(pack))
        return Reply(messages, row.public_id, LEAD, True, row.point_number, urgent=True)

    def _ask_duration(self, row: GroupSession) -> Message:
        return render("group_ask_duration", briefing_title=self._pack_of(row).title)

    def _plan(self, row: GroupSession) -> Plan:
        return make_plan(row.planned_minutes, len(self._pack_of(row).discussion_points))

    def _point(self, row: GroupSession) -> DiscussionPoint:
        points = self._pack_of(row).discussion_points
        return points[min(max(row.point_number or 1, 1), len(points)) - 1]

    def _point_message(self, row: GroupSession) -> Message:
        pack = self._pack_of(row)
        return views.point_message(pack, self._point(row), self._plan(row), age=self._age)

    def _prompt(self, ctx: _Ctx) -> list[Message]:
        """What the session is waiting for, said again (resume, repeat, "already running")."""
        row = ctx.row
        if row.stage == "duration":
            return [self._ask_duration(row)]
        if row.stage == "points":
            return [self._point_message(row)]
        if row.stage == "attendance":
            return [render("group_ask_attendance")]
        if row.stage == "attendance_check":
            counts = service.attendance(session=ctx.db, row=row)
            joined = service.member_count(session=ctx.db, row=row)
            return [views.attendance_check_message(counts, joined)]
        if row.stage == "action_what":
            return [self._ask_action(ctx)]
        if row.stage == "action_more":
            return [render("group_action_recorded", number=str(len(self._actions(ctx))))]
        return [render(_FIELD_PROMPTS[row.stage])]

    # --- the lead's messages ------------------------------------------------------------------

    def _lead_step(self, ctx: _Ctx) -> Reply:
        general = self._general(ctx)
        if general is not None:
            return general
        handler: Handler = {
            "duration": self._on_duration,
            "points": self._on_points,
            "attendance": self._on_attendance,
            "attendance_check": self._on_attendance_check,
            "action_what": self._on_action_what,
            "action_more": self._on_action_more,
        }.get(ctx.row.stage, self._on_action_field)
        return handler(ctx)

    def _general(self, ctx: _Ctx) -> Reply | None:
        """Commands that mean the same at every stage: pause, status, time, team code..."""
        row, command = ctx.row, ctx.command
        # "team code CP-EAST" is that, whatever the classifier made of it (start_group_session).
        request = read_team_code(ctx.turn.text)
        if request is not None and not _PAYLOAD.match(ctx.turn.text):
            return self._team_code(ctx, request.code)
        if command is None:
            return None
        if command is Command.PAUSE:
            idle = views.hours_text(self._settings.group_session_idle_minutes)
            return self._lead(row, [render("group_paused", idle=idle)], listening=False)
        if command is Command.STATUS:
            return self._status(ctx)
        if command is Command.HOW_LONG:
            return self._how_long(ctx)
        if command in {Command.START, Command.RESUME}:
            first = "group_already_running" if command is Command.START else "group_resumed"
            return self._lead(row, [render(first), *self._prompt(ctx)])
        if command is Command.JOIN:
            return self._lead(row, [render("group_join_in_own_chat")])
        return None

    def _team_code(self, ctx: _Ctx, code: str | None) -> Reply:
        if code is None:
            return self._lead(ctx.row, [render("group_team_code_invalid")])
        ctx.row.team_code = code
        return self._lead(ctx.row, [render("group_team_code_set", team_code=code)])

    def _status(self, ctx: _Ctx) -> Reply:
        """How many joined (never who) and, once planned, the time used."""
        joined = service.member_count(session=ctx.db, row=ctx.row)
        said = [render("group_status", joined=str(joined))]
        if ctx.row.planned_minutes is not None:
            said.append(self._time_used(ctx))
        return self._lead(ctx.row, said)

    def _how_long(self, ctx: _Ctx) -> Reply:
        if ctx.row.planned_minutes is None:
            return self._lead(ctx.row, [self._ask_duration(ctx.row)])
        return self._lead(ctx.row, [self._time_used(ctx)])

    def _time_used(self, ctx: _Ctx) -> Message:
        row = ctx.row
        elapsed = views.elapsed_text(_minutes_since(row.started_at, ctx.turn.now))
        total = views.minutes_text(row.planned_minutes)
        if row.stage != "points" or row.point_started_at is None:
            return render("group_how_long_overall", elapsed=elapsed, total=total)
        return render(
            "group_how_long",
            elapsed=elapsed,
            total=total,
            point_elapsed=views.elapsed_text(_minutes_since(row.point_started_at, ctx.turn.now)),
            point_planned=views.minutes_text(self._plan(row).point_minutes(row.point_number)),
        )

    # --- duration -----------------------------------------------------------------------------

    def _on_duration(self, ctx: _Ctx) -> Reply:
        minutes = parse_duration(ctx.turn.text)
        if minutes is not None:
            return self._choose_duration(ctx, minutes)
        nearest = None if _PAYLOAD.match(ctx.turn.text) else nearest_duration(ctx.turn.text)
        if nearest is None:
            return self._lead(ctx.row, [render("group_duration_unknown")])
        planned, asked = nearest
        reply = self._choose_duration(ctx, planned)
        said = render("group_duration_closest", planned=str(planned), asked=str(asked))
        return dataclasses.replace(reply, messages=(said, *reply.messages))

    def _choose_duration(self, ctx: _Ctx, minutes: int) -> Reply:
        """The plan, the join code (shown through its token) and the first point."""
        row = ctx.row
        token, digest = new_join_code(secret=self._secret)
        row.join_hash = digest
        row.planned_minutes = minutes
        row.started_at = service.utc_naive(ctx.turn.now)
        self._show_point(ctx, 1)
        row.stage = "points"
        plan = views.plan_message(
            self._pack_of(row), self._plan(row), join_code=receipt_placeholder(token)
        )
        return self._lead(row, [plan, self._point_message(row)])

    # --- points -------------------------------------------------------------------------------

    def _show_point(self, ctx: _Ctx, number: int) -> None:
        ctx.row.point_number = number
        ctx.row.point_started_at = service.utc_naive(ctx.turn.now)
        service.mark_point(ctx.row, number, shown=True, skipped=None)

    def _on_points(self, ctx: _Ctx) -> Reply:
        command, row = ctx.command, ctx.row
        if command in {Command.NEXT, Command.SKIP}:
            return self._advance(ctx, skip=command is Command.SKIP)
        if command is Command.BACK:
            if (row.point_number or 1) <= 1:
                return self._lead(row, [render("group_first_point"), self._point_message(row)])
            self._show_point(ctx, row.point_number - 1)
            return self._lead(row, [self._point_message(row)])
        if command is Command.REPEAT:
            return self._lead(row, [self._point_message(row)])
        if command is Command.FINISH:
            return self._to_attendance(ctx)
        return self._note(ctx)

    def _advance(self, ctx: _Ctx, *, skip: bool) -> Reply:
        row = ctx.row
        number = row.point_number or 1
        service.mark_point(row, number, shown=True, skipped=skip)
        if number >= len(self._pack_of(row).discussion_points):
            return self._to_attendance(ctx)
        self._show_point(ctx, number + 1)
        said = [render("group_skipped")] if skip else []
        return self._lead(row, [*said, self._point_message(row)])

    def _note(self, ctx: _Ctx) -> Reply:
        problem = self._unrecordable(ctx, limit=MAX_NOTE_LENGTH, too_long="group_note_too_long")
        if problem is not None:
            return problem
        row = ctx.row
        number = row.point_number or 1
        if service.notes_on(session=ctx.db, row=row, point_number=number) >= MAX_NOTES_PER_POINT:
            return self._lead(row, [render("group_notes_full", limit=str(MAX_NOTES_PER_POINT))])
        count = service.add_note(
            session=ctx.db, row=row, point_number=number, text=ctx.turn.text.strip()
        )
        said = [views.note_added_message(number, count)]
        hint = self._timing_hint(ctx, number)
        return self._lead(row, [*said, *hint])

    def _timing_hint(self, ctx: _Ctx, number: int) -> list[Message]:
        """Once per point, when a note arrives after the point has run over its share."""
        row = ctx.row
        if row.point_started_at is None or service.hint_given(row, number):
            return []
        elapsed = (service.utc_naive(ctx.turn.now) - row.point_started_at).total_seconds() / 60
        over = round(elapsed - self._plan(row).point_minutes(number))
        if over < 1:
            return []
        service.give_hint(row, number)
        return [render("group_timing_hint", over=views.minutes_text(over))]

    def _unrecordable(self, ctx: _Ctx, *, limit: int, too_long: str) -> Reply | None:
        """Why this text cannot be kept (a live concern, nothing said, too long), or None."""
        text = ctx.turn.text.strip()
        if _is_concern(text):
            return self._concern_reply(ctx.row)
        if not text or _PAYLOAD.match(text) or is_throwaway(text):
            key = "group_not_a_note" if ctx.row.stage == "points" else "group_answer_needed"
            return self._lead(ctx.row, [render(key)])
        if placeholder_only(text):
            key = {
                "action_owner": "group_owner_needs_role",
                "action_when": "group_when_in_words",
            }.get(ctx.row.stage, "group_note_placeholder_only")
            return self._lead(ctx.row, [render(key)])
        if len(text) > limit:
            return self._lead(ctx.row, [render(too_long, limit=str(limit))])
        return None

    # --- attendance ---------------------------------------------------------------------------

    def _to_attendance(self, ctx: _Ctx) -> Reply:
        ctx.row.stage = "attendance"
        return self._lead(ctx.row, [render("group_ask_attendance")])

    def _on_attendance(self, ctx: _Ctx) -> Reply:
        row = ctx.row
        if ctx.command in {Command.SKIP, Command.FINISH, Command.NO}:
            return self._to_actions(ctx)
        if ctx.command is Command.BACK:
            row.stage = "points"
            self._show_point(ctx, len(self._pack_of(row).discussion_points))
            return self._lead(row, [self._point_message(row)])
        counts = parse_attendance(ctx.turn.text)
        if not any(counts.values()) or implausible_count(ctx.turn.text):
            return self._lead(row, [render("group_attendance_unclear")])
        return self._echo_attendance(ctx, counts, replace=True)

    def _echo_attendance(self, ctx: _Ctx, counts: dict[str, int], *, replace: bool) -> Reply:
        row = ctx.row
        stored = service.set_attendance(session=ctx.db, row=row, counts=counts, replace=replace)
        row.stage = "attendance_check"
        joined = service.member_count(session=ctx.db, row=row)
        return self._lead(row, [views.attendance_check_message(stored, joined)])

    def _on_attendance_check(self, ctx: _Ctx) -> Reply:
        row = ctx.row
        # A correction first: "no health" names an agency (zero), it is not "no, start again".
        counts = parse_attendance(ctx.turn.text) if not _PAYLOAD.match(ctx.turn.text) else {}
        if counts and implausible_count(ctx.turn.text):
            return self._lead(row, [render("group_attendance_unclear")])
        if counts:
            return self._echo_attendance(ctx, counts, replace=False)
        if ctx.command in {Command.YES, Command.SKIP, Command.FINISH, Command.NEXT}:
            return self._to_actions(ctx)
        if ctx.command is Command.NO:
            service.set_attendance(session=ctx.db, row=row, counts={}, replace=True)
            return self._to_attendance(ctx)
        return self._lead(row, self._prompt(ctx))

    # --- actions ------------------------------------------------------------------------------

    def _actions(self, ctx: _Ctx) -> tuple[AgreedAction, ...]:
        return service.actions(session=ctx.db, row=ctx.row)

    def _ask_action(self, ctx: _Ctx) -> Message:
        key = "group_ask_next_action" if self._actions(ctx) else "group_ask_first_action"
        return render(key)

    def _to_actions(self, ctx: _Ctx) -> Reply:
        ctx.row.stage = "action_what"
        return self._lead(ctx.row, [self._ask_action(ctx)])

    def _on_action_what(self, ctx: _Ctx) -> Reply:
        if ctx.command in {Command.NO, Command.FINISH}:
            return self._close(ctx)
        if ctx.command is Command.YES:
            return self._lead(ctx.row, [self._ask_action(ctx)])
        return self._new_action(ctx)

    def _new_action(self, ctx: _Ctx) -> Reply:
        problem = self._unrecordable(ctx, limit=MAX_NOTE_LENGTH, too_long="group_answer_too_long")
        if problem is not None:
            return problem
        if len(self._actions(ctx)) >= MAX_ACTIONS:
            ctx.row.stage = "action_more"
            return self._lead(ctx.row, [render("group_actions_full", limit=str(MAX_ACTIONS))])
        service.start_action(session=ctx.db, row=ctx.row, what=ctx.turn.text.strip())
        ctx.row.stage = "action_owner"
        return self._lead(ctx.row, [render("group_ask_owner")])

    def _on_action_field(self, ctx: _Ctx) -> Reply:
        """The owner, by when, or how we will know, for the action being filled in."""
        row = ctx.row
        stage = row.stage
        if ctx.command is Command.FINISH:
            return self._lead(row, [render("group_finish_action_first"), *self._prompt(ctx)])
        problem = self._unrecordable(
            ctx, limit=_FIELD_LIMITS[stage], too_long="group_answer_too_long"
        )
        if problem is not None:
            return problem
        action = service.open_action(session=ctx.db, row=row)
        if action is None:  # cannot happen through the flow; start the actions again
            return self._to_actions(ctx)
        setattr(action, _FIELD_COLUMNS[stage], ctx.turn.text.strip())
        row.stage = _NEXT_FIELD[stage]
        return self._lead(row, self._prompt(ctx))

    def _on_action_more(self, ctx: _Ctx) -> Reply:
        if ctx.command in {Command.NO, Command.FINISH}:
            return self._close(ctx)
        if ctx.command is Command.YES:
            return self._to_actions(ctx)
        if ctx.command is not None or is_throwaway(ctx.turn.text):
            return self._lead(ctx.row, self._prompt(ctx))
        ctx.row.stage = "action_what"
        return self._new_action(ctx)

    # --- close --------------------------------------------------------------------------------

    def _close(self, ctx: _Ctx) -> Reply:
        """File the minutes, end the session; the summary with download links, and the receipt."""
        row, db = ctx.row, ctx.db
        facts = service.SessionFacts(
            pack=self._pack_of(row),
            plan=self._plan(row),
            team_code=row.team_code,
            started_at=row.started_at,
            points_shown=row.points_shown or 0,
            points_skipped=row.points_skipped or 0,
            joined=service.member_count(session=db, row=row),
            notes=service.notes_by_point(session=db, row=row),
            attendance=service.attendance(session=db, row=row),
            actions=service.actions(session=db, row=row),
        )
        minutes = service.build_minutes(facts, now=ctx.turn.now)
        stored = service.store_minutes(
            session=db,
            minutes=minutes,
            group_ref=row.public_id,
            secret=self._secret,
            today=service.utc_naive(ctx.turn.now).date(),
        )
        service.end_session(session=db, row=row, status=service.CLOSED)
        links = download_links(self._settings, stored.public_id, now=ctx.turn.now)
        messages = (
            summary_message(minutes, links),
            render("group_minutes_saved", receipt_code=receipt_placeholder(stored.token)),
        )
        return Reply(messages, None, None, False, None, minutes=stored.public_id)


def _live(db: Session, public_id: str | None) -> tuple[GroupSession | None, Reply]:
    """The live session, or None and what to say: it has ended, or there is none."""
    row = service.find_session(session=db, public_id=public_id)
    if row is None:
        return None, _outside(render("group_no_session"))
    if row.status != service.LIVE:
        return None, _outside(render("group_ended"))
    return row, _outside(render("group_no_session"))


#: Nothing to say, and the conversation's slots left as they are.
_SILENT = Reply((), None, None, False, refused=True)


def _outside(message: Message) -> Reply:
    """A reply that leaves the conversation outside any session."""
    return Reply((message,), None, None, False)


def _is_concern(text: str) -> bool:
    """Whether the safety net reads the text as a live concern (urgent) or a possible one."""
    return bool(text.strip()) and assess(text).signal in {Signal.URGENT, Signal.CHECK}


def _minutes_since(moment: datetime | None, now: datetime) -> int:
    if moment is None:
        return 0
    return max(0, round((service.utc_naive(now) - moment).total_seconds() / 60))
