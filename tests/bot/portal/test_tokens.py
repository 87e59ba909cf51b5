"""API tokens: shown once, stored as a hash, refused once revoked or their account disabled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker

from bot.portal import accounts, tokens
from bot.portal.accounts import Account, PortalAccountError
from bot.storage.models import PortalAudit, PortalToken
from bot.storage.session import transaction
from tests.bot.portal.accounts_helpers import NOW, add_lead, use_fast_hashing
from tests.bot.storage.databases import BACKENDS, migrated_sessions


@pytest.fixture(params=BACKENDS)
def sessions(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sessions(request.param, tmp_path) as factory:
        yield factory


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def alice(sessions: sessionmaker) -> Account:
    with transaction(sessions) as session:
        return add_lead(session, "alice")


@pytest.fixture
def bob(sessions: sessionmaker) -> Account:
    with transaction(sessions) as session:
        return add_lead(session, "bob")


def create(factory: sessionmaker, account: Account, label: str = "Power BI") -> tuple[str, int]:
    with transaction(factory) as session:
        token, row = tokens.create_token(session, account_id=account.id, label=label, now=NOW)
    return token, row.id


def listed(factory: sessionmaker, account: Account) -> list[tokens.TokenRow]:
    with transaction(factory) as session:
        return tokens.list_tokens(session, account.id)


def bearer(factory: sessionmaker, token: object, *, days: int = 0) -> accounts.Principal | None:
    with transaction(factory) as session:
        return tokens.authenticate_token(session, token, NOW + timedelta(days=days))


def test_a_token_is_shown_once_and_only_its_hash_is_stored(
    sessions: sessionmaker, alice: Account
) -> None:
    token, token_id = create(sessions, alice)

    assert tokens.TOKEN_SHAPE.fullmatch(token)
    with transaction(sessions) as session:
        stored = session.execute(select(PortalToken)).scalar_one()
        dumped = [
            tuple(row)
            for table in ("portal_tokens", "portal_audit")
            for row in session.execute(text(f"SELECT * FROM {table}"))
        ]
    assert stored.token_hash == tokens.token_hash(token)
    assert token not in repr(dumped) and token[4:] not in repr(dumped)
    rows = listed(sessions, alice)
    assert [(row.id, row.label, row.revoked) for row in rows] == [(token_id, "Power BI", False)]


def test_a_token_acts_for_its_account(sessions: sessionmaker, alice: Account) -> None:
    token, _ = create(sessions, alice)

    assert bearer(sessions, token) == alice.principal()


def test_last_used_is_a_day_written_at_most_once_a_day(
    sessions: sessionmaker, alice: Account
) -> None:
    token, _ = create(sessions, alice)

    bearer(sessions, token)
    bearer(sessions, token)
    first_day = listed(sessions, alice)[0].last_used_on
    bearer(sessions, token, days=3)
    later = listed(sessions, alice)[0].last_used_on

    assert first_day == NOW.date()
    assert later == NOW.date() + timedelta(days=3)


@pytest.mark.parametrize(
    "token",
    [None, "", "rfl_", "rfl_" + "a" * 42, "rfl_" + "a" * 44, "Bearer rfl_" + "a" * 43, 42],
)
def test_a_malformed_token_is_refused(sessions: sessionmaker, token: object) -> None:
    assert bearer(sessions, token) is None


def test_an_unknown_token_is_refused(sessions: sessionmaker, alice: Account) -> None:
    create(sessions, alice)

    assert bearer(sessions, "rfl_" + "A" * 43) is None


def test_a_revoked_token_is_refused_for_good(sessions: sessionmaker, alice: Account) -> None:
    token, token_id = create(sessions, alice)

    with transaction(sessions) as session:
        first = tokens.revoke_token(session, token_id=token_id, account_id=alice.id, now=NOW)
    with transaction(sessions) as session:
        again = tokens.revoke_token(
            session, token_id=token_id, account_id=None, now=NOW + timedelta(days=1)
        )

    assert bearer(sessions, token) is None
    assert first.revoked and again.revoked_at == first.revoked_at
    with transaction(sessions) as session:
        events = session.execute(select(PortalAudit.event, PortalAudit.detail)).all()
    assert [(event, json.loads(detail)) for event, detail in events].count(
        ("token_revoked", {"token_id": token_id})
    ) == 1


def test_a_lead_cannot_revoke_another_leads_token(
    sessions: sessionmaker, alice: Account, bob: Account
) -> None:
    token, token_id = create(sessions, alice)

    with pytest.raises(PortalAccountError, match=f"no API token {token_id} to revoke"):
        with transaction(sessions) as session:
            tokens.revoke_token(session, token_id=token_id, account_id=bob.id, now=NOW)

    assert bearer(sessions, token) == alice.principal()


def test_an_admin_may_revoke_any_token(sessions: sessionmaker, alice: Account) -> None:
    token, token_id = create(sessions, alice)

    with transaction(sessions) as session:
        tokens.revoke_token(session, token_id=token_id, account_id=None, now=NOW)

    assert bearer(sessions, token) is None


def test_revoking_a_token_that_does_not_exist_is_an_error(sessions: sessionmaker) -> None:
    with pytest.raises(PortalAccountError, match="no API token 7"), transaction(sessions) as s:
        tokens.revoke_token(s, token_id=7, account_id=None, now=NOW)


def test_a_disabled_accounts_tokens_stop_working(sessions: sessionmaker, alice: Account) -> None:
    token, _ = create(sessions, alice)

    with transaction(sessions) as session:
        accounts.disable_account(session, username="alice", now=NOW)

    assert bearer(sessions, token) is None
    with pytest.raises(PortalAccountError, match="not disabled"):
        create(sessions, alice)


@pytest.mark.parametrize("label", ["", "   ", "x" * 65, "two\nlines"])
def test_a_bad_label_is_refused(sessions: sessionmaker, alice: Account, label: str) -> None:
    with pytest.raises(PortalAccountError, match="label"):
        create(sessions, alice, label=label)


def test_tokens_are_listed_per_account_or_all(
    sessions: sessionmaker, alice: Account, bob: Account
) -> None:
    create(sessions, alice, "one")
    create(sessions, bob, "two")
    create(sessions, alice, "three")

    with transaction(sessions) as session:
        mine = [row.label for row in tokens.list_tokens(session, alice.id)]
        everyone = [row.label for row in tokens.list_tokens(session, None)]

    assert mine == ["three", "one"]
    assert everyone == ["three", "two", "one"]
