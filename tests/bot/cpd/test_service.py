from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from bot.briefing.views import LinkAge, link_lines
from bot.content.messages import render
from bot.content.schema import LinkKind, Pack
from bot.cpd.covered import Covered
from bot.cpd.links import ROUTE_PREFIX, check
from bot.cpd.service import end_summary, record_messages
from bot.cpd.store import load_record
from bot.group.links import LinkState
from bot.settings.config import Settings
from bot.storage.models import CpdRecord
from bot.storage.session import make_engine, make_session_factory, transaction
from tests.bot.cpd.conftest import REFLECTIONS
from tests.bot.storage.databases import migrated_sqlite_sessions
from tests.settings import TEST_SECRET

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 23, 0, 12, 345678, tzinfo=timezone.utc)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sqlite_sessions(tmp_path) as factory:
        yield factory


def test_the_end_summary_says_what_was_covered_and_offers_the_record_and_follow_up(
    pack: Pack, covered: Covered
) -> None:
    message = end_summary(pack, covered, age=LinkAge(TODAY, 365))

    assert "Sections read: About the review, Key learning" in message.text
    assert "Points discussed: 1, 3 (of 4)" in message.text
    assert "Points skipped: 2" in message.text
    assert link_lines(pack.links_of_kind(LinkKind.PROCEDURE)) in message.text
    assert [(b["title"], b["payload"]) for b in message.buttons] == [
        ("Get my CPD record", "/ask_cpd_record"),
        ("NMC revalidation version", '/ask_cpd_record{"cpd_variant":"nmc"}'),
        ("Follow me up in 3 months", "/opt_in_followup"),
        ("Menu", "/show_menu"),
    ]


def test_the_end_summary_of_nothing_says_none(pack: Pack) -> None:
    text = end_summary(pack, Covered()).text

    assert "Sections read: none" in text and "Points discussed: none" in text


def test_the_record_is_chat_text_then_links_that_open_it(
    pack: Pack, covered: Covered, sessions: sessionmaker, settings: Settings
) -> None:
    messages = record_messages(
        sessions, settings, pack=pack, covered=covered, variant="swe", today=TODAY, now=NOW
    )

    chat, links = messages
    assert chat.text.startswith("# CPD record: " + pack.title)
    assert REFLECTIONS[0] in chat.text
    assert f"work for {settings.cpd_link_minutes} minutes" in links.text
    assert "not stored against you" in links.text
    assert "anonymised versions you confirmed" in links.text
    urls = re.findall(r"\]\(([^)]+)\)", links.text)
    assert [url.rsplit(".", 1)[1] for url in urls] == ["docx", "pdf"]
    for url in urls:
        assert url.startswith(settings.web_public_url + ROUTE_PREFIX)
        token = url.removeprefix(settings.web_public_url + ROUTE_PREFIX).rsplit(".", 1)[0]
        ttl = timedelta(minutes=settings.cpd_link_minutes)
        opened = check(token, secret=TEST_SECRET, now=NOW + ttl - timedelta(seconds=1))
        assert opened.state is LinkState.OK and opened.key is not None
        assert opened.public_id is not None
        # The link and the row expire at the same whole second.
        assert check(token, secret=TEST_SECRET, now=NOW + ttl).state is LinkState.EXPIRED
        with transaction(sessions) as session:
            record = load_record(session, opened.public_id, opened.key, now=NOW)
            assert record is not None and record.variant == "swe"
            row = session.execute(select(CpdRecord)).scalar_one()
            assert row.expires_at == (NOW + ttl).replace(tzinfo=None, microsecond=0)


def test_nothing_covered_gets_a_kind_sentence_and_stores_nothing(
    pack: Pack, sessions: sessionmaker, settings: Settings
) -> None:
    messages = record_messages(
        sessions, settings, pack=pack, covered=Covered(), variant="nmc", today=TODAY, now=NOW
    )

    assert messages == [render("cpd_record_nothing_yet")]
    with transaction(sessions) as session:
        assert session.execute(select(func.count()).select_from(CpdRecord)).scalar_one() == 0


def test_an_unavailable_database_raises_sqlalchemy_error(
    pack: Pack, covered: Covered, settings: Settings, tmp_path: Path
) -> None:
    unmigrated = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'empty.db'}"))

    with pytest.raises(SQLAlchemyError):
        record_messages(
            unmigrated, settings, pack=pack, covered=covered, variant="swe", today=TODAY, now=NOW
        )
