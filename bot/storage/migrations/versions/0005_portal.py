"""The safeguarding lead's portal: accounts, their API tokens, and the audit trail.

Revision ID: 0005_portal
Revises: 0004_group_sessions
Create Date: 2026-12-07

Leads and admins are created by ``reflect leads add`` (no self sign-up) with an argon2id
password hash, a lockout counter and a generation number that kills every session cookie when
bumped. API tokens are kept as SHA-256 hashes only. The audit trail records each sign-in,
filter, download and API call as an event kind plus short allow-listed metadata, never content.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_portal"
down_revision: str | Sequence[str] | None = "0004_group_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from bot.storage.models: a revision records the schema as it
# was when written, and must not change when the models move on.
_AGENCIES = (
    "'police', 'health', 'childrens_social_care', 'education', 'early_help', "
    "'voluntary_sector', 'other'"
)
_ROLES = "'lead', 'admin'"
_EVENTS = (
    "'sign_in', 'sign_in_failed', 'sign_in_locked', 'sign_out', 'session_expired', 'filter', "
    "'download', 'api', 'token_created', 'token_revoked', 'account_added', "
    "'account_disabled', 'password_reset', 'link_opened'"
)


def upgrade() -> None:
    """Create ``portal_accounts``, ``portal_audit`` and ``portal_tokens``."""
    op.create_table(
        "portal_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("partnership", sa.String(length=32), nullable=True),
        sa.Column("agency", sa.String(length=32), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"role IN ({_ROLES})", name=op.f("ck_portal_accounts_role_known")),
        sa.CheckConstraint(
            "role = 'admin' OR partnership IS NOT NULL",
            name=op.f("ck_portal_accounts_lead_has_partnership"),
        ),
        sa.CheckConstraint(
            f"agency IS NULL OR agency IN ({_AGENCIES})",
            name=op.f("ck_portal_accounts_agency_known"),
        ),
        sa.CheckConstraint(
            "username = lower(username) AND length(username) >= 3",
            name=op.f("ck_portal_accounts_username_shape"),
        ),
        sa.CheckConstraint(
            "failed_count >= 0", name=op.f("ck_portal_accounts_failed_count_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_portal_accounts_username")),
    )
    op.create_table(
        "portal_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.CheckConstraint(f"event IN ({_EVENTS})", name=op.f("ck_portal_audit_event_known")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_portal_audit_account_id_portal_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_audit")),
    )
    op.create_index(op.f("ix_portal_audit_at"), "portal_audit", ["at"])
    op.create_index(op.f("ix_portal_audit_account_id"), "portal_audit", ["account_id"])
    op.create_table(
        "portal_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_on", sa.Date(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_portal_tokens_account_id_portal_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_tokens_token_hash")),
    )
    op.create_index(op.f("ix_portal_tokens_account_id"), "portal_tokens", ["account_id"])


def downgrade() -> None:
    """Drop the portal tables: every account, token and audit row goes with them."""
    op.drop_index(op.f("ix_portal_tokens_account_id"), table_name="portal_tokens")
    op.drop_table("portal_tokens")
    op.drop_index(op.f("ix_portal_audit_account_id"), table_name="portal_audit")
    op.drop_index(op.f("ix_portal_audit_at"), table_name="portal_audit")
    op.drop_table("portal_audit")
    op.drop_table("portal_accounts")
