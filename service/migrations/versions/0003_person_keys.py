"""One key per person for their personal texts; erasure drops it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

``person_keys``: an AES-256-GCM key per person id, made on first use. Personal texts in
events are stored sealed with their person's key (``service/privacy``); erasing the person
sets ``key`` to NULL (the row stays, so no new key is made for them) and every copy of their
texts becomes unreadable while the log's bytes, and its hash chain, stay as they were.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "person_keys",
        sa.Column("person_id", sa.Text, primary_key=True),
        sa.Column("key", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("erased_at", sa.BigInteger, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("person_keys")
