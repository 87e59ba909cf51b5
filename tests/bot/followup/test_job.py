"""Sending due Teams follow-ups once (bot/followup/job.py): SQLite, and the race on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.content.messages import Message, render
from bot.content.schema import Pack
from bot.followup import job
from bot.followup.job import MAX_ATTEMPTS, SendCounts, send_due
from bot.followup.references import Reference, attach
from bot.followup.service import TEAMS_REFERENCE_KEY, Who, due_now, opt_in
from bot.settings.config import Settings
from bot.storage.models import Followup
from bot.storage.session import transaction
from bot.teams.activities import Conversation
from bot.teams.http import ConnectorError
from tests.bot.storage.databases import migrated_sessions

OPTED_IN = date(2026, 9, 1)
NOW = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
TODAY = NOW.date()


class FakeSender:
    """Records each proactive message; fails the first ``failures`` posts."""

    def __init__(self, *, failures: int = 0, delay: float = 0.0) -> None:
        self.sent: list[tuple[Reference, Message]] = []
        self.failures = failures
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self, reference: Reference, message: Message) -> None:
        time.sleep(self.delay)
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise ConnectorError("the connector refused an activity (503)", status=503)
            self.sent.append((reference, message))


def conversation(n: int) -> Conversation:
    return Conversation(
        service_url="https://smba.trafficmanager.net/emea/",
        conversation_id=f"a:1chat-{n}",
        conversation_type="personal",
        bot_id="28:bot",
        bot_name="Reflect",
        user_id=f"29:user-{n}",
        reply_to_id="1",
        tenant_id="tenant",
    )


def due_teams_followup(
    factory: sessionmaker, settings: Settings, pack: Pack, n: int = 0, *, attached: bool = True
) -> str:
    """A Teams follow-up opted into on OPTED_IN, due by TODAY, with its address attached."""
    who = Who("teams", f"s_sender-{n}", None)
    result = opt_in(factory, settings, who, pack=pack, points=[], today=OPTED_IN)
    public_id = str(result.payloads[0][TEAMS_REFERENCE_KEY])
    if attached:
        assert attach(factory, settings, public_id, conversation(n))
    return public_id


def row(factory: sessionmaker, public_id: str) -> Followup | None:
    with transaction(factory) as session:
        return session.execute(
            select(Followup).where(Followup.public_id == public_id)
        ).scalar_one_or_none()


def test_a_due_follow_up_is_sent_once_and_its_address_deleted_first(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    public_id = due_teams_followup(factory, settings, pack)
    seen: list[Followup | None] = []
    sender = FakeSender()

    def sending(reference: Reference, message: Message) -> None:
        seen.append(row(factory, public_id))  # what the database holds while posting
        sender(reference, message)

    counts = send_due(factory, settings, today=TODAY, now=NOW, sender=sending)

    assert counts == SendCounts(sent=1)
    [(reference, message)] = sender.sent
    assert reference.conversation_id == "a:1chat-0" and reference.tenant_id == "tenant"
    assert message == render("followup_question", briefing_title=pack.title)
    during = seen[0]
    assert during is not None and during.reference is None and during.status == "asked"
    after = row(factory, public_id)
    assert after is not None and after.status == "asked" and after.asked_on == TODAY
    assert after.reference is None and after.claimed_until is None
    assert send_due(factory, settings, today=TODAY, now=NOW, sender=sender) == SendCounts()
    assert len(sender.sent) == 1
    # The practitioner's next Teams message finds it to answer.
    found = due_now(factory, settings, Who("teams", "s_sender-0", None), today=TODAY)
    assert found is not None and found.public_id == public_id


def test_nothing_is_sent_before_the_due_day_nor_for_the_widget_nor_without_an_address(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    due_teams_followup(factory, settings, pack, 1)
    due_teams_followup(factory, settings, pack, 2, attached=False)
    opt_in(
        factory,
        settings,
        Who("socketio", "s", {"followup_token": "w" * 32}),
        pack=pack,
        points=[],
        today=OPTED_IN,
    )
    sender = FakeSender()
    early = OPTED_IN + timedelta(days=settings.followup_days - 1)

    assert send_due(factory, settings, today=early, now=NOW, sender=sender) == SendCounts()
    assert send_due(factory, settings, today=TODAY, now=NOW, sender=sender) == SendCounts(sent=1)
    assert [reference.conversation_id for reference, _ in sender.sent] == ["a:1chat-1"]


def test_a_failed_post_puts_the_address_back_and_is_tried_again_next_run(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    public_id = due_teams_followup(factory, settings, pack)
    sender = FakeSender(failures=1)

    assert send_due(factory, settings, today=TODAY, now=NOW, sender=sender) == SendCounts(failed=1)
    failed = row(factory, public_id)
    assert failed is not None and failed.status == "pending" and failed.attempts == 1
    assert failed.reference is not None and failed.asked_on is None

    assert send_due(factory, settings, today=TODAY, now=NOW, sender=sender) == SendCounts(sent=1)
    assert len(sender.sent) == 1
    sent = row(factory, public_id)
    assert sent is not None and sent.reference is None


def test_a_follow_up_that_cannot_be_delivered_is_deleted_after_the_last_attempt(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    public_id = due_teams_followup(factory, settings, pack)
    sender = FakeSender(failures=MAX_ATTEMPTS)

    outcomes = [
        send_due(factory, settings, today=TODAY, now=NOW, sender=sender)
        for _ in range(MAX_ATTEMPTS)
    ]

    assert outcomes == [SendCounts(failed=1)] * (MAX_ATTEMPTS - 1) + [SendCounts(given_up=1)]
    assert row(factory, public_id) is None and sender.sent == []


def test_an_unreadable_address_is_deleted_not_sent(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    public_id = due_teams_followup(factory, settings, pack)
    rotated = replace(settings, secret=b"a-new-secret-after-rotation-0123")
    sender = FakeSender()

    assert send_due(factory, rotated, today=TODAY, now=NOW, sender=sender) == SendCounts(given_up=1)
    assert row(factory, public_id) is None and sender.sent == []


def test_a_claim_held_by_another_replica_is_left_alone_until_it_runs_out(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    public_id = due_teams_followup(factory, settings, pack)
    naive_now = NOW.replace(tzinfo=None)
    with transaction(factory) as session:
        claimed = session.execute(select(Followup)).scalar_one()
        claimed.status, claimed.claimed_until = "sending", naive_now + timedelta(seconds=60)
    sender = FakeSender()

    assert send_due(factory, settings, today=TODAY, now=NOW, sender=sender) == SendCounts()
    later = NOW + timedelta(seconds=job.CLAIM_SECONDS)
    assert send_due(factory, settings, today=TODAY, now=later, sender=sender) == SendCounts(sent=1)
    assert row(factory, public_id) is not None and len(sender.sent) == 1


def test_a_follow_up_stopped_while_it_is_claimed_is_not_sent(
    factory: sessionmaker, settings: Settings, pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    public_id = due_teams_followup(factory, settings, pack)
    claim = job._claim

    def claim_then_stop(factory_: sessionmaker, row_id: int, *, now: datetime) -> datetime | None:
        until = claim(factory_, row_id, now=now)
        with transaction(factory_) as session:  # "stop the follow-up", just then
            session.delete(session.get(Followup, row_id))
        return until

    monkeypatch.setattr(job, "_claim", claim_then_stop)
    sender = FakeSender()

    assert send_due(factory, settings, today=TODAY, now=NOW, sender=sender) == SendCounts(
        elsewhere=1
    )
    assert sender.sent == [] and row(factory, public_id) is None


# --- several replicas at once, on PostgreSQL ---------------------------------------------------


@pytest.fixture
def pg_factory(tmp_path: Path) -> Iterator[sessionmaker]:
    """A private schema on the test PostgreSQL server (fails, not skips, when CI=true)."""
    with migrated_sessions("postgresql", tmp_path) as sessions:
        yield sessions


def test_two_replicas_at_once_send_each_follow_up_exactly_once_on_postgresql(
    pg_factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    ids = [due_teams_followup(pg_factory, settings, pack, n) for n in range(12)]
    sender = FakeSender(delay=0.01)
    start = threading.Barrier(2)
    results: list[SendCounts] = []
    errors: list[BaseException] = []

    def replica() -> None:
        try:
            start.wait()
            results.append(send_due(pg_factory, settings, today=TODAY, now=NOW, sender=sender))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    sent = sorted(reference.conversation_id for reference, _ in sender.sent)
    assert sent == sorted(f"a:1chat-{n}" for n in range(12))  # each once
    assert sum(r.sent for r in results) == 12
    assert sum(r.elsewhere for r in results) == sum(r.due for r in results) - 12
    for public_id in ids:
        stored = row(pg_factory, public_id)
        assert stored is not None and stored.status == "asked" and stored.reference is None
