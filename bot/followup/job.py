"""Sending the Teams follow-ups that are due, exactly once, however many replicas run the job.

`reflect followups send` runs it, and so does every web app replica every
FOLLOWUP_INTERVAL_HOURS, so several may run it at the same moment. Each due Teams follow-up is:

1. **claimed** by one conditional UPDATE (``status`` pending, or a claim whose
   ``claimed_until`` has passed, becomes ``sending`` until now + :data:`CLAIM_SECONDS`); the
   row count says whether this replica won it. No ``SELECT ... FOR UPDATE``, no advisory lock:
   the same statement is atomic on SQLite (one writer) and PostgreSQL (the second UPDATE waits
   for the first and re-checks its WHERE against the committed row);
2. its reference read and decrypted;
3. **marked asked, its reference deleted**, in one transaction, before anything is posted:
   if the process dies after this, the message is not sent (at most once) and the practitioner
   is asked on their next message in Teams instead (bot.followup.service.due_now);
4. **posted**. If the connector refuses it or cannot be reached, the reference is put back and
   the row is pending again with one more attempt, for the next run; after
   :data:`MAX_ATTEMPTS` the follow-up is deleted.

Widget follow-ups are not sent: the widget asks them on the next visit. Nothing here logs more
than counts and exception types.
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import sessionmaker

from bot.followup.references import UnreadableReference, open_reference
from bot.followup.service import question
from bot.followup.teams import Sender, teams_sender
from bot.settings.config import Settings
from bot.storage.migrate import upgrade
from bot.storage.models import Followup
from bot.storage.session import make_engine, make_session_factory, transaction

logger = logging.getLogger(__name__)

#: How long a claim holds: far longer than one post (10 s timeout, one token renewal), so a
#: replica that dies mid-send leaves its follow-up to be claimed again on a later run.
CLAIM_SECONDS = 300
#: Posts tried before a follow-up that cannot be delivered is deleted.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class SendCounts:
    """What one run did: sent, failed (to be tried again), given up, and left to other replicas."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    elsewhere: int = 0

    @property
    def due(self) -> int:
        """How many due follow-ups this run saw."""
        return self.sent + self.failed + self.given_up + self.elsewhere


def _naive_utc(moment: datetime) -> datetime:
    """Times are stored as naive UTC (``claimed_until`` is a plain DateTime column)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _claimable(now: datetime) -> object:
    return and_(
        Followup.channel == "teams",
        Followup.reference.is_not(None),
        or_(
            Followup.status == "pending",
            and_(Followup.status == "sending", Followup.claimed_until < now),
        ),
    )


def send_due(
    factory: sessionmaker, settings: Settings, *, today: date, now: datetime, sender: Sender
) -> SendCounts:
    """Send every Teams follow-up due by ``today`` that no other replica is sending."""
    moment = _naive_utc(now)
    with transaction(factory) as session:
        ids = list(
            session.execute(
                select(Followup.id)
                .where(Followup.due_on <= today, _claimable(moment))
                .order_by(Followup.due_on, Followup.id)
            ).scalars()
        )
    counts = {"sent": 0, "failed": 0, "given_up": 0, "elsewhere": 0}
    for row_id in ids:
        counts[_send_one(factory, settings, row_id, today=today, now=moment, sender=sender)] += 1
    return SendCounts(**counts)


def _claim(factory: sessionmaker, row_id: int, *, now: datetime) -> datetime | None:
    """Claim one follow-up for this replica: its claim time, or ``None`` if another has it."""
    until = now + timedelta(seconds=CLAIM_SECONDS)
    with transaction(factory) as session:
        claimed = session.execute(
            update(Followup)
            .where(Followup.id == row_id, _claimable(now))
            .values(status="sending", claimed_until=until)
            .execution_options(synchronize_session=False)
        )
    return until if claimed.rowcount == 1 else None


def _send_one(
    factory: sessionmaker,
    settings: Settings,
    row_id: int,
    *,
    today: date,
    now: datetime,
    sender: Sender,
) -> str:
    """Claim, decrypt, mark asked without its reference, post: which count it adds to."""
    until = _claim(factory, row_id, now=now)
    if until is None:
        return "elsewhere"
    with transaction(factory) as session:
        row = session.get(Followup, row_id)
        if row is None or row.reference is None:  # stopped (opted out) since it was claimed
            return "elsewhere"
        public_id, sealed, pack_id = row.public_id, row.reference, row.pack_id
        attempts = row.attempts
    try:
        reference = open_reference(sealed, secret=settings.secret, public_id=public_id)
    except UnreadableReference:
        # Another secret, or changed in the database: it can never be sent.
        logger.error("follow-up reference unreadable: deleted")
        _delete(factory, row_id)
        return "given_up"
    with transaction(factory) as session:
        asked = session.execute(
            update(Followup)
            .where(
                Followup.id == row_id,
                Followup.status == "sending",
                Followup.claimed_until == until,
            )
            .values(status="asked", asked_on=today, reference=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
    if asked.rowcount != 1:  # stopped (opted out) meanwhile, or the claim ran out
        return "elsewhere"
    try:
        sender(reference, question(settings, pack_id=pack_id))
    except Exception as exc:  # the connector refused it or could not be reached
        logger.warning("follow-up not sent: %s", type(exc).__name__)
        return _put_back(factory, row_id, sealed=sealed, attempts=attempts + 1)
    return "sent"


def _put_back(factory: sessionmaker, row_id: int, *, sealed: str, attempts: int) -> str:
    """After a failed post: pending again with its reference, or deleted after the last try."""
    if attempts >= MAX_ATTEMPTS:
        _delete(factory, row_id)
        return "given_up"
    with transaction(factory) as session:
        session.execute(
            update(Followup)
            .where(Followup.id == row_id, Followup.status == "asked")
            .values(status="pending", asked_on=None, reference=sealed, attempts=attempts)
            .execution_options(synchronize_session=False)
        )
    return "failed"


def _delete(factory: sessionmaker, row_id: int) -> None:
    with transaction(factory) as session:
        session.execute(delete(Followup).where(Followup.id == row_id))


def send_followups(settings: Settings, *, today: date, now: datetime) -> SendCounts:
    """One run on this deployment's database and Teams app (the CLI and the web app's timer).

    Raises:
        TeamsNotConfigured: no Teams app is configured, so nothing can be sent.
    """
    upgrade(settings.reflections_url)
    engine = make_engine(settings.reflections_url)
    try:
        with teams_sender(settings) as sender:
            return send_due(
                make_session_factory(engine), settings, today=today, now=now, sender=sender
            )
    finally:
        engine.dispose()
