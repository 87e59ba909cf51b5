"""Shared by the portal account, session, token and audit tests: fast hashing, a clock, people.

argon2id's real parameters (64 MiB, three passes) cost about 50 ms a hash; the tests that only
need *a* hash use :data:`FAST_HASHER` through the ``fast_hashing`` fixture each module defines,
and the tests of the parameters themselves use the real one.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from argon2 import PasswordHasher

from bot.portal import accounts
from bot.portal.accounts import Account

#: A cheap argon2id for tests (the same algorithm, tiny cost).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery staple"
OTHER_PASSWORD = "a different long passphrase"


def use_fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash with :data:`FAST_HASHER` (and a dummy hash made with it) for one test."""
    monkeypatch.setattr(accounts, "hasher", lambda: FAST_HASHER)
    monkeypatch.setattr(accounts, "_dummy_hash", lambda: FAST_HASHER.hash("nobody knows this"))


def add_lead(session: Any, username: str = "alice", **overrides: Any) -> Account:
    """A lead of ESSCP with :data:`PASSWORD`, added at :data:`NOW`."""
    fields: dict[str, Any] = {
        "username": username,
        "role": "lead",
        "partnership": "ESSCP",
        "agency": None,
        "password": PASSWORD,
        "now": NOW,
    }
    fields.update(overrides)
    return accounts.add_account(session, **fields)
