"""Record, withdraw, list and purge anonymised reflections: the service layer over the tables.

Keyword-only functions over a SQLAlchemy session, in the style of cosmicpython's services:
the caller owns the transaction (see :func:`bot.storage.session.transaction`), these functions
only flush. Everything that could identify a practitioner stops before this module: text has
been anonymised at the channel door, the sender id never arrives here (withdrawal limiting gets
only a per-day keyed hash of it), and time is reduced to an ISO week before it is stored.

Error messages never quote the reflection text, because they may end up in logs.
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, Float, MetaData, Table, delete, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.reflections.receipts import code_from_token, new_receipt_code, receipt_hash
from bot.storage.models import (
    AGENCIES,
    MAX_CHANNEL_KIND_LENGTH,
    MAX_PACK_ID_LENGTH,
    MAX_PACK_VERSION_LENGTH,
    MAX_POINT_ID_LENGTH,
    MAX_TEXT_LENGTH,
    PUBLIC_ID_LENGTH,
    REFLECTION_KINDS,
    GroupMinutes,
    Reflection,
    WithdrawalAttempt,
)
from bot.storage.session import make_engine

logger = logging.getLogger(__name__)

#: Failed withdrawal attempts allowed per sender per day. Generous for someone mistyping their
#: own code; with 50-bit codes it makes guessing hopeless from one conversation.
WITHDRAWAL_FAILURES_PER_DAY = 5

#: Failed withdrawal attempts allowed per day across all senders (Settings can change it).
#: Senders are cheap to rotate (a new REST sender id, a new widget session), so the per-sender
#: limit alone puts no bound on guesses; this does. A partnership's practitioners mistype a few
#: codes a day, not hundreds.
WITHDRAWAL_GLOBAL_FAILURES_PER_DAY = 200

#: The attempts row that counts every sender's failures. Real keys are ``a_`` + 64 hex digits
#: (:func:`bot.reflections.receipts.attempt_key`), so this can never be one of them.
ALL_SENDERS_KEY = "all-senders"

#: The log event an operator alerts on: guessing at scale, or a flood of mistyped codes.
CAP_REACHED_EVENT = "withdrawal_failures_cap_reached"

# A new code colliding with a stored one is a 1-in-10^15 event per save; retrying a few times
# turns "vanishingly unlikely" into "never" without an unbounded loop.
_CODE_ATTEMPTS = 5
_CHANNEL_KIND = re.compile(r"[a-z0-9_]+")
T = TypeVar("T")


class ReflectionError(ValueError):
    """A reflection cannot be saved as given; the message says why, without quoting the text."""


class EmptyReflectionError(ReflectionError):
    """The text is empty or only whitespace."""


class ReflectionTooLongError(ReflectionError):
    """The text is longer than the stored column allows."""


class UnknownAgencyError(ReflectionError):
    """The agency is not one of the categories the practitioner is offered."""


class InvalidReflectionFieldError(ReflectionError):
    """A pack, point or channel field is missing or malformed (a bug in the caller)."""


@dataclass(frozen=True)
class Receipt:
    """What the practitioner gets back when a reflection is saved.

    ``code`` is shown to them once and never stored; only its keyed hash is. It is left out of
    ``repr`` so logging a receipt by accident does not write a working withdrawal code to disk.
    """

    code: str = field(repr=False)
    iso_week: str
    token: str | None = field(default=None, repr=False)
    #: True when the save was already stored (same idempotency key): nothing new was written.
    repeated: bool = False


@dataclass(frozen=True, slots=True)
class ReflectionRow:
    """A reflection as the safeguarding lead sees it: no id, no receipt hash, nothing linkable."""

    pack_id: str
    pack_version: str
    point_id: str
    iso_week: str
    agency: str | None
    channel_kind: str
    text: str
    kind: str = "reflection"
    """"reflection", or "followup" for an answer to the follow-up months later (impact)."""


class WithdrawalOutcome(enum.Enum):
    """What happened when someone gave a receipt code to withdraw a reflection or minutes.

    Receipt codes are one code space: the same code never belongs to a reflection and a group
    session's minutes, so one withdrawal, with one rate limit, finds either.
    """

    WITHDRAWN = "withdrawn"
    MINUTES_WITHDRAWN = "minutes_withdrawn"
    NOT_FOUND = "not_found"
    TOO_MANY_ATTEMPTS = "too_many_attempts"


@dataclass(frozen=True)
class Limited(Generic[T]):
    """The outcome of :func:`limited_attempt`: refused before trying, or what the try gave."""

    refused: bool
    value: T | None = None


def iso_week_label(day: date) -> str:
    """The ISO week containing ``day``, as ``"2026-W48"``: the only time a reflection keeps.

    Uses the ISO year, which differs from the calendar year around New Year (2027-01-01 is in
    2026-W53), so a week is never split in two.
    """
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week, stored alongside the label for retention queries."""
    year, week, _ = day.isocalendar()
    return date.fromisocalendar(year, week, 1)


def record_reflection(
    *,
    session: Session,
    text: str,
    pack_id: str,
    pack_version: str,
    point_id: str,
    agency: str | None,
    channel_kind: str,
    secret: bytes,
    today: date,
    receipt_token: str | None = None,
    group_ref: str | None = None,
    idempotency_key: str | None = None,
    kind: str = "reflection",
) -> Receipt:
    """Store one anonymised reflection and return the receipt that can withdraw it.

    ``kind`` is "reflection", or "followup" for an answer to the follow-up months later
    (bot/followup), which the portal counts apart, as impact.

    With ``idempotency_key`` (:func:`bot.reflections.receipts.idempotency_key`) a reflection
    already stored under that key is not stored again: its receipt is returned (``repeated``),
    which needs the same ``receipt_token`` (:func:`bot.reflections.receipts.receipt_token_for`)
    as the first save. The key's unique index refuses a concurrent second insert.

    With ``receipt_token`` the code is derived from it
    (:func:`bot.reflections.receipts.code_from_token`), so the conversation can carry the token
    and only the channel shows the code. ``group_ref`` is the public id of the group session
    the practitioner joined, when they wrote it in one (bot/group), else ``None``.

    ``text`` must already be anonymised (the channel door does that, and the practitioner has
    seen and confirmed the anonymised version); it is stored as given, minus surrounding
    whitespace. ``today`` is reduced to its ISO week here, so no finer time reaches the table.

    Raises:
        EmptyReflectionError: if the text is blank.
        ReflectionTooLongError: if the text is over 4,000 characters.
        UnknownAgencyError: if ``agency`` is not one of :data:`AGENCIES` or ``None``.
        InvalidReflectionFieldError: if a pack, point or channel field is malformed.
        ValueError: if the secret is too short to be a key.
    """
    clean_text = _validated_text(text)
    if agency is not None and agency not in AGENCIES:
        raise UnknownAgencyError(
            f"Unknown agency {agency!r}; expected one of {', '.join(AGENCIES)} or None"
        )
    _require_field("pack_id", pack_id, MAX_PACK_ID_LENGTH)
    _require_field("pack_version", pack_version, MAX_PACK_VERSION_LENGTH)
    _require_field("point_id", point_id, MAX_POINT_ID_LENGTH)
    _require_field("channel_kind", channel_kind, MAX_CHANNEL_KIND_LENGTH)
    if group_ref is not None:
        _require_field("group_ref", group_ref, PUBLIC_ID_LENGTH)
    if not _CHANNEL_KIND.fullmatch(channel_kind):
        raise InvalidReflectionFieldError(
            "channel_kind must be lower-case letters, digits or underscores"
        )
    if kind not in REFLECTION_KINDS:
        raise InvalidReflectionFieldError(f"kind must be one of {', '.join(REFLECTION_KINDS)}")

    if idempotency_key is not None:
        found = _already_stored(session, idempotency_key, secret=secret, token=receipt_token)
        if found is not None:
            return found
    code, digest = _unused_code(session=session, secret=secret, token=receipt_token)
    label = iso_week_label(today)
    session.add(
        Reflection(
            pack_id=pack_id,
            pack_version=pack_version,
            point_id=point_id,
            text=clean_text,
            agency=agency,
            iso_week=label,
            channel_kind=channel_kind,
            receipt_hash=digest,
            created_week_start=week_start(today),
            group_ref=group_ref,
            idempotency_key=idempotency_key,
            kind=kind,
        )
    )
    session.flush()
    return Receipt(code=code, iso_week=label, token=receipt_token)


def _already_stored(
    session: Session, key: str, *, secret: bytes, token: str | None
) -> Receipt | None:
    """The receipt of the reflection stored under ``key``, or ``None`` if there is none.

    Raises:
        ReflectionError: if the token given would not give that reflection's receipt (a caller
            that drew a fresh token for a keyed save): better no receipt than a wrong one.
    """
    row = session.execute(
        select(Reflection.iso_week, Reflection.receipt_hash).where(
            Reflection.idempotency_key == key
        )
    ).first()
    if row is None:
        return None
    code = code_from_token(token, secret=secret) if token else None
    if code is None or receipt_hash(code, secret=secret) != row.receipt_hash:
        raise ReflectionError("This reflection is already saved under another receipt")
    return Receipt(code=code, iso_week=row.iso_week, token=token, repeated=True)


def receipt_in_use(*, session: Session, digest: str) -> bool:
    """Whether a receipt hash already belongs to a reflection or to a group's minutes.

    Both draw from one code space, so a new code is checked against both before it is given out.
    """
    for column in (Reflection.receipt_hash, GroupMinutes.receipt_hash):
        if session.execute(select(column).where(column == digest)).first() is not None:
            return True
    return False


def withdraw_reflection(*, session: Session, digest: str) -> bool:
    """Delete the reflection whose receipt hash is ``digest``; ``True`` if one was deleted.

    The door replaces a typed code by its keyed hash
    (:func:`bot.reflections.receipts.receipt_hash`), so withdrawal matches on the hash and no
    working code reaches the tracker store or a log.
    A real ``DELETE``, not a hidden flag: a withdrawn reflection must be gone from the database
    and every later export. An unknown hash deletes nothing and returns ``False`` (the caller
    says the same thing either way, so a reply never confirms a guess).
    """
    return _delete_by_receipt(session, Reflection, digest)


def withdraw_minutes(*, session: Session, digest: str) -> bool:
    """Delete the group minutes whose receipt hash is ``digest``; ``True`` if some were deleted.

    Like :func:`withdraw_reflection`: a real ``DELETE``, matched on the keyed hash only.
    """
    return _delete_by_receipt(session, GroupMinutes, digest)


def _delete_by_receipt(session: Session, model: Any, digest: str) -> bool:
    result = session.execute(
        delete(model)
        .where(model.receipt_hash == digest)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount) > 0


def withdraw_by_receipt(*, session: Session, digest: str) -> WithdrawalOutcome:
    """Withdraw what the receipt hash belongs to: a reflection, a group's minutes, or nothing."""
    if withdraw_reflection(session=session, digest=digest):
        return WithdrawalOutcome.WITHDRAWN
    if withdraw_minutes(session=session, digest=digest):
        return WithdrawalOutcome.MINUTES_WITHDRAWN
    return WithdrawalOutcome.NOT_FOUND


def limited_attempt(
    *,
    session: Session,
    attempt: Callable[[], T | None],
    sender_key: str,
    today: date,
    max_failures: int,
    max_global_failures: int,
    global_key: str = ALL_SENDERS_KEY,
    cap_event: str = CAP_REACHED_EVENT,
) -> Limited[T]:
    """Run ``attempt`` unless this sender, or everyone together, failed too often today.

    The guard behind every code someone types to find a row (withdrawal's receipt codes, a
    group session's join codes): ``attempt`` returns a value on success and ``None`` on a
    failure, and only failures are counted, under ``sender_key`` (a per-day keyed hash of the
    sender, :func:`bot.reflections.receipts.attempt_key`) and under ``global_key``, in the one
    attempts table. Each kind of code counts under its own keys (its own key domain), so a
    mistyped join code never uses up anyone's withdrawals. Yesterday's counters are deleted on
    the way. When the global cap is reached, one WARNING ``cap_event`` is logged with the
    counts (never a code or a sender).

    Past the global cap a failure is answered "too many", but **a right code still works**:
    senders cost nothing to make (a new REST sender id), so a cap that refused everyone would
    let anyone shut withdrawal or joining off for the whole day with a few hundred wrong codes
    (attack round, issue 12). What bounds guessing across rotated senders is the code's 50 bits
    (and, in production, the proxy's rate limits); the cap is the alarm.
    """
    purge_withdrawal_attempts(session=session, today=today)
    if _failures(session=session, key=sender_key, today=today) >= max_failures:
        return Limited(refused=True)
    before = _failures(session=session, key=global_key, today=today)
    value = attempt()
    if value is not None:
        return Limited(refused=False, value=value)
    _count_failure(session=session, sender_key=sender_key, today=today)
    _count_failure(session=session, sender_key=global_key, today=today)
    after = _failures(session=session, key=global_key, today=today)
    if before < max_global_failures <= after:
        logger.warning("%s failures=%d cap=%d", cap_event, after, max_global_failures)
    return Limited(refused=before >= max_global_failures)


def attempt_withdrawal(
    *,
    session: Session,
    digest: str,
    sender_key: str,
    today: date,
    max_failures: int = WITHDRAWAL_FAILURES_PER_DAY,
    max_global_failures: int = WITHDRAWAL_GLOBAL_FAILURES_PER_DAY,
) -> WithdrawalOutcome:
    """Withdraw a reflection, refusing once a sender, or everyone together, failed too often today.

    ``sender_key`` comes from :func:`bot.reflections.receipts.attempt_key` (a keyed hash of the
    sender pseudonym and the day). Only *failed* attempts are counted: a failed attempt matched no
    reflection, so the attempts table never records anything about a reflection that exists or
    existed, and a practitioner withdrawing several of their own reflections is never blocked.
    Yesterday's counters are deleted on the way, so the table only ever holds today.

    The per-sender check slows down guessing from one conversation; past the daily cap across
    all senders (counted under :data:`ALL_SENDERS_KEY`) every failure is refused, but a right
    code still withdraws (:func:`limited_attempt` says why). When the cap is reached, one
    WARNING :data:`CAP_REACHED_EVENT` is logged with the counts (never a code or a sender).
    50-bit codes are what make guessing hopeless overall. The code may belong to a reflection
    or to a group session's minutes (:func:`withdraw_by_receipt`): one code space, one limit.
    """

    def withdraw() -> WithdrawalOutcome | None:
        outcome = withdraw_by_receipt(session=session, digest=digest)
        return None if outcome is WithdrawalOutcome.NOT_FOUND else outcome

    limited = limited_attempt(
        session=session,
        attempt=withdraw,
        sender_key=sender_key,
        today=today,
        max_failures=max_failures,
        max_global_failures=max_global_failures,
    )
    if limited.refused:
        return WithdrawalOutcome.TOO_MANY_ATTEMPTS
    return limited.value or WithdrawalOutcome.NOT_FOUND


def _failures(*, session: Session, key: str, today: date) -> int:
    """Failed attempts counted under ``key`` today (0 when there is no row)."""
    found = session.execute(
        select(WithdrawalAttempt.attempts).where(
            WithdrawalAttempt.sender_key == key, WithdrawalAttempt.day == _as_date(today)
        )
    ).scalar_one_or_none()
    return int(found or 0)


def purge_withdrawal_attempts(*, session: Session, today: date) -> int:
    """Delete attempt counters from before ``today``; run daily (and on every attempt)."""
    result = session.execute(
        delete(WithdrawalAttempt)
        .where(WithdrawalAttempt.day < _as_date(today))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


def purge(*, session: Session, now: date, retention_days: int) -> int:
    """Delete reflections whose week started more than ``retention_days`` before ``now``.

    Retention counts from the start of the reflection's ISO week (the only date we keep), so a
    reflection is deleted up to six days *sooner* than its exact age would require, never later.

    Raises:
        ValueError: if ``retention_days`` is negative.
    """
    if retention_days < 0:
        raise ValueError("retention_days must not be negative")
    cutoff = _as_date(now) - timedelta(days=retention_days)
    result = session.execute(
        delete(Reflection)
        .where(Reflection.created_week_start < cutoff)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount)


def purge_tracker_events(*, tracker_database_url: str, now: datetime, retention_days: int) -> int:
    """Delete Rasa tracker-store events older than ``retention_days``; return how many.

    The tracker store holds each conversation under the sender pseudonym, including the
    anonymised reflection text and the bot's receipt message, so it is the one place a
    reflection could be matched to a (pseudonymous) sender. Keeping it short-lived limits that.
    Targets ``SQLTrackerStore``'s ``events`` table, whose ``timestamp`` is a float Unix epoch
    (rasa/core/tracker_store.py, Rasa 3.6). A database without that table (Rasa has not run
    yet) has nothing to purge.

    Raises:
        ValueError: if ``now`` is naive (an epoch cutoff needs a time zone) or
            ``retention_days`` is negative.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware, e.g. datetime.now(timezone.utc)")
    if retention_days < 0:
        raise ValueError("retention_days must not be negative")
    cutoff = (now - timedelta(days=retention_days)).timestamp()
    events = Table("events", MetaData(), Column("timestamp", Float))
    engine = make_engine(tracker_database_url)
    try:
        with engine.begin() as connection:
            if not inspect(connection).has_table("events"):
                return 0
            result = connection.execute(delete(events).where(events.c.timestamp < cutoff))
            return int(result.rowcount)
    finally:
        engine.dispose()


def list_reflections(*, session: Session, pack_id: str | None = None) -> list[ReflectionRow]:
    """Every stored reflection (optionally for one pack), for export, in one query.

    Selects plain columns rather than ORM objects (100,000 rows load in about a second) and
    never the id or receipt hash. Ordered by content, not by insertion, so an export does not
    reveal the order in which reflections were written.
    """
    # The columns are ReflectionRow's fields, in its order, so rows can be built positionally.
    columns = [Reflection.__table__.c[item.name] for item in fields(ReflectionRow)]
    query = select(*columns).order_by(*columns)
    if pack_id is not None:
        query = query.where(Reflection.pack_id == pack_id)
    # Plain Core rows on the session's own connection (same transaction): ORM result processing
    # and named attribute access roughly double the time on 100k rows.
    result = session.connection().execute(query)
    return [ReflectionRow(*row) for row in result]


def _validated_text(text: str) -> str:
    clean = text.strip()
    if not clean:
        raise EmptyReflectionError("A reflection cannot be empty")
    if len(clean) > MAX_TEXT_LENGTH:
        raise ReflectionTooLongError(
            f"A reflection can be at most {MAX_TEXT_LENGTH:,} characters; "
            f"this one has {len(clean):,}"
        )
    if "\x00" in clean:
        # PostgreSQL refuses NUL in text; say so clearly instead of failing in the driver.
        raise ReflectionError("A reflection cannot contain a NUL character")
    return clean


def _require_field(name: str, value: str, max_length: int) -> None:
    if not value or not value.strip():
        raise InvalidReflectionFieldError(f"{name} must not be empty")
    if len(value) > max_length:
        raise InvalidReflectionFieldError(f"{name} can be at most {max_length} characters")


def _unused_code(*, session: Session, secret: bytes, token: str | None) -> tuple[str, str]:
    """A fresh receipt code and its hash, checked against the codes already stored."""
    for _ in range(1 if token else _CODE_ATTEMPTS):
        code = code_from_token(token, secret=secret) if token else new_receipt_code()
        digest = receipt_hash(code, secret=secret)
        if not receipt_in_use(session=session, digest=digest):
            return code, digest
    raise ReflectionError("Could not allocate an unused receipt code; please try again")


def _count_failure(*, session: Session, sender_key: str, today: date) -> None:
    """Add one failed attempt for this sender today, atomically where the database can."""
    dialect = session.get_bind().dialect.name
    values = {"sender_key": sender_key, "day": _as_date(today), "attempts": 1}
    if dialect in {"postgresql", "sqlite"}:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(WithdrawalAttempt).values(**values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["sender_key", "day"],
                set_={"attempts": WithdrawalAttempt.attempts + 1},
            )
        )
        return
    row = session.get(WithdrawalAttempt, (sender_key, _as_date(today)))
    if row is None:
        session.add(WithdrawalAttempt(**values))
    else:
        row.attempts = row.attempts + 1
    session.flush()


def _as_date(value: date) -> date:
    """A plain date: a datetime compared with a DATE column in SQLite compares as text."""
    return value.date() if isinstance(value, datetime) else value
