"""Portal indexes: one covering index for the lead's figures over reflections.

Revision ID: 0006_portal_indexes
Revises: 0005_portal
Create Date: 2026-12-07

The portal's cube query (bot/portal/figures.py) counts one pack version's reflections by ISO
week, agency, discussion point and group session. With an index on exactly those columns, led
by the pack and version it filters on, both SQLite and PostgreSQL answer it from the index alone
(no table rows read) and in the index's order (a streaming GROUP BY, no sort), so the dashboard
stays fast at a million reflections.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006_portal_indexes"
down_revision: str | Sequence[str] | None = "0005_portal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CUBE_COLUMNS = ["pack_id", "pack_version", "iso_week", "agency", "point_id", "group_ref"]


def upgrade() -> None:
    """Add the covering index the portal's reflection cube is read from."""
    op.create_index("ix_reflections_portal_cube", "reflections", _CUBE_COLUMNS)


def downgrade() -> None:
    """Drop it (the figures still work, by reading the table)."""
    op.drop_index("ix_reflections_portal_cube", table_name="reflections")
