"""Create the revoked widget sessions table.

Revision ID: 0002_revoked_widget_sessions
Revises: 0001_reflections
Create Date: 2026-12-04

"Forget this conversation" revokes the web widget's session token before it expires. Tokens are
stateless, so the revocation list must be shared by every Rasa server worker: a keyed hash of
the token and its issue day (to delete the row once the token has expired), nothing else.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_revoked_widget_sessions"
down_revision: str | Sequence[str] | None = "0001_reflections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``revoked_widget_sessions`` with an index for purging expired rows."""
    op.create_table(
        "revoked_widget_sessions",
        sa.Column("token_key", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("token_key", name=op.f("pk_revoked_widget_sessions")),
    )
    op.create_index(
        op.f("ix_revoked_widget_sessions_issued_on"), "revoked_widget_sessions", ["issued_on"]
    )


def downgrade() -> None:
    """Drop the table: revoked tokens that have not expired yet become valid again."""
    op.drop_index(
        op.f("ix_revoked_widget_sessions_issued_on"), table_name="revoked_widget_sessions"
    )
    op.drop_table("revoked_widget_sessions")
