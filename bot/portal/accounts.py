"""Portal accounts: who may sign in, how a password is checked, and when an account locks.

Leads and admins are created by an operator (``reflect leads add``); nobody signs up. A
password is kept only as an argon2id hash (argon2-cffi's defaults, RFC 9106's second
recommended profile), rehashed on the next successful sign-in whenever those parameters change.

:func:`authenticate` is the one sign-in check, written so its answer tells an attacker as little
as possible: an unknown username, a wrong password and a disabled account are the same outcome
to the page ("That username and password did not match"), and each costs one argon2 verify (an
unknown username is checked against a dummy hash), so timing does not tell them apart either.
Only a lockout is said aloud, after :data:`~bot.settings.config.Settings.portal_lockout_failures`
wrong passwords in a row, and while it lasts even the right password is refused. Every attempt
writes its own audit row.

Plain Python and SQLAlchemy: no web framework.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import math
import re
import secrets
import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.portal import audit
from bot.portal.model import Scope
from bot.storage.models import (
    AGENCIES,
    MAX_PARTNERSHIP_LENGTH,
    MAX_USERNAME_LENGTH,
    PORTAL_ROLES,
    PortalAccount,
)

MIN_PASSWORD_CHARS = 12
#: Longer passwords are refused before hashing: argon2 would hash a megabyte, slowly.
MAX_PASSWORD_CHARS = 1024
USERNAME_SHAPE = re.compile(f"[a-z0-9._@-]{{3,{MAX_USERNAME_LENGTH}}}")
PARTNERSHIP_SHAPE = re.compile(f"[A-Za-z0-9][A-Za-z0-9 ._&-]{{0,{MAX_PARTNERSHIP_LENGTH - 1}}}")

#: Passwords people choose first, lower-cased; a password is also refused when it is one of
#: these with digits or symbols around it ("Password2024!", "!!welcome123").
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "passw0rd",
        "p@ssw0rd",
        "qwerty",
        "qwertyuiop",
        "asdfghjkl",
        "letmein",
        "welcome",
        "iloveyou",
        "admin",
        "administrator",
        "changeme",
        "secret",
        "monkey",
        "dragon",
        "football",
        "sunshine",
        "princess",
        "trustno",
        "abc",
        "abcdef",
        "safeguarding",
        "reflect",
        "summer",
        "winter",
        "spring",
        "autumn",
    }
)
_AROUND = re.compile(r"^[\d\W_]*(.*?)[\d\W_]*$", re.DOTALL)
_DIGIT_RUNS = "01234567890 09876543210"


class PortalAccountError(ValueError):
    """An account operation that cannot be done; the message is for the operator's CLI."""


class PasswordError(PortalAccountError):
    """A password the policy refuses; the message says why in plain English."""


class SignInOutcome(Enum):
    """How a sign-in attempt ended. The page says WRONG and DISABLED the same way."""

    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Principal:
    """Who a request acts for, once signed in (cookie) or authenticated (API token).

    ``generation`` is the account's when the principal was made: a session signed with an older
    one is refused (bot.portal.auth).
    """

    account_id: int
    username: str
    role: str
    scope: Scope
    generation: int

    @property
    def is_admin(self) -> bool:
        """Admins manage other accounts' tokens and read the whole audit trail."""
        return self.role == "admin"


@dataclass(frozen=True)
class Account:
    """A portal account as code outside this module sees it: never its password hash."""

    id: int
    username: str
    role: str
    partnership: str | None
    agency: str | None
    disabled: bool
    failed_count: int
    locked_until: datetime | None
    generation: int
    created_at: datetime
    password_changed_at: datetime

    def locked(self, now: datetime) -> bool:
        """Whether the account is locked out at ``now`` (timezone-aware)."""
        return self.locked_until is not None and audit.stored_time(now) < self.locked_until

    def principal(self) -> Principal:
        """The principal this account signs in as: its scope is its partnership and agency."""
        return Principal(
            account_id=self.id,
            username=self.username,
            role=self.role,
            scope=Scope(partnership=self.partnership, agency=self.agency),
            generation=self.generation,
        )


@dataclass(frozen=True)
class SignInResult:
    """The outcome of :func:`authenticate`; a principal only when OK.

    ``locked_minutes`` (LOCKED only) is how long the lock still lasts, rounded up.
    """

    outcome: SignInOutcome
    principal: Principal | None = None
    locked_minutes: int | None = None


# --- passwords ---


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """The argon2id hasher (argon2-cffi's defaults: 3 passes over 64 MiB, 4 lanes)."""
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random password nobody knows: unknown usernames are verified against it."""
    return hasher().hash(secrets.token_urlsafe(32))


def hash_password(password: str) -> str:
    """The argon2id PHC string stored for ``password`` (a fresh random salt each time)."""
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; never raises on a bad hash or input."""
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password(password: str, username: str) -> None:
    """Refuse a password that is easy to guess, with a reason a person can act on.

    Length matters most (NCSC and NIST: at least 12 characters, no composition rules); the
    other checks catch what attackers try first.

    Raises:
        PasswordError: the password is too short or too long, the username (or holds it),
            one of the most common passwords, or one character repeated.
    """
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordError(f"The password must be at least {MIN_PASSWORD_CHARS} characters long.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise PasswordError(f"The password must be at most {MAX_PASSWORD_CHARS} characters long.")
    lowered = password.lower()
    name = username.strip().lower()
    if name and name in lowered:
        raise PasswordError("The password must not be or contain the username.")
    if len(set(password)) == 1:
        raise PasswordError("The password must not be one character repeated.")
    if _common(lowered):
        raise PasswordError(
            "That password is one of the most common ones: choose another, such as three or "
            "four unrelated words."
        )


def _common(lowered: str) -> bool:
    core_match = _AROUND.match(lowered)
    core = core_match.group(1) if core_match else lowered
    if core in COMMON_PASSWORDS or lowered in COMMON_PASSWORDS:
        return True
    # A short piece or a common word repeated: "abcabcabcabc", "passwordpassword".
    repeated = re.fullmatch(r"(.+?)\1+", core)
    if repeated and (len(repeated.group(1)) <= 6 or repeated.group(1) in COMMON_PASSWORDS):
        return True
    # Only digits and symbols: "123456789012", "1234567890!!".
    digits = re.sub(r"\D", "", lowered)
    return core == "" and len(digits) >= 6 and digits[:6] in _DIGIT_RUNS


# --- accounts ---


def normalise_username(username: str) -> str:
    """How usernames are stored and looked up: trimmed and lower-case."""
    return username.strip().lower()


def _check_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME_SHAPE.fullmatch(name):
        raise PortalAccountError(
            f"A username is 3 to {MAX_USERNAME_LENGTH} characters of a-z, 0-9 and . _ @ -, "
            f"got {username!r}"
        )
    return name


def _check_scope(
    role: str,
    partnership: str | None,
    agency: str | None,
    known_partnerships: Collection[str] | None,
) -> str | None:
    """The partnership to store (as the content packs spell it), after checking the scope."""
    if role not in PORTAL_ROLES:
        raise PortalAccountError(f"Unknown role {role!r}: use one of {', '.join(PORTAL_ROLES)}")
    if agency is not None and agency not in AGENCIES:
        raise PortalAccountError(f"Unknown agency {agency!r}: use one of {', '.join(AGENCIES)}")
    if partnership is None:
        if role == "lead":
            raise PortalAccountError("A lead needs a partnership (--partnership)")
        if agency is not None:
            raise PortalAccountError("An agency narrows a partnership: give --partnership too")
        return None
    partnership = partnership.strip()
    if not PARTNERSHIP_SHAPE.fullmatch(partnership):
        raise PortalAccountError(
            f"A partnership is its short name (such as ESSCP), got {partnership!r}"
        )
    if known_partnerships is None:
        return partnership
    spelled = {known.casefold(): known for known in known_partnerships}
    if partnership.casefold() not in spelled:
        known_list = ", ".join(sorted(spelled.values())) or "none"
        raise PortalAccountError(
            f"No briefing belongs to partnership {partnership!r} (known: {known_list})"
        )
    return spelled[partnership.casefold()]


def _account(row: PortalAccount) -> Account:
    return Account(
        id=row.id,
        username=row.username,
        role=row.role,
        partnership=row.partnership,
        agency=row.agency,
        disabled=bool(row.disabled),
        failed_count=row.failed_count,
        locked_until=row.locked_until,
        generation=row.generation,
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
    )


def _row(session: Session, username: str, *, for_update: bool = False) -> PortalAccount | None:
    query = select(PortalAccount).where(PortalAccount.username == normalise_username(username))
    if for_update:
        query = query.with_for_update()
    row: PortalAccount | None = session.execute(query).scalar_one_or_none()
    return row


def _existing(session: Session, username: str) -> PortalAccount:
    row = _row(session, username, for_update=True)
    if row is None:
        raise PortalAccountError(f"There is no portal account called {username!r}")
    return row


def add_account(
    session: Session,
    *,
    username: str,
    role: str,
    partnership: str | None,
    agency: str | None,
    password: str,
    now: datetime,
    known_partnerships: Collection[str] | None = None,
) -> Account:
    """Create a lead or admin account with a password the policy accepts, and audit it.

    ``known_partnerships`` (the content packs' ``partnership_short``), when given, refuses a
    partnership no briefing belongs to: a typo would give a lead an empty portal.

    Raises:
        PortalAccountError: a malformed or taken username, an unknown role, agency or
            partnership, a lead without a partnership; PasswordError for a weak password.
    """
    name = _check_username(username)
    stored_partnership = _check_scope(role, partnership, agency, known_partnerships)
    check_password(password, name)
    if _row(session, name) is not None:
        raise PortalAccountError(f"There is already a portal account called {name!r}")
    moment = audit.stored_time(now)
    row = PortalAccount(
        username=name,
        role=role,
        partnership=stored_partnership,
        agency=agency,
        password_hash=hash_password(password),
        disabled=False,
        failed_count=0,
        locked_until=None,
        generation=1,
        created_at=moment,
        password_changed_at=moment,
    )
    session.add(row)
    session.flush()
    detail = {"role": role, "partnership": _audit_code(stored_partnership), "agency": agency}
    audit.record(session, event="account_added", account_id=row.id, detail=detail, now=now)
    return _account(row)


def _audit_code(text: str | None) -> str | None:
    """A partnership as an audit value (no spaces allowed there)."""
    return None if text is None else text.replace(" ", "_")


def disable_account(session: Session, *, username: str, now: datetime) -> Account:
    """Stop an account for good: it cannot sign in, and its cookies and API tokens stop working.

    The generation is bumped, so every session cookie it holds is refused at once.

    Raises:
        PortalAccountError: there is no such account.
    """
    row = _existing(session, username)
    row.disabled = True
    row.generation += 1
    session.flush()
    audit.record(session, event="account_disabled", account_id=row.id, detail={}, now=now)
    return _account(row)


def reset_password(session: Session, *, username: str, password: str, now: datetime) -> Account:
    """Give an account a new password; unlock it, and end every session signed in before.

    Does not re-enable a disabled account: disabling is a decision, a reset is routine.

    Raises:
        PortalAccountError: there is no such account; PasswordError for a weak password.
    """
    row = _existing(session, username)
    check_password(password, row.username)
    row.password_hash = hash_password(password)
    row.password_changed_at = audit.stored_time(now)
    row.failed_count = 0
    row.locked_until = None
    row.generation += 1
    session.flush()
    audit.record(session, event="password_reset", account_id=row.id, detail={}, now=now)
    return _account(row)


def list_accounts(session: Session) -> list[Account]:
    """Every account, by username (never a password hash)."""
    rows = session.execute(select(PortalAccount).order_by(PortalAccount.username)).scalars()
    return [_account(row) for row in rows]


def get_account(session: Session, username: str) -> Account | None:
    """The account with this username (any case), or None."""
    row = _row(session, username)
    return None if row is None else _account(row)


def get_account_by_id(session: Session, account_id: int) -> Account | None:
    """The account with this id, or None (a session cookie or token names its account by id)."""
    row = session.get(PortalAccount, account_id)
    return None if row is None else _account(row)


def bump_generation(session: Session, *, account_id: int) -> None:
    """End every session of an account now (sign-out signs out every browser of it)."""
    row = session.get(PortalAccount, account_id, with_for_update=True)
    if row is not None:
        row.generation += 1
        session.flush()


# --- signing in ---


class UnknownAccounts:
    """Lockout for usernames with no (enabled) account, so a lockout tells nothing.

    Without it a real account locks after a few wrong passwords and a made-up one never does,
    which tells an attacker which usernames exist. Kept in memory by keyed hash of the name
    (never the name), bounded, per process: the per-address rate limit still applies on top.
    """

    def __init__(self, *, max_names: int = 10_000) -> None:
        self._max = max_names
        self._seen: dict[str, tuple[int, datetime | None]] = {}
        self._lock = threading.Lock()

    def attempt(self, key: str, now: datetime, failures: int, minutes: int) -> int | None:
        """Count one failure for ``key``; the minutes it is locked for, or None."""
        moment = audit.stored_time(now)
        with self._lock:
            count, until = self._seen.pop(key, (0, None))
            if until is not None and moment < until:
                self._seen[key] = (count, until)
                return _minutes_until(until, moment)
            count = 0 if until is not None else count
            count += 1
            until = None
            if count >= failures:
                count, until = 0, moment + timedelta(minutes=minutes)
            self._seen[key] = (count, until)
            while len(self._seen) > self._max:
                self._seen.pop(next(iter(self._seen)))
        return None if until is None else minutes


def _minutes_until(until: datetime, moment: datetime) -> int:
    return max(1, math.ceil((until - moment).total_seconds() / 60))


def _unknown(
    session: Session,
    account_id: int | None,
    reason: str,
    now: datetime,
    key: str,
    phantoms: UnknownAccounts | None,
    limits: tuple[int, int],
) -> SignInResult:
    """An unknown or disabled account: the answer a real one gives to a wrong password."""
    _failed(session, account_id, reason, now, username_key=None if account_id else key)
    locked = None if phantoms is None else phantoms.attempt(key, now, *limits)
    if locked is not None:
        return SignInResult(SignInOutcome.LOCKED, locked_minutes=locked)
    return SignInResult(SignInOutcome.DISABLED if account_id else SignInOutcome.WRONG)


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    now: datetime,
    lockout_failures: int,
    lockout_minutes: int,
    secret: bytes,
    phantoms: UnknownAccounts | None = None,
) -> SignInResult:
    """Check a sign-in attempt, update the lockout, write the audit row, and say how it went.

    ``secret`` (Settings.secret) keys the hash an unknown username is audited under. The row is
    read ``FOR UPDATE`` (PostgreSQL) so two concurrent wrong passwords both count.
    """
    row = _row(session, username, for_update=True) if len(username) <= 256 else None
    key = audit.username_key(secret, username)
    limits = (lockout_failures, lockout_minutes)
    if row is None:
        verify_password(_dummy_hash(), password)  # the same cost as a real account
        return _unknown(session, None, "unknown", now, key, phantoms, limits)
    if row.disabled:
        verify_password(row.password_hash, password)
        return _unknown(session, row.id, "disabled", now, key, phantoms, limits)
    moment = audit.stored_time(now)
    if row.locked_until is not None and moment < row.locked_until:
        verify_password(_dummy_hash(), password)  # a locked account answers no faster
        audit.record(
            session, event="sign_in_locked", account_id=row.id, detail={"reason": "locked"}, now=now
        )
        return SignInResult(SignInOutcome.LOCKED, locked_minutes=_minutes_left(row, moment))
    if not verify_password(row.password_hash, password):
        return _wrong_password(session, row, now, lockout_failures, lockout_minutes)
    return _signed_in(session, row, password, now)


def _failed(
    session: Session,
    account_id: int | None,
    reason: str,
    now: datetime,
    *,
    username_key: str | None = None,
    count: int | None = None,
) -> None:
    detail: dict[str, audit.DetailValue] = {"reason": reason}
    if username_key is not None:
        detail["username_key"] = username_key
    if count is not None:
        detail["count"] = count
    audit.record(session, event="sign_in_failed", account_id=account_id, detail=detail, now=now)


def _minutes_left(row: PortalAccount, moment: datetime) -> int:
    left: timedelta = row.locked_until - moment
    return max(1, math.ceil(left.total_seconds() / 60))


def _wrong_password(
    session: Session,
    row: PortalAccount,
    now: datetime,
    lockout_failures: int,
    lockout_minutes: int,
) -> SignInResult:
    """Count a wrong password; the one that reaches the limit locks the account and says so.

    The count starts again after the lock, so each lock period allows the same few guesses.
    """
    row.failed_count += 1
    _failed(session, row.id, "wrong_password", now, count=row.failed_count)
    if row.failed_count < lockout_failures:
        session.flush()
        return SignInResult(SignInOutcome.WRONG)
    row.failed_count = 0
    row.locked_until = audit.stored_time(now) + timedelta(minutes=lockout_minutes)
    session.flush()
    audit.record(
        session,
        event="sign_in_locked",
        account_id=row.id,
        detail={"reason": "too_many_failures", "minutes": lockout_minutes},
        now=now,
    )
    return SignInResult(SignInOutcome.LOCKED, locked_minutes=lockout_minutes)


def _signed_in(session: Session, row: PortalAccount, password: str, now: datetime) -> SignInResult:
    row.failed_count = 0
    row.locked_until = None
    if hasher().check_needs_rehash(row.password_hash):
        row.password_hash = hash_password(password)
    session.flush()
    audit.record(session, event="sign_in", account_id=row.id, detail={}, now=now)
    return SignInResult(SignInOutcome.OK, principal=_account(row).principal())
