"""A CPD record kept, encrypted, only while its link lives; then deleted.

The record is rendered on each download (like the minutes), so it has to be kept somewhere for
the link's few minutes, and several replicas may serve the link: the database it is. But it is
the practitioner's, not ours: it is encrypted with AES-256-GCM under a fresh random key that is
put in the link (bot.cpd.links) and nowhere else, so the row (a random public id, the
ciphertext and an expiry; no sender, conversation or account) cannot be read from the database,
a backup or a log of SQL. The public id is bound into the ciphertext as associated data, so a
body copied onto another row does not decrypt. Expired rows are deleted by every new record,
by the download route when it meets an expired link, and by ``reflect purge``.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.cpd.links import KEY_BYTES
from bot.cpd.record import Record
from bot.storage.models import CpdRecord

_NONCE_BYTES = 12
_AAD = b"reflect/cpd-record\x00"


@dataclass(frozen=True)
class StoredRecord:
    """What the links need: the row's public id, the key (never stored) and the expiry."""

    public_id: str
    key: bytes
    expires_at: datetime
    """Timezone-aware UTC."""


def naive_utc(moment: datetime) -> datetime:
    """``moment`` as the naive UTC the table stores (SQLite keeps no time zone)."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def encrypt(record: Record, *, key: bytes, public_id: str) -> str:
    """The record's JSON, encrypted under ``key`` and bound to ``public_id``, as base64 text."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    plain = json.dumps(record.to_dict(), ensure_ascii=False, separators=(",", ":"))
    sealed = AESGCM(key).encrypt(nonce, plain.encode("utf-8"), _AAD + public_id.encode("ascii"))
    return base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(body: str, *, key: bytes, public_id: str) -> Record | None:
    """The record, or None when the key or the id is not the one it was sealed with."""
    try:
        raw = base64.b64decode(body.encode("ascii"), validate=True)
        plain = AESGCM(key).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _AAD + public_id.encode("ascii")
        )
        return Record.from_dict(json.loads(plain.decode("utf-8")))
    except (InvalidTag, binascii.Error, ValueError, KeyError, TypeError):
        return None


def delete_expired(session: Session, *, now: datetime) -> int:
    """Delete every record whose link has expired; how many went."""
    result = session.execute(delete(CpdRecord).where(CpdRecord.expires_at <= naive_utc(now)))
    return int(result.rowcount or 0)


def delete_record(session: Session, public_id: str) -> int:
    """Delete one record by its public id (its link was met expired); 0 or 1."""
    result = session.execute(delete(CpdRecord).where(CpdRecord.public_id == public_id))
    return int(result.rowcount or 0)


def store_record(
    session: Session, record: Record, *, now: datetime, ttl: timedelta
) -> StoredRecord:
    """Keep ``record`` encrypted until ``now + ttl``, first deleting every expired one."""
    delete_expired(session, now=now)
    public_id = secrets.token_urlsafe(16)
    key = secrets.token_bytes(KEY_BYTES)
    expires_at = (now + ttl).astimezone(timezone.utc)
    session.add(
        CpdRecord(
            public_id=public_id,
            body=encrypt(record, key=key, public_id=public_id),
            expires_at=naive_utc(expires_at),
        )
    )
    session.flush()
    return StoredRecord(public_id, key, expires_at)


def load_record(session: Session, public_id: str, key: bytes, *, now: datetime) -> Record | None:
    """The record, while it lives; None when it is gone, expired (then deleted) or unreadable."""
    row = session.execute(
        select(CpdRecord).where(CpdRecord.public_id == public_id)
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.expires_at <= naive_utc(now):
        session.delete(row)
        return None
    return decrypt(row.body, key=key, public_id=public_id)
