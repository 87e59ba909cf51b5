"""API tokens: one or more per account, shown once, stored as a hash, revocable.

The JSON API serves the same figures as the pages to a lead's own tools (a spreadsheet, a
dashboard), which cannot sign in with a password and a cookie. A token is ``rfl_`` and 256
random bits (``secrets.token_urlsafe(32)``); only its SHA-256 is stored, so a copy of the
database gives nobody a working token. A plain hash (no salt, no argon2) is enough for a random
256-bit value, and lets a request find its row with one indexed lookup.

A token acts for its account as the account is now: a disabled account's tokens stop working
at once, and a lead's changed scope applies to them too. ``last_used_on`` is a day, written at
most once a day, so the table never becomes a log of calls (the audit trail is that).
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.portal import audit
from bot.portal.accounts import PortalAccountError, Principal, get_account_by_id
from bot.storage.models import MAX_TOKEN_LABEL_LENGTH, PortalToken

PREFIX = "rfl_"
TOKEN_BYTES = 32
#: ``rfl_`` and exactly what ``secrets.token_urlsafe(32)`` gives: 43 URL-safe characters.
TOKEN_SHAPE = re.compile(r"rfl_[A-Za-z0-9_-]{43}")
LABEL_SHAPE = re.compile(f"[^\\x00-\\x1f\\x7f]{{1,{MAX_TOKEN_LABEL_LENGTH}}}")


@dataclass(frozen=True)
class TokenRow:
    """A token as lists show it: never the token, never its hash."""

    id: int
    account_id: int
    label: str
    created_at: datetime
    last_used_on: date | None
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        """Whether the token was revoked (it then works nowhere, for good)."""
        return self.revoked_at is not None


def token_hash(token: str) -> str:
    """What is stored for ``token``: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _token_row(row: PortalToken) -> TokenRow:
    return TokenRow(
        id=row.id,
        account_id=row.account_id,
        label=row.label,
        created_at=row.created_at,
        last_used_on=row.last_used_on,
        revoked_at=row.revoked_at,
    )


def create_token(
    session: Session, *, account_id: int, label: str, now: datetime
) -> tuple[str, TokenRow]:
    """A new token for an account: returned once, here, and never again; audited.

    Raises:
        PortalAccountError: no such account, a disabled one, or a label that is empty, longer
            than 64 characters or holds control characters.
    """
    account = get_account_by_id(session, account_id)
    if account is None or account.disabled:
        raise PortalAccountError("API tokens are only for accounts that exist and are not disabled")
    label = label.strip()
    if not LABEL_SHAPE.fullmatch(label):
        raise PortalAccountError(
            f"A token label is 1 to {MAX_TOKEN_LABEL_LENGTH} characters on one line"
        )
    token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    row = PortalToken(
        account_id=account_id,
        token_hash=token_hash(token),
        label=label,
        created_at=audit.stored_time(now),
        last_used_on=None,
        revoked_at=None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, event="token_created", account_id=account_id, detail={"token_id": row.id}, now=now
    )
    return token, _token_row(row)


def authenticate_token(session: Session, bearer: object, now: datetime) -> Principal | None:
    """The principal a bearer token acts for, or None (malformed, unknown, revoked, disabled).

    The shape is checked before any database query, so garbage costs nothing.
    """
    if not isinstance(bearer, str) or not TOKEN_SHAPE.fullmatch(bearer):
        return None
    row = session.execute(
        select(PortalToken).where(PortalToken.token_hash == token_hash(bearer))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    account = get_account_by_id(session, row.account_id)
    if account is None or account.disabled:
        return None
    today = audit.stored_time(now).date()
    if row.last_used_on != today:
        row.last_used_on = today
        session.flush()
    return account.principal()


def revoke_token(
    session: Session, *, token_id: int, account_id: int | None, now: datetime
) -> TokenRow:
    """Revoke a token for good; revoking it again changes nothing. Audited once.

    ``account_id`` is the lead asking: a lead may revoke only their own tokens. None is an
    admin (or the operator's CLI), who may revoke any.

    Raises:
        PortalAccountError: no such token, or (the same message, so ids of other accounts'
            tokens cannot be probed) a token of another account.
    """
    row = session.get(PortalToken, token_id)
    if row is None or (account_id is not None and row.account_id != account_id):
        raise PortalAccountError(f"There is no API token {token_id} to revoke")
    if row.revoked_at is None:
        row.revoked_at = audit.stored_time(now)
        session.flush()
        audit.record(
            session,
            event="token_revoked",
            account_id=row.account_id,
            detail={"token_id": row.id},
            now=now,
        )
    return _token_row(row)


def list_tokens(session: Session, account_id: int | None) -> list[TokenRow]:
    """An account's tokens (every account's for None), newest first, revoked ones included."""
    query = select(PortalToken).order_by(PortalToken.created_at.desc(), PortalToken.id.desc())
    if account_id is not None:
        query = query.where(PortalToken.account_id == account_id)
    return [_token_row(row) for row in session.execute(query).scalars()]
