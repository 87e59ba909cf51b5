"""Portal accounts: the password policy, argon2id, and a sign-in that gives nothing away."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.portal import accounts
from bot.portal.accounts import (
    Account,
    PasswordError,
    PortalAccountError,
    SignInOutcome,
    SignInResult,
)
from bot.portal.model import Scope
from bot.storage.models import PortalAccount, PortalAudit
from bot.storage.session import transaction
from tests.bot.portal.accounts_helpers import (
    FAST_HASHER,
    NOW,
    OTHER_PASSWORD,
    PASSWORD,
    add_lead,
    use_fast_hashing,
)
from tests.bot.storage.databases import BACKENDS, migrated_sessions
from tests.settings import TEST_SECRET

FAILURES = 5
LOCK_MINUTES = 15


@pytest.fixture(params=BACKENDS)
def sessions(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sessions(request.param, tmp_path) as factory:
        yield factory


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


def sign_in(
    factory: sessionmaker, username: str, password: str, *, minutes: float = 0
) -> SignInResult:
    with transaction(factory) as session:
        return accounts.authenticate(
            session,
            username=username,
            password=password,
            now=NOW + timedelta(minutes=minutes),
            lockout_failures=FAILURES,
            lockout_minutes=LOCK_MINUTES,
            secret=TEST_SECRET,
        )


def audit_rows(factory: sessionmaker) -> list[tuple[str, int | None, dict[str, object]]]:
    with transaction(factory) as session:
        rows = session.execute(select(PortalAudit).order_by(PortalAudit.id)).scalars()
        return [(row.event, row.account_id, json.loads(row.detail)) for row in rows]


def add(factory: sessionmaker, username: str = "alice", **overrides: object) -> Account:
    with transaction(factory) as session:
        return add_lead(session, username, **overrides)


# --- passwords ---


def test_passwords_are_hashed_with_argon2id_and_a_fresh_salt() -> None:
    first = accounts.hash_password(PASSWORD)
    second = accounts.hash_password(PASSWORD)

    assert first.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert first != second
    assert PASSWORD not in first
    assert accounts.verify_password(first, PASSWORD)
    assert not accounts.verify_password(first, OTHER_PASSWORD)


@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$broken"])
def test_verify_never_raises_on_a_bad_hash(stored: str) -> None:
    assert not accounts.verify_password(stored, PASSWORD)


def test_verify_refuses_a_huge_password_without_hashing_it() -> None:
    assert not accounts.verify_password(accounts.hash_password(PASSWORD), "x" * 100_000)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 12 characters"),
        ("elevenchars", "at least 12 characters"),
        ("a" * 1025, "at most 1024"),
        ("alice-is-my-password", "username"),
        ("ALICE.ALICE.ALICE", "username"),
        ("zzzzzzzzzzzzzz", "one character repeated"),
        ("password1234", "most common"),
        ("Password2024!", "most common"),
        ("!!Welcome12345", "most common"),
        ("123456789012", "most common"),
        ("qwertyuiop12", "most common"),
        ("passwordpassword", "most common"),
        ("abcabcabcabc", "most common"),
        ("Safeguarding2026", "most common"),
    ],
)
def test_the_password_policy_says_why_in_plain_english(password: str, reason: str) -> None:
    with pytest.raises(PasswordError, match=reason) as refused:
        accounts.check_password(password, "alice")

    message = str(refused.value)
    assert message[0].isupper() and message.endswith(".")
    assert password not in message


@pytest.mark.parametrize(
    "password", [PASSWORD, "Tr0ub4dor&3-extended", "purple monkey dishwasher", "839201746352"]
)
def test_the_password_policy_accepts_long_uncommon_passwords(password: str) -> None:
    accounts.check_password(password, "alice")


# --- accounts ---


@pytest.mark.usefixtures("fast_hashing")
def test_an_account_is_stored_lower_case_with_a_hash_and_audited(sessions: sessionmaker) -> None:
    account = add(sessions, "  Alice.Smith@Police ", agency="police")

    assert (account.username, account.role, account.partnership, account.agency) == (
        "alice.smith@police",
        "lead",
        "ESSCP",
        "police",
    )
    assert (account.disabled, account.failed_count, account.generation) == (False, 0, 1)
    assert "password_hash" not in {field.name for field in fields(Account)}
    with transaction(sessions) as session:
        stored = session.execute(select(PortalAccount.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert audit_rows(sessions) == [
        (
            "account_added",
            account.id,
            {"role": "lead", "partnership": "ESSCP", "agency": "police"},
        )
    ]


@pytest.mark.usefixtures("fast_hashing")
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "al"}, "A username is 3 to 64 characters"),
        ({"username": "alice smith"}, "A username is 3 to 64 characters"),
        ({"role": "owner"}, "Unknown role 'owner'"),
        ({"agency": "fire"}, "Unknown agency 'fire'"),
        ({"partnership": None}, "A lead needs a partnership"),
        ({"role": "admin", "partnership": None, "agency": "police"}, "give --partnership"),
        ({"partnership": "ESSCP; DROP"}, "A partnership is its short name"),
        ({"password": "password1234"}, "most common"),
    ],
)
def test_account_mistakes_are_refused_with_a_clear_message(
    sessions: sessionmaker, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(PortalAccountError, match=message), transaction(sessions) as session:
        add_lead(session, **overrides)

    with transaction(sessions) as session:
        assert accounts.list_accounts(session) == []


@pytest.mark.usefixtures("fast_hashing")
def test_a_username_is_taken_whatever_its_case(sessions: sessionmaker) -> None:
    add(sessions, "alice")

    with pytest.raises(PortalAccountError, match="already a portal account called 'alice'"):
        add(sessions, "ALICE")


@pytest.mark.usefixtures("fast_hashing")
def test_a_partnership_must_be_one_a_briefing_belongs_to(sessions: sessionmaker) -> None:
    with pytest.raises(PortalAccountError, match=r"No briefing belongs to partnership 'WSCP'"):
        add(sessions, partnership="WSCP", known_partnerships={"ESSCP"})

    account = add(sessions, partnership="esscp", known_partnerships={"ESSCP"})

    assert account.partnership == "ESSCP"  # as the content pack spells it


@pytest.mark.usefixtures("fast_hashing")
def test_an_admin_without_a_partnership_sees_every_partnership(sessions: sessionmaker) -> None:
    admin = add(sessions, "root", role="admin", partnership=None)

    assert admin.principal().scope == Scope(partnership=None, agency=None)
    assert admin.principal().is_admin


@pytest.mark.usefixtures("fast_hashing")
def test_list_and_get_accounts(sessions: sessionmaker) -> None:
    add(sessions, "zed")
    add(sessions, "amy", agency="health")

    with transaction(sessions) as session:
        listed = [account.username for account in accounts.list_accounts(session)]
        amy = accounts.get_account(session, "AMY")
        nobody = accounts.get_account(session, "nobody")

    assert listed == ["amy", "zed"]
    assert amy is not None and amy.principal().scope == Scope("ESSCP", "health")
    assert nobody is None


@pytest.mark.usefixtures("fast_hashing")
def test_unknown_accounts_cannot_be_disabled_or_reset(sessions: sessionmaker) -> None:
    with pytest.raises(PortalAccountError, match="no portal account called 'ghost'"):
        with transaction(sessions) as session:
            accounts.disable_account(session, username="ghost", now=NOW)
    with pytest.raises(PortalAccountError, match="no portal account called 'ghost'"):
        with transaction(sessions) as session:
            accounts.reset_password(session, username="ghost", password=PASSWORD, now=NOW)


# --- signing in ---


@pytest.mark.usefixtures("fast_hashing")
def test_the_right_password_signs_in_and_is_audited(sessions: sessionmaker) -> None:
    account = add(sessions, agency="police")

    result = sign_in(sessions, "Alice", PASSWORD)

    assert result.outcome is SignInOutcome.OK
    assert result.principal == account.principal()
    assert result.principal.scope == Scope("ESSCP", "police")
    assert audit_rows(sessions)[-1] == ("sign_in", account.id, {})


@pytest.mark.usefixtures("fast_hashing")
def test_a_wrong_password_and_an_unknown_user_are_the_same_outcome(
    sessions: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = add(sessions)
    verified: list[str] = []
    real_verify = accounts.verify_password

    def counting_verify(stored: str, password: str) -> bool:
        verified.append(stored)
        return real_verify(stored, password)

    monkeypatch.setattr(accounts, "verify_password", counting_verify)

    wrong = sign_in(sessions, "alice", OTHER_PASSWORD)
    unknown = sign_in(sessions, "mallory", PASSWORD)

    assert wrong == unknown == SignInResult(SignInOutcome.WRONG)
    assert len(verified) == 2  # the unknown user cost one argon2 verify too (a dummy hash)
    rows = audit_rows(sessions)
    assert rows[-2] == ("sign_in_failed", account.id, {"reason": "wrong_password", "count": 1})
    assert rows[-1][:2] == ("sign_in_failed", None)
    assert rows[-1][2]["reason"] == "unknown"
    assert "mallory" not in json.dumps(rows[-1][2])  # a keyed hash prefix, never the text


@pytest.mark.usefixtures("fast_hashing")
def test_a_password_typed_as_the_username_is_never_stored(sessions: sessionmaker) -> None:
    add(sessions)

    sign_in(sessions, PASSWORD, PASSWORD)

    assert PASSWORD not in json.dumps(audit_rows(sessions))


@pytest.mark.usefixtures("fast_hashing")
def test_lockout_after_n_failures_refuses_even_the_right_password(sessions: sessionmaker) -> None:
    add(sessions)
    outcomes = [sign_in(sessions, "alice", OTHER_PASSWORD).outcome for _ in range(FAILURES)]

    locked = sign_in(sessions, "alice", PASSWORD, minutes=1)

    assert outcomes == [SignInOutcome.WRONG] * (FAILURES - 1) + [SignInOutcome.LOCKED]
    assert locked == SignInResult(SignInOutcome.LOCKED, locked_minutes=LOCK_MINUTES - 1)
    events = [event for event, _, _ in audit_rows(sessions)]
    assert events.count("sign_in_failed") == FAILURES
    assert events[-2:] == ["sign_in_locked", "sign_in_locked"]
    assert "sign_in" not in events


@pytest.mark.usefixtures("fast_hashing")
def test_a_lock_ends_after_its_period(sessions: sessionmaker) -> None:
    add(sessions)
    for _ in range(FAILURES):
        sign_in(sessions, "alice", OTHER_PASSWORD)

    assert sign_in(sessions, "alice", PASSWORD, minutes=LOCK_MINUTES - 0.1).outcome is (
        SignInOutcome.LOCKED
    )
    assert sign_in(sessions, "alice", PASSWORD, minutes=LOCK_MINUTES).outcome is SignInOutcome.OK
    with transaction(sessions) as session:
        account = accounts.get_account(session, "alice")
    assert account is not None
    assert (account.failed_count, account.locked_until) == (0, None)


@pytest.mark.usefixtures("fast_hashing")
def test_after_a_lock_the_count_starts_again(sessions: sessionmaker) -> None:
    add(sessions)
    for _ in range(FAILURES):
        sign_in(sessions, "alice", OTHER_PASSWORD)

    after = [
        sign_in(sessions, "alice", OTHER_PASSWORD, minutes=LOCK_MINUTES + 1).outcome
        for _ in range(FAILURES)
    ]

    assert after == [SignInOutcome.WRONG] * (FAILURES - 1) + [SignInOutcome.LOCKED]


@pytest.mark.usefixtures("fast_hashing")
def test_a_success_resets_the_failure_count(sessions: sessionmaker) -> None:
    add(sessions)
    for _ in range(FAILURES - 1):
        sign_in(sessions, "alice", OTHER_PASSWORD)
    assert sign_in(sessions, "alice", PASSWORD).outcome is SignInOutcome.OK

    outcomes = [sign_in(sessions, "alice", OTHER_PASSWORD).outcome for _ in range(FAILURES - 1)]

    assert set(outcomes) == {SignInOutcome.WRONG}


@pytest.mark.usefixtures("fast_hashing")
def test_a_reset_unlocks_and_bumps_the_generation(sessions: sessionmaker) -> None:
    before = add(sessions)
    for _ in range(FAILURES):
        sign_in(sessions, "alice", OTHER_PASSWORD)

    with transaction(sessions) as session:
        after = accounts.reset_password(
            session, username="alice", password=OTHER_PASSWORD, now=NOW + timedelta(minutes=1)
        )

    assert (after.failed_count, after.locked_until) == (0, None)
    assert after.generation == before.generation + 1
    assert sign_in(sessions, "alice", PASSWORD, minutes=2).outcome is SignInOutcome.WRONG
    assert sign_in(sessions, "alice", OTHER_PASSWORD, minutes=2).outcome is SignInOutcome.OK
    assert ("password_reset", after.id, {}) in audit_rows(sessions)


@pytest.mark.usefixtures("fast_hashing")
def test_a_reset_checks_the_new_password(sessions: sessionmaker) -> None:
    add(sessions)
    with pytest.raises(PasswordError, match="username"), transaction(sessions) as session:
        accounts.reset_password(session, username="alice", password="alice-alice-alice", now=NOW)


@pytest.mark.usefixtures("fast_hashing")
def test_a_disabled_account_is_refused_like_a_wrong_password(sessions: sessionmaker) -> None:
    before = add(sessions)
    with transaction(sessions) as session:
        disabled = accounts.disable_account(session, username="alice", now=NOW)

    result = sign_in(sessions, "alice", PASSWORD)
    again = [sign_in(sessions, "alice", OTHER_PASSWORD).outcome for _ in range(FAILURES + 1)]

    assert result == SignInResult(SignInOutcome.DISABLED)  # the page shows the generic message
    assert set(again) == {SignInOutcome.DISABLED}  # never "locked": nothing to tell apart
    assert disabled.disabled and disabled.generation == before.generation + 1
    rows = audit_rows(sessions)
    assert ("account_disabled", before.id, {}) in rows
    assert rows[-1] == ("sign_in_failed", before.id, {"reason": "disabled"})


@pytest.mark.usefixtures("fast_hashing")
def test_a_hash_with_old_parameters_is_upgraded_at_sign_in(
    sessions: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(sessions)  # hashed with the fast, weak parameters
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(accounts, "hasher", lambda: stronger)

    assert sign_in(sessions, "alice", PASSWORD).outcome is SignInOutcome.OK

    with transaction(sessions) as session:
        stored = session.execute(select(PortalAccount.password_hash)).scalar_one()
    assert "m=16,t=2,p=1" in stored
    assert not FAST_HASHER.check_needs_rehash(FAST_HASHER.hash("x")) and stronger.verify(
        stored, PASSWORD
    )
    assert sign_in(sessions, "alice", PASSWORD).outcome is SignInOutcome.OK


@pytest.mark.usefixtures("fast_hashing")
def test_a_huge_username_is_simply_unknown(sessions: sessionmaker) -> None:
    assert sign_in(sessions, "a" * 10_000, PASSWORD).outcome is SignInOutcome.WRONG
