"""Group sessions: the live facilitation state, and the minutes they leave behind.

Revision ID: 0004_group_sessions
Revises: 0003_conversation_memory
Create Date: 2026-12-07

A team lead runs a group discussion through Reflect (issue 12). While it runs, the session keeps
its stage, keyed hashes of the lead and of the join code, its times (for timing hints and
expiry) and the notes, actions, attendance counts and joined members; when it closes or expires
all of that goes, and only the minutes (anonymised, ISO week only, withdrawable by a receipt
code) remain. Reflections written by a member who joined carry the session's public id.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_group_sessions"
down_revision: str | Sequence[str] | None = "0003_conversation_memory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from bot.storage.models: a revision records the schema as it
# was when written, and must not change when the models move on.
_AGENCIES = (
    "'police', 'health', 'childrens_social_care', 'education', 'early_help', "
    "'voluntary_sector', 'other'"
)
_STATUSES = "'live', 'closed', 'expired'"
_STAGES = (
    "'duration', 'points', 'attendance', 'attendance_check', 'action_what', 'action_owner', "
    "'action_when', 'action_measure', 'action_more', 'closed'"
)
_ENDED_KEEPS_NOTHING = (
    "status = 'live' OR (lead_key IS NULL AND join_hash IS NULL AND started_at IS NULL"
    " AND last_activity_at IS NULL AND point_started_at IS NULL)"
)


def _session_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["session_id"],
        ["group_sessions.id"],
        name=op.f(f"fk_{table}_session_id_group_sessions"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Create the five group tables and ``group_minutes``; add ``reflections.group_ref``."""
    op.create_table(
        "group_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("pack_id", sa.String(length=100), nullable=False),
        sa.Column("pack_version", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("planned_minutes", sa.Integer(), nullable=True),
        sa.Column("point_number", sa.Integer(), nullable=True),
        sa.Column("team_code", sa.String(length=16), nullable=True),
        sa.Column("join_hash", sa.String(length=64), nullable=True),
        sa.Column("lead_key", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(), nullable=True),
        sa.Column("point_started_at", sa.DateTime(), nullable=True),
        sa.Column("points_shown", sa.Integer(), nullable=False),
        sa.Column("points_skipped", sa.Integer(), nullable=False),
        sa.Column("hints_given", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name=op.f("ck_group_sessions_status_known")),
        sa.CheckConstraint(f"stage IN ({_STAGES})", name=op.f("ck_group_sessions_stage_known")),
        sa.CheckConstraint(
            _ENDED_KEEPS_NOTHING, name=op.f("ck_group_sessions_ended_keeps_nothing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_sessions")),
        sa.UniqueConstraint("join_hash", name=op.f("uq_group_sessions_join_hash")),
        sa.UniqueConstraint("public_id", name=op.f("uq_group_sessions_public_id")),
    )
    op.create_index(op.f("ix_group_sessions_status"), "group_sessions", ["status"])
    op.create_index(
        op.f("ix_group_sessions_last_activity_at"), "group_sessions", ["last_activity_at"]
    )
    op.create_table(
        "group_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("point_number", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.CheckConstraint("length(text) <= 4000", name=op.f("ck_group_notes_text_length")),
        _session_fk("group_notes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_notes")),
    )
    op.create_index(op.f("ix_group_notes_session_id"), "group_notes", ["session_id"])
    op.create_table(
        "group_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=4000), nullable=False),
        sa.Column("owner_role", sa.String(length=200), nullable=True),
        sa.Column("by_when", sa.String(length=200), nullable=True),
        sa.Column("measure", sa.String(length=4000), nullable=True),
        _session_fk("group_actions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_actions")),
    )
    op.create_index(op.f("ix_group_actions_session_id"), "group_actions", ["session_id"])
    op.create_table(
        "group_attendance",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            f"agency IN ({_AGENCIES})", name=op.f("ck_group_attendance_agency_known")
        ),
        sa.CheckConstraint(
            "count > 0 AND count < 1000", name=op.f("ck_group_attendance_count_range")
        ),
        _session_fk("group_attendance"),
        sa.PrimaryKeyConstraint("session_id", "agency", name=op.f("pk_group_attendance")),
    )
    op.create_table(
        "group_members",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_key", sa.String(length=64), nullable=False),
        _session_fk("group_members"),
        sa.PrimaryKeyConstraint("session_id", "member_key", name=op.f("pk_group_members")),
    )
    op.create_table(
        "group_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("group_ref", sa.String(length=32), nullable=True),
        sa.Column("pack_id", sa.String(length=100), nullable=False),
        sa.Column("pack_version", sa.String(length=32), nullable=False),
        sa.Column("iso_week", sa.String(length=8), nullable=False),
        sa.Column("created_week_start", sa.Date(), nullable=False),
        sa.Column("team_code", sa.String(length=16), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("receipt_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_minutes")),
        sa.UniqueConstraint("public_id", name=op.f("uq_group_minutes_public_id")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_group_minutes_receipt_hash")),
    )
    for column in ("created_week_start", "group_ref", "pack_id"):
        op.create_index(op.f(f"ix_group_minutes_{column}"), "group_minutes", [column])
    with op.batch_alter_table("reflections") as batch:
        batch.add_column(sa.Column("group_ref", sa.String(length=32), nullable=True))
        batch.create_index(batch.f("ix_reflections_group_ref"), ["group_ref"], unique=False)


def downgrade() -> None:
    """Drop the group tables (and every stored minutes) and ``reflections.group_ref``."""
    with op.batch_alter_table("reflections") as batch:
        batch.drop_index(batch.f("ix_reflections_group_ref"))
        batch.drop_column("group_ref")
    for column in ("created_week_start", "group_ref", "pack_id"):
        op.drop_index(op.f(f"ix_group_minutes_{column}"), table_name="group_minutes")
    op.drop_table("group_minutes")
    op.drop_table("group_members")
    op.drop_table("group_attendance")
    op.drop_index(op.f("ix_group_actions_session_id"), table_name="group_actions")
    op.drop_table("group_actions")
    op.drop_index(op.f("ix_group_notes_session_id"), table_name="group_notes")
    op.drop_table("group_notes")
    op.drop_index(op.f("ix_group_sessions_last_activity_at"), table_name="group_sessions")
    op.drop_index(op.f("ix_group_sessions_status"), table_name="group_sessions")
    op.drop_table("group_sessions")
