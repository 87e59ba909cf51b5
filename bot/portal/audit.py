"""The portal's audit trail: who did what, and when, without ever what they saw.

Every sign-in (success and failure), sign-out, filter change, download, API call and account
change is one row of ``portal_audit``: a time, an account (or none), an event kind from a fixed
list, and ``detail``, a short JSON object of metadata. What may go in ``detail`` is decided here,
once, by construction rather than by care at each call: keys come from :data:`DETAIL_KEYS` and
string values must be short and have no spaces, so a password, a token, a reflection, a quote or
any sentence is refused with a ValueError instead of being stored (a bug, caught by tests).

A failed sign-in with an unknown username keeps only :func:`username_key`, a keyed hash prefix
of what was typed: people type their password into the username box, and an audit table must
not become a list of passwords.

Plain SQLAlchemy; times are stored as naive UTC like every other table.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.storage.models import (
    MAX_AUDIT_DETAIL_LENGTH,
    PORTAL_AUDIT_EVENTS,
    PortalAccount,
    PortalAudit,
)

#: The only keys ``detail`` may hold: what was asked for and how, never what was shown.
DETAIL_KEYS = frozenset(
    {
        "format",  # csv | xlsx | pdf | json ...
        "pack",
        "version",
        "week_from",
        "week_to",
        "agency",
        "team",
        "theme",  # a theme's id, never its words or quotes
        "outcome",
        "reason",
        "token_id",
        "path_kind",  # which kind of page or API route, not the URL
        "count",
        "minutes",  # how long a lockout lasts
        "role",
        "partnership",
        "via",  # cli | portal | api
        "username_key",  # a keyed hash prefix of an unknown username (username_key())
    }
)
#: A string value: an id, a code, a week or a short word; no spaces, so no sentence fits.
_VALUE_SHAPE = re.compile(r"[A-Za-z0-9_.:@+/-]{0,64}")
MAX_COUNT = 10**9
#: How much of the keyed hash of an unknown username is kept: enough to see one name tried
#: many times, too little to test guesses against without the secret anyway.
USERNAME_KEY_CHARS = 12
_USERNAME_KEY_DOMAIN = b"reflect/portal-audit-username\x00"

DetailValue = str | int | None


@dataclass(frozen=True)
class AuditEntry:
    """One audit row as an admin page shows it (``at`` is timezone-aware UTC)."""

    id: int
    at: datetime
    account_id: int | None
    username: str | None
    event: str
    detail: dict[str, DetailValue]


def stored_time(moment: datetime) -> datetime:
    """``moment`` as the tables keep times: naive UTC. A naive ``moment`` is refused.

    Raises:
        ValueError: ``moment`` has no timezone (which one it meant cannot be known).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must be timezone-aware, e.g. datetime.now(timezone.utc)")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def username_key(secret: bytes, attempted: str) -> str:
    """A keyed hash prefix of a username nobody has: what a failed sign-in records instead."""
    digest = hmac.new(secret, _USERNAME_KEY_DOMAIN + attempted.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:USERNAME_KEY_CHARS]


def detail_json(detail: Mapping[str, DetailValue]) -> str:
    """``detail`` as the stored JSON text, after checking every key and value.

    Raises:
        ValueError: a key outside :data:`DETAIL_KEYS`, a value that is not a short
            space-free string, a whole number or None, or a result longer than the column.
    """
    for key, value in detail.items():
        if key not in DETAIL_KEYS:
            raise ValueError(f"audit detail key {key!r} is not on the allow-list")
        _check_value(key, value)
    text = json.dumps(dict(sorted(detail.items())), separators=(",", ":"))
    if len(text) > MAX_AUDIT_DETAIL_LENGTH:
        raise ValueError(f"audit detail is longer than {MAX_AUDIT_DETAIL_LENGTH} characters")
    return text


def _check_value(key: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"audit detail {key!r} must be a string, a whole number or None")
    if isinstance(value, int):
        if abs(value) > MAX_COUNT:
            raise ValueError(f"audit detail {key!r} is out of range")
        return
    if not _VALUE_SHAPE.fullmatch(value):
        # Deliberately silent about the value: it may be exactly what must not be logged.
        raise ValueError(
            f"audit detail {key!r} must be at most 64 characters of letters, digits and "
            "_.:@+/- (an id or a code, never text)"
        )


def record(
    session: Session,
    *,
    event: str,
    account_id: int | None,
    detail: Mapping[str, DetailValue] | None = None,
    now: datetime,
) -> None:
    """Add one audit row (flushed with the caller's unit of work, like every service here).

    Raises:
        ValueError: an unknown event, or a detail the allow-list refuses (see
            :func:`detail_json`), so content never reaches the table.
    """
    if event not in PORTAL_AUDIT_EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    session.add(
        PortalAudit(
            at=stored_time(now),
            account_id=account_id,
            event=event,
            detail=detail_json(detail or {}),
        )
    )
    session.flush()


def recent(session: Session, *, limit: int, account_id: int | None = None) -> list[AuditEntry]:
    """The latest ``limit`` audit rows, newest first, for an admin's audit page.

    ``account_id`` narrows them to one account's. Limited to 1000 rows whatever is asked, so a
    page never loads the whole trail.
    """
    query = (
        select(PortalAudit, PortalAccount.username)
        .outerjoin(PortalAccount, PortalAccount.id == PortalAudit.account_id)
        .order_by(PortalAudit.at.desc(), PortalAudit.id.desc())
        .limit(max(0, min(limit, 1000)))
    )
    if account_id is not None:
        query = query.where(PortalAudit.account_id == account_id)
    return [
        AuditEntry(
            id=row.id,
            at=row.at.replace(tzinfo=timezone.utc),
            account_id=row.account_id,
            username=username,
            event=row.event,
            detail=json.loads(row.detail),
        )
        for row, username in session.execute(query)
    ]


def purge_audit(session: Session, now: datetime, days: int) -> int:
    """Delete audit rows older than ``days`` (Settings.portal_audit_days); return how many.

    The trail is kept long enough to answer "who downloaded what, last year", and no longer:
    it names the accounts of real people.
    """
    if days < 1:
        raise ValueError("the audit trail is kept for at least one day")
    cutoff = stored_time(now) - timedelta(days=days)
    result = session.execute(
        delete(PortalAudit)
        .where(PortalAudit.at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
