"""Create reflections tables.

Revision ID: 0001_reflections
Revises:
Create Date: 2026-11-27

The first schema: anonymised reflections (no sender, user, IP or timestamp columns; time only as
an ISO week) and the per-day withdrawal attempt counter that limits receipt-code guessing.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_reflections"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from bot.storage.models: a revision records the schema as it
# was when written, and must not change when the models move on.
_AGENCIES = (
    "'police', 'health', 'childrens_social_care', 'education', 'early_help', "
    "'voluntary_sector', 'other'"
)


def upgrade() -> None:
    """Create ``reflections`` and ``withdrawal_attempts`` with their indexes and checks."""
    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(length=100), nullable=False),
        sa.Column("pack_version", sa.String(length=32), nullable=False),
        sa.Column("point_id", sa.String(length=100), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=True),
        sa.Column("iso_week", sa.String(length=8), nullable=False),
        sa.Column("channel_kind", sa.String(length=32), nullable=False),
        sa.Column("receipt_hash", sa.String(length=66), nullable=False),
        sa.Column("created_week_start", sa.Date(), nullable=False),
        sa.CheckConstraint(
            f"agency IS NULL OR agency IN ({_AGENCIES})",
            name=op.f("ck_reflections_agency_known"),
        ),
        sa.CheckConstraint("length(text) <= 4000", name=op.f("ck_reflections_text_length")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflections")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_reflections_receipt_hash")),
    )
    op.create_index(op.f("ix_reflections_pack_id"), "reflections", ["pack_id"])
    op.create_index(
        op.f("ix_reflections_created_week_start"), "reflections", ["created_week_start"]
    )
    op.create_table(
        "withdrawal_attempts",
        sa.Column("sender_key", sa.String(length=66), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sender_key", "day", name=op.f("pk_withdrawal_attempts")),
    )
    op.create_index(op.f("ix_withdrawal_attempts_day"), "withdrawal_attempts", ["day"])


def downgrade() -> None:
    """Drop both tables (and with them every stored reflection)."""
    op.drop_index(op.f("ix_withdrawal_attempts_day"), table_name="withdrawal_attempts")
    op.drop_table("withdrawal_attempts")
    op.drop_index(op.f("ix_reflections_created_week_start"), table_name="reflections")
    op.drop_index(op.f("ix_reflections_pack_id"), table_name="reflections")
    op.drop_table("reflections")
