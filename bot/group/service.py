"""Group sessions in the database: create, find, note, count, close into minutes, expire, purge.

Keyword-only functions over a SQLAlchemy session (the caller owns the transaction, as in
bot/reflections/service.py). All text arriving here was anonymised at the door. A live session
keeps only what facilitation needs; closing or expiry deletes its notes, actions, attendance
and member rows and NULLs its keys and times (:func:`end_session`), so what remains of a
session is its minutes (closed) or nothing of substance (expired). Times are naive UTC.
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.content.schema import Pack
from bot.group.keys import new_public_id
from bot.group.minutes import AgreedAction, AttendanceCount, Minutes, PointMinutes
from bot.group.plan import Plan
from bot.reflections.receipts import (
    code_from_token,
    minutes_key,
    new_receipt_token,
    receipt_hash,
    receipt_token_for,
)
from bot.reflections.service import iso_week_label, receipt_in_use, week_start
from bot.storage.models import (
    AGENCIES,
    GroupAction,
    GroupAttendance,
    GroupMember,
    GroupMinutes,
    GroupNote,
    GroupSession,
)

LIVE = "live"
CLOSED = "closed"
EXPIRED = "expired"

_CHILD_TABLES = (GroupNote, GroupAction, GroupAttendance, GroupMember)
_CODE_ATTEMPTS = 5


def utc_naive(moment: datetime) -> datetime:
    """A timezone-aware time as the naive UTC the DateTime columns hold.

    Raises:
        ValueError: if ``moment`` is naive (the caller's clock must say it is UTC).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must be timezone-aware, e.g. datetime.now(timezone.utc)")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def create_session(
    *,
    session: Session,
    pack: Pack,
    public_id: str | None = None,
    lead_key: str,
    now: datetime,
    team_code: str | None = None,
) -> GroupSession:
    """A new live session waiting for the lead to choose a duration."""
    moment = utc_naive(now)
    row = GroupSession(
        public_id=public_id or new_public_id(),
        pack_id=pack.id,
        pack_version=pack.version,
        status=LIVE,
        stage="duration",
        team_code=team_code,
        lead_key=lead_key,
        started_at=moment,
        last_activity_at=moment,
        points_shown=0,
        points_skipped=0,
        hints_given=0,
    )
    session.add(row)
    session.flush()
    return row


def find_session(*, session: Session, public_id: str | None) -> GroupSession | None:
    """The session with this public id, live or ended, or None."""
    if not public_id:
        return None
    row: GroupSession | None = session.execute(
        select(GroupSession).where(GroupSession.public_id == public_id)
    ).scalar_one_or_none()
    return row


def find_by_join_hash(*, session: Session, digest: str) -> GroupSession | None:
    """The live session whose join code hashes to ``digest`` (ended sessions keep no hash)."""
    row: GroupSession | None = session.execute(
        select(GroupSession).where(GroupSession.join_hash == digest, GroupSession.status == LIVE)
    ).scalar_one_or_none()
    return row


def touch(row: GroupSession, now: datetime) -> None:
    """Record activity by the lead: what expiry counts from."""
    row.last_activity_at = utc_naive(now)


def add_note(*, session: Session, row: GroupSession, point_number: int, text: str) -> int:
    """Store one note on a point; return how many notes the point now has."""
    count = notes_on(session=session, row=row, point_number=point_number)
    position = session.execute(
        select(func.coalesce(func.max(GroupNote.position), 0)).where(GroupNote.session_id == row.id)
    ).scalar_one()
    session.add(
        GroupNote(
            session_id=row.id, point_number=point_number, position=int(position) + 1, text=text
        )
    )
    session.flush()
    return count + 1


def notes_on(*, session: Session, row: GroupSession, point_number: int) -> int:
    """How many notes one point has."""
    return int(
        session.execute(
            select(func.count())
            .select_from(GroupNote)
            .where(GroupNote.session_id == row.id, GroupNote.point_number == point_number)
        ).scalar_one()
    )


def notes_by_point(*, session: Session, row: GroupSession) -> dict[int, tuple[str, ...]]:
    """Every note, by point number, in the order typed."""
    found: dict[int, list[str]] = {}
    for number, text in session.execute(
        select(GroupNote.point_number, GroupNote.text)
        .where(GroupNote.session_id == row.id)
        .order_by(GroupNote.position)
    ):
        found.setdefault(int(number), []).append(str(text))
    return {number: tuple(texts) for number, texts in found.items()}


def set_attendance(
    *, session: Session, row: GroupSession, counts: Mapping[str, int], replace: bool
) -> dict[str, int]:
    """Store counts per agency (all anew, or only the agencies named); return them all.

    A count of 0 removes the agency ("no police").
    """
    current = {} if replace else attendance(session=session, row=row)
    current.update(counts)
    merged = {agency: count for agency, count in current.items() if count > 0}
    session.execute(delete(GroupAttendance).where(GroupAttendance.session_id == row.id))
    for agency in AGENCIES:
        if agency in merged:
            session.add(GroupAttendance(session_id=row.id, agency=agency, count=merged[agency]))
    session.flush()
    return merged


def attendance(*, session: Session, row: GroupSession) -> dict[str, int]:
    """The counts per agency recorded so far."""
    return {
        str(agency): int(count)
        for agency, count in session.execute(
            select(GroupAttendance.agency, GroupAttendance.count).where(
                GroupAttendance.session_id == row.id
            )
        )
    }


def open_action(*, session: Session, row: GroupSession) -> GroupAction | None:
    """The action being filled in (the last one, while it has no measure yet), or None."""
    last = session.execute(
        select(GroupAction)
        .where(GroupAction.session_id == row.id)
        .order_by(GroupAction.position.desc())
        .limit(1)
    ).scalar_one_or_none()
    return last if last is not None and last.measure is None else None


def start_action(*, session: Session, row: GroupSession, what: str) -> int:
    """Begin a new action with its "what"; return its number."""
    position = session.execute(
        select(func.count()).select_from(GroupAction).where(GroupAction.session_id == row.id)
    ).scalar_one()
    number = int(position) + 1
    session.add(GroupAction(session_id=row.id, position=number, what=what))
    session.flush()
    return number


def actions(*, session: Session, row: GroupSession) -> tuple[AgreedAction, ...]:
    """The complete actions (every field given), in order."""
    found = session.execute(
        select(GroupAction)
        .where(GroupAction.session_id == row.id, GroupAction.measure.is_not(None))
        .order_by(GroupAction.position)
    ).scalars()
    return tuple(
        AgreedAction(
            what=item.what,
            owner_role=item.owner_role or "",
            by_when=item.by_when or "",
            measure=item.measure or "",
        )
        for item in found
    )


def add_member(*, session: Session, row: GroupSession, member_key: str) -> bool:
    """Count a member who joined; ``False`` when they had joined already (counted once)."""
    if session.get(GroupMember, (row.id, member_key)) is not None:
        return False
    session.add(GroupMember(session_id=row.id, member_key=member_key))
    session.flush()
    return True


def is_member(*, session: Session, row: GroupSession, member_key: str) -> bool:
    """Whether this member key joined the session."""
    return session.get(GroupMember, (row.id, member_key)) is not None


def member_count(*, session: Session, row: GroupSession) -> int:
    """How many joined with the code: the only thing the lead learns about members."""
    return int(
        session.execute(
            select(func.count()).select_from(GroupMember).where(GroupMember.session_id == row.id)
        ).scalar_one()
    )


def end_session(*, session: Session, row: GroupSession, status: str) -> None:
    """Close or expire a session: delete everything it held, NULL its keys and times."""
    for table in _CHILD_TABLES:
        session.execute(
            delete(table)
            .where(table.session_id == row.id)
            .execution_options(synchronize_session=False)
        )
    row.status = status
    row.stage = "closed"
    row.lead_key = None
    row.join_hash = None
    row.started_at = None
    row.last_activity_at = None
    row.point_started_at = None
    session.flush()


def expire_idle(*, session: Session, now: datetime, idle_minutes: int) -> int:
    """Expire live sessions nobody has used for ``idle_minutes``; return how many.

    Runs lazily at the start of every group call and from ``reflect purge``. An abandoned
    session leaves no minutes: its notes, actions, attendance and member keys are deleted and
    its lead key and join hash NULLed, exactly as at close.
    """
    cutoff = utc_naive(now) - timedelta(minutes=idle_minutes)
    idle = session.execute(
        select(GroupSession).where(
            GroupSession.status == LIVE, GroupSession.last_activity_at < cutoff
        )
    ).scalars()
    count = 0
    for row in list(idle):
        end_session(session=session, row=row, status=EXPIRED)
        count += 1
    return count


@dataclass(frozen=True)
class SessionFacts:
    """What the minutes need from a session besides its notes, actions and attendance."""

    pack: Pack
    plan: Plan
    team_code: str | None
    started_at: datetime
    points_shown: int
    points_skipped: int
    joined: int
    notes: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    attendance: Mapping[str, int] = field(default_factory=dict)
    actions: tuple[AgreedAction, ...] = ()


def _bit(mask: int, number: int) -> bool:
    return bool(mask & (1 << (number - 1)))


def build_minutes(facts: SessionFacts, *, now: datetime) -> Minutes:
    """The minutes of a session as it stands: every pack point, covered or not, and actions.

    A point is covered when it was shown and not skipped, or has notes; its prompts are listed
    as used when it was shown. Time is only the ISO week and the whole minutes it took.
    """
    pack = facts.pack
    elapsed = utc_naive(now) - facts.started_at
    points = tuple(
        PointMinutes(
            number=point.number,
            point_id=point.id,
            question=point.question,
            learning=tuple(item.title for item in point.learning),
            links=tuple((link.title, link.url) for link in point.links),
            planned_minutes=facts.plan.point_minutes(point.number),
            notes=facts.notes.get(point.number, ()),
            prompts_used=point.prompts if _bit(facts.points_shown, point.number) else (),
            covered=bool(facts.notes.get(point.number))
            or (
                _bit(facts.points_shown, point.number)
                and not _bit(facts.points_skipped, point.number)
            ),
        )
        for point in pack.discussion_points
    )
    return Minutes(
        briefing_title=pack.title,
        partnership=pack.partnership,
        pack_id=pack.id,
        pack_version=pack.version,
        iso_week=iso_week_label(utc_naive(now).date()),
        team_code=facts.team_code,
        planned_minutes=facts.plan.total,
        duration_minutes=max(1, round(elapsed.total_seconds() / 60)),
        attendance=tuple(
            AttendanceCount(agency, facts.attendance[agency])
            for agency in AGENCIES
            if facts.attendance.get(agency)
        ),
        joined_count=facts.joined,
        points=points,
        actions=facts.actions,
    )


@dataclass(frozen=True)
class StoredMinutes:
    """Minutes just filed: their public id (for download links) and the receipt token.

    The token becomes the receipt code only on the way out
    (:func:`bot.reflections.receipts.receipt_placeholder`); it is left out of ``repr``.
    """

    public_id: str
    token: str = field(repr=False)


def store_minutes(
    *, session: Session, minutes: Minutes, group_ref: str | None, secret: bytes, today: date
) -> StoredMinutes:
    """File the minutes with a receipt code (one code space with reflections).

    Only the keyed hash of the code is stored, as for reflections; the week is the one the
    minutes carry. A session's minutes carry its idempotency key
    (:func:`bot.reflections.receipts.minutes_key`, unique in the table): a session is filed
    once however often it is closed (a retried or duplicated message, another replica), and
    filing it again returns the minutes already there with the same receipt, whose token is
    derived from the key for that reason.

    Raises:
        ValueError: if no unused receipt code could be drawn (never, in practice).
    """
    key = minutes_key(group_ref, secret=secret) if group_ref is not None else None
    if key is not None:
        token = receipt_token_for(key, secret=secret)
        stored = session.execute(
            select(GroupMinutes.public_id).where(GroupMinutes.idempotency_key == key)
        ).scalar_one_or_none()
        if stored is not None:
            return StoredMinutes(public_id=stored, token=token)
        candidates = [token]
    else:
        candidates = [new_receipt_token() for _ in range(_CODE_ATTEMPTS)]
    for token in candidates:
        digest = receipt_hash(code_from_token(token, secret=secret), secret=secret)
        if not receipt_in_use(session=session, digest=digest):
            break
    else:
        raise ValueError("could not allocate an unused receipt code")
    public_id = new_public_id()
    session.add(
        GroupMinutes(
            public_id=public_id,
            group_ref=group_ref,
            pack_id=minutes.pack_id,
            pack_version=minutes.pack_version,
            iso_week=minutes.iso_week,
            created_week_start=week_start(today),
            team_code=minutes.team_code,
            body=json.dumps(minutes.to_dict(), ensure_ascii=False, sort_keys=True),
            receipt_hash=digest,
            idempotency_key=key,
        )
    )
    session.flush()
    return StoredMinutes(public_id=public_id, token=token)


def load_minutes(session: Session, public_id: str) -> Minutes | None:
    """The stored minutes with this public id, or None (withdrawn, purged or never there)."""
    body = session.execute(
        select(GroupMinutes.body).where(GroupMinutes.public_id == public_id)
    ).scalar_one_or_none()
    return None if body is None else Minutes.from_dict(json.loads(body))


def purge_minutes(*, session: Session, now: date, retention_days: int) -> int:
    """Delete minutes whose week started more than ``retention_days`` before ``now``.

    Raises:
        ValueError: if ``retention_days`` is negative.
    """
    if retention_days < 0:
        raise ValueError("retention_days must not be negative")
    cutoff = now - timedelta(days=retention_days)
    result = session.execute(
        delete(GroupMinutes)
        .where(GroupMinutes.created_week_start < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


def purge_ended_sessions(*, session: Session) -> int:
    """Delete the tombstones of closed and expired sessions (they hold nothing of substance).

    Until ``reflect purge`` runs, resuming an ended session says it has ended; afterwards it
    says there is no session, which is as true.
    """
    result = session.execute(
        delete(GroupSession)
        .where(GroupSession.status != LIVE)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


def mark_point(row: GroupSession, number: int, *, shown: bool, skipped: bool | None) -> None:
    """Set the shown / skipped bits of a point (``skipped=None`` leaves that bit alone)."""
    bit = 1 << (number - 1)
    if shown:
        row.points_shown = (row.points_shown or 0) | bit
    if skipped is True:
        row.points_skipped = (row.points_skipped or 0) | bit
    elif skipped is False:
        row.points_skipped = (row.points_skipped or 0) & ~bit


def hint_given(row: GroupSession, number: int) -> bool:
    """Whether point ``number`` has had its timing hint."""
    return _bit(row.hints_given or 0, number)


def give_hint(row: GroupSession, number: int) -> None:
    """Remember that point ``number`` has had its timing hint (once per point)."""
    row.hints_given = (row.hints_given or 0) | (1 << (number - 1))
