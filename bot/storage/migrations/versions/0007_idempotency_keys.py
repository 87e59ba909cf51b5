"""Idempotency keys: a reflection or a set of minutes is stored once, however often it is sent.

Revision ID: 0007_idempotency_keys
Revises: 0006_portal_indexes
Create Date: 2026-12-07

Each new reflection and each set of group minutes carries a keyed hash (HMAC under the server
secret, never a raw sender id) of what makes it the same save: the conversation and the
confirmed text for a reflection, the group session for minutes (bot/reflections/receipts.py
``idempotency_key``). A unique index makes the database refuse a second row with the same key,
so a retried or duplicated message, even one arriving on another replica, never stores twice;
the save then answers with the receipt of the row already there. Nullable: rows stored before
this revision have none, and NULLs never collide.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_idempotency_keys"
down_revision: str | Sequence[str] | None = "0006_portal_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY_LENGTH = 66
_TABLES = ("reflections", "group_minutes")


def upgrade() -> None:
    """Add the nullable key column and its unique index to both tables."""
    for table in _TABLES:
        op.add_column(table, sa.Column("idempotency_key", sa.String(_KEY_LENGTH), nullable=True))
        op.create_index(f"ux_{table}_idempotency_key", table, ["idempotency_key"], unique=True)


def downgrade() -> None:
    """Drop them (saves are then only as idempotent as the conversation makes them)."""
    for table in _TABLES:
        op.drop_index(f"ux_{table}_idempotency_key", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("idempotency_key")
