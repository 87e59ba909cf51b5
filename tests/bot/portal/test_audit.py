"""The audit trail: kinds of event and allow-listed metadata, never content; kept, then purged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.portal import audit
from bot.storage.models import PortalAudit
from bot.storage.session import transaction
from tests.bot.portal.accounts_helpers import NOW, add_lead, use_fast_hashing
from tests.bot.storage.databases import BACKENDS, migrated_sessions
from tests.settings import TEST_SECRET


@pytest.fixture(params=BACKENDS)
def sessions(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sessions(request.param, tmp_path) as factory:
        yield factory


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


def _details(factory: sessionmaker) -> list[tuple[str, dict[str, object]]]:
    with transaction(factory) as session:
        rows = session.execute(select(PortalAudit).order_by(PortalAudit.id)).scalars()
        return [(row.event, json.loads(row.detail)) for row in rows]


def test_a_download_is_recorded_with_its_metadata(sessions: sessionmaker) -> None:
    with transaction(sessions) as session:
        lead = add_lead(session)
        audit.record(
            session,
            event="download",
            account_id=lead.id,
            detail={"format": "csv", "pack": "esscp-child-z", "week_from": "2026-W40"},
            now=NOW,
        )

    assert _details(sessions)[-1] == (
        "download",
        {"format": "csv", "pack": "esscp-child-z", "week_from": "2026-W40"},
    )


@pytest.mark.parametrize(
    "detail",
    [
        {"text": "we should ask about new partners"},  # a key not on the allow-list
        {"quote": "x"},
        {"password": "hunter2hunter2"},
        {"token": "rfl_abc"},
        {"theme": "Professional curiosity about new partners"},  # a sentence, not an id
        {"reason": "a" * 65},  # too long for an id or a code
        {"reason": "line\nbreak"},
        {"count": True},  # not a number
        {"count": 10**12},
        {"pack": ["esscp-child-z"]},
    ],
)
def test_content_is_refused_and_nothing_is_stored(
    sessions: sessionmaker, detail: dict[str, object]
) -> None:
    with pytest.raises(ValueError, match="audit detail"), transaction(sessions) as session:
        audit.record(session, event="filter", account_id=None, detail=detail, now=NOW)  # type: ignore[arg-type]

    assert _details(sessions) == []


def test_the_refusal_does_not_repeat_the_value() -> None:
    with pytest.raises(ValueError) as refused:
        audit.detail_json({"theme": "the secret words of a quote"})

    assert "secret words" not in str(refused.value)


def test_an_unknown_event_is_refused_here_and_by_the_database(sessions: sessionmaker) -> None:
    with pytest.raises(ValueError, match="unknown audit event"), transaction(sessions) as session:
        audit.record(session, event="viewed_quote", account_id=None, detail={}, now=NOW)
    with pytest.raises(IntegrityError), transaction(sessions) as session:
        session.add(PortalAudit(at=NOW.replace(tzinfo=None), event="viewed_quote", detail="{}"))
        session.flush()


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        audit.stored_time(NOW.replace(tzinfo=None))


def test_an_unknown_username_is_kept_as_a_keyed_hash_prefix_only() -> None:
    key = audit.username_key(TEST_SECRET, "Tr0ub4dor&3 typed in the wrong box")

    assert len(key) == audit.USERNAME_KEY_CHARS
    assert key == audit.username_key(TEST_SECRET, "Tr0ub4dor&3 typed in the wrong box")
    assert key != audit.username_key(b"another-secret-of-thirty-two-bytes!", "Tr0ub4dor&3 typed")
    assert audit.detail_json({"username_key": key, "reason": "unknown"})


def test_recent_is_newest_first_with_usernames_and_can_be_narrowed(sessions: sessionmaker) -> None:
    with transaction(sessions) as session:
        alice = add_lead(session, "alice")
        bob = add_lead(session, "bob")
        for minutes, who in ((1, alice.id), (2, bob.id), (3, alice.id), (4, None)):
            audit.record(
                session,
                event="filter",
                account_id=who,
                detail={"count": minutes},
                now=NOW + timedelta(minutes=minutes),
            )

    with transaction(sessions) as session:
        latest = audit.recent(session, limit=3)
        alices = audit.recent(session, limit=10, account_id=alice.id)

    assert [(entry.username, entry.detail) for entry in latest] == [
        (None, {"count": 4}),
        ("alice", {"count": 3}),
        ("bob", {"count": 2}),
    ]
    assert latest[0].at == NOW + timedelta(minutes=4)
    assert latest[0].at.tzinfo is timezone.utc
    assert [entry.event for entry in alices] == ["filter", "filter", "account_added"]


def test_purge_deletes_only_rows_older_than_the_retention(sessions: sessionmaker) -> None:
    with transaction(sessions) as session:
        for days in (800, 731, 729, 1):
            audit.record(
                session,
                event="api",
                account_id=None,
                detail={"count": days},
                now=NOW - timedelta(days=days),
            )

    with transaction(sessions) as session:
        deleted = audit.purge_audit(session, NOW, 730)

    assert deleted == 2
    assert [detail["count"] for _, detail in _details(sessions)] == [729, 1]


def test_purge_refuses_a_retention_of_nothing(sessions: sessionmaker) -> None:
    with pytest.raises(ValueError), transaction(sessions) as session:
        audit.purge_audit(session, NOW, 0)
