"""CPD records while their link lives, follow-up opt-ins, and follow-up answers as a kind.

Revision ID: 0008_cpd_and_followups
Revises: 0007_idempotency_keys
Create Date: 2026-12-07

``cpd_records`` holds a practitioner's CPD record encrypted under a key only its link carries,
until the link expires (then it is deleted). ``followups`` holds an opt-in to be asked months
later what has changed in practice: pack, points, due day, a keyed hash of who to ask, and for
Teams the encrypted conversation reference, deleted once sent. ``reflections.kind`` tells a
reflection from a follow-up answer; existing rows are reflections. The portal's cube index
gains ``kind`` so figures for each kind are still counted from the index alone. The
CHECK on ``kind`` is added on PostgreSQL only: SQLite cannot add one without a table rebuild.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_cpd_and_followups"
down_revision: str | Sequence[str] | None = "0007_idempotency_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite() -> bool:
    return bool(op.get_context().dialect.name == "sqlite")


_CUBE = ("pack_id", "pack_version", "iso_week", "agency", "point_id", "group_ref")


def upgrade() -> None:
    """Create the two tables, add ``reflections.kind`` and widen the cube index with it."""
    op.create_table(
        "cpd_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cpd_records")),
        sa.UniqueConstraint("public_id", name=op.f("uq_cpd_records_public_id")),
    )
    op.create_index(op.f("ix_cpd_records_expires_at"), "cpd_records", ["expires_at"])
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("owner_key", sa.String(64), nullable=False),
        sa.Column("pack_id", sa.String(100), nullable=False),
        sa.Column("pack_version", sa.String(32), nullable=False),
        sa.Column("points", sa.String(500), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("asked_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "channel IN ('teams', 'widget')", name=op.f("ck_followups_channel_known")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'asked')", name=op.f("ck_followups_status_known")
        ),
        sa.CheckConstraint(
            "channel = 'teams' OR reference IS NULL",
            name=op.f("ck_followups_reference_teams_only"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_followups_attempts_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followups")),
        sa.UniqueConstraint("public_id", name=op.f("uq_followups_public_id")),
    )
    op.create_index(op.f("ix_followups_owner_key"), "followups", ["owner_key"])
    op.create_index(op.f("ix_followups_due_on"), "followups", ["due_on"])
    op.create_index(op.f("ix_followups_status"), "followups", ["status"])
    op.add_column(
        "reflections",
        sa.Column("kind", sa.String(16), nullable=False, server_default="reflection"),
    )
    if not _sqlite():  # SQLite cannot add a constraint to a table without rebuilding it
        op.create_check_constraint(
            op.f("ck_reflections_kind_known"), "reflections", "kind IN ('reflection', 'followup')"
        )
    op.drop_index("ix_reflections_portal_cube", table_name="reflections")
    op.create_index("ix_reflections_portal_cube", "reflections", [*_CUBE, "kind"])


def downgrade() -> None:
    """Drop follow-up answers' kind (and the answers with it), both tables, restore the index."""
    op.execute("DELETE FROM reflections WHERE kind = 'followup'")
    op.drop_index("ix_reflections_portal_cube", table_name="reflections")
    op.create_index("ix_reflections_portal_cube", "reflections", list(_CUBE))
    if not _sqlite():
        op.drop_constraint(op.f("ck_reflections_kind_known"), "reflections", type_="check")
    with op.batch_alter_table("reflections") as batch:
        batch.drop_column("kind")
    op.drop_table("followups")
    op.drop_table("cpd_records")
