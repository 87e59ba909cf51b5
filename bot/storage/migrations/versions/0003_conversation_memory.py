"""Conversation memory: keyed hashes of identifiers a conversation redacted.

Revision ID: 0003_conversation_memory
Revises: 0002_revoked_widget_sessions
Create Date: 2026-12-07

The door catches an identifier given earlier in a conversation when it comes back alone later
("Hollis said no"); it keeps only keyed hashes, never the identifiers, and they expire with the
conversation session.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_conversation_memory"
down_revision: str | Sequence[str] | None = "0002_revoked_widget_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``conversation_memory`` with its expiry index."""
    op.create_table(
        "conversation_memory",
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("conversation", "token", name=op.f("pk_conversation_memory")),
    )
    op.create_index(
        op.f("ix_conversation_memory_expires_at"),
        "conversation_memory",
        ["expires_at"],
        unique=False,
    )


def downgrade() -> None:
    """Drop ``conversation_memory``."""
    op.drop_index(op.f("ix_conversation_memory_expires_at"), table_name="conversation_memory")
    op.drop_table("conversation_memory")
