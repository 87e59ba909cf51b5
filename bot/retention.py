"""Deleting what is past its retention period, for `reflect purge` and the web app's daily run.

One function does it all, so the command an operator runs and the job the app runs every day
cannot drift apart: reflections and group minutes older than RETENTION_DAYS, conversation events
older than TRACKER_RETENTION_DAYS, abandoned and ended group sessions, yesterday's withdrawal
attempts, expired conversation memory, portal audit rows older than PORTAL_AUDIT_DAYS, CPD
records whose download link has expired, and follow-ups left unanswered (or never asked)
FOLLOWUP_ANSWER_DAYS after they were asked (or due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from bot.channels import memory as conversation_memory
from bot.cpd.store import delete_expired as delete_expired_cpd_records
from bot.followup.service import purge_followups
from bot.group import service as group_service
from bot.portal.audit import purge_audit
from bot.reflections.service import purge, purge_tracker_events, purge_withdrawal_attempts
from bot.settings.config import Settings
from bot.storage.migrate import upgrade
from bot.storage.session import make_engine, make_session_factory, transaction


@dataclass(frozen=True)
class Purged:
    """How many rows of each kind one purge deleted (or expired)."""

    reflections: int
    minutes: int
    expired_sessions: int
    ended_sessions: int
    memory: int
    events: int
    audit: int
    cpd_records: int = 0
    followups: int = 0

    def sentence(self, settings: Settings) -> str:
        """What `reflect purge` prints and the daily job logs: counts only, never content."""
        return (
            f"Deleted {self.reflections} reflection(s) older than {settings.retention_days} days "
            f"and {self.events} conversation event(s) older than "
            f"{settings.tracker_retention_days} days; {self.memory} expired conversation memory "
            f"row(s); {self.minutes} group minutes older than {settings.retention_days} days; "
            f"{self.expired_sessions} abandoned group session(s) expired and "
            f"{self.ended_sessions} ended session(s) removed; {self.audit} portal audit row(s) "
            f"older than {settings.portal_audit_days} days; {self.cpd_records} expired CPD "
            f"record(s); {self.followups} follow-up(s) unanswered "
            f"{settings.followup_answer_days} days after they were asked or due."
        )


def purge_all(settings: Settings, *, today: date, now: datetime) -> Purged:
    """Apply every retention rule once, in one transaction for our tables."""
    upgrade(settings.reflections_url)
    engine = make_engine(settings.reflections_url)
    try:
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            reflections = purge(session=session, now=today, retention_days=settings.retention_days)
            minutes = group_service.purge_minutes(
                session=session, now=today, retention_days=settings.retention_days
            )
            expired = group_service.expire_idle(
                session=session, now=now, idle_minutes=settings.group_session_idle_minutes
            )
            ended = group_service.purge_ended_sessions(session=session)
            purge_withdrawal_attempts(session=session, today=today)
            remembered = conversation_memory.purge(
                session=session, now=now.astimezone(timezone.utc).replace(tzinfo=None)
            )
            audit = purge_audit(session, now=now, days=settings.portal_audit_days)
            cpd_records = delete_expired_cpd_records(session, now=now)
            followups = purge_followups(
                session=session, today=today, answer_days=settings.followup_answer_days
            )
    finally:
        engine.dispose()
    events = purge_tracker_events(
        tracker_database_url=settings.tracker_url,
        now=now,
        retention_days=settings.tracker_retention_days,
    )
    return Purged(
        reflections, minutes, expired, ended, remembered, events, audit, cpd_records, followups
    )
