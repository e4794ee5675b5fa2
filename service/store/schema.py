"""The store's tables as SQLAlchemy Core objects, one schema for SQLite and PostgreSQL.

The Alembic revisions (``service/migrations/versions``) build exactly these tables;
``tests/service/store/test_lifecycle.py`` checks that the migrated database and this module
agree. ``projection_checkpoints`` and ``read_models`` belong
to the projection runner; the store only creates them.
"""

from __future__ import annotations

import sqlalchemy as sa

from service.store.chain import ROW_COLUMNS

metadata = sa.MetaData()

# On SQLite, INTEGER PRIMARY KEY makes position the rowid: no second index to maintain.
Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

events = sa.Table(
    "events",
    metadata,
    sa.Column("position", Position, primary_key=True, autoincrement=False),
    sa.Column("stream_id", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("event_id", sa.Text, nullable=False),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("recorded_at", sa.BigInteger, nullable=False),  # UTC microseconds since epoch
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("command_id", sa.Text, nullable=False),
    sa.Column("correlation_id", sa.Text, nullable=False),
    sa.Column("causation_id", sa.Text, nullable=True),
    sa.Column("prev_hash", sa.LargeBinary, nullable=False),
    sa.Column("hash", sa.LargeBinary, nullable=False),
    sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    sa.UniqueConstraint("event_id", name="uq_events_event_id"),
)

EVENT_ROW = tuple(events.c[name] for name in ROW_COLUMNS)
"""The ``events`` columns in row order, for ``select(*EVENT_ROW)``."""

commands = sa.Table(
    "commands",
    metadata,
    sa.Column("command_id", sa.Text, primary_key=True),
    sa.Column("stream_id", sa.Text, nullable=False),
    sa.Column("first_position", sa.BigInteger, nullable=False),
    sa.Column("last_position", sa.BigInteger, nullable=False),
    # The events' 32-byte hashes in position order: a second record of what the command
    # appended, checked by verify. NULL for rows written before revision 0002.
    sa.Column("hashes", sa.LargeBinary, nullable=True),
    sqlite_with_rowid=False,  # one B-tree keyed by command_id instead of a rowid table + index
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("stream_id", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("recorded_at", sa.BigInteger, nullable=False),
)

projection_checkpoints = sa.Table(
    "projection_checkpoints",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("projection_version", sa.Integer, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
)

read_models = sa.Table(
    "read_models",
    metadata,
    sa.Column("projection", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),  # the runner stores a log position here
    sa.Column("data", sa.LargeBinary, nullable=False),
)

store_meta = sa.Table(
    "store_meta",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

person_keys = sa.Table(
    "person_keys",
    metadata,
    sa.Column("person_id", sa.Text, primary_key=True),
    sa.Column("key", sa.LargeBinary, nullable=True),  # NULL once the person is erased
    sa.Column("created_at", sa.BigInteger, nullable=False),  # UTC microseconds since epoch
    sa.Column("erased_at", sa.BigInteger, nullable=True),
)
"""One AES-256-GCM key per person, sealing what they wrote (``service/privacy``). Erasure
sets ``key`` to NULL and keeps the row, so no key is ever made for that person again."""
