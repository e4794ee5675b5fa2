"""Each commands row records the hashes of the events its command appended.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

``commands.hashes``: the 32-byte hashes of the command's events, concatenated in position
order, written in the same insert as the events. ``verify`` checks them against the log, so
an edit of ``events`` alone, even re-hashed to the head, is found. Rows written before this
revision hold NULL: not recorded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("commands", sa.Column("hashes", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    op.drop_column("commands", "hashes")
