"""Bring a database to the latest schema (``alembic upgrade head``) and read its epoch.

Runs programmatically on the store's own engine, no ``alembic.ini``. The whole upgrade is one
transaction under a lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so
processes that open the same database at once migrate it exactly once.
"""

from __future__ import annotations

import uuid
import zlib
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from service.store.engine import WRITE_LOCK, Backend
from service.store.errors import StoreUnavailable
from service.store.schema import store_meta

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

_LOCK_CLASS_EVENTS = 0x504C4E59  # "PLNY": the append lock
_LOCK_CLASS_MIGRATIONS = 0x504C4E4D  # "PLNM": schema upgrades
_LOCK_CLASS_PROJECTOR = 0x504C4E50  # "PLNP": the one projector that writes the read models


LockPurpose = Literal["events", "migrations", "projector"]
_LOCK_CLASSES: dict[LockPurpose, int] = {
    "events": _LOCK_CLASS_EVENTS,
    "migrations": _LOCK_CLASS_MIGRATIONS,
    "projector": _LOCK_CLASS_PROJECTOR,
}


def advisory_key(schema: str | None, purpose: LockPurpose = "events") -> tuple[int, int]:
    """The ``pg_advisory_lock(int, int)`` key of ``purpose`` for the log in ``schema``.

    One key per schema: logs in different schemas of one database do not serialise each other.
    """
    objid = zlib.crc32((schema or "").encode()) - 2**31  # signed int4
    return _LOCK_CLASSES[purpose], objid


def advisory_call(function: str, key: tuple[int, int]) -> sa.Select[tuple[object]]:
    """``SELECT function(classid, objid)`` for one of PostgreSQL's ``pg_*advisory*(int, int)``
    functions, both halves bound as ``integer``.

    Left to itself, SQLAlchemy 2.1 binds an int at the edge of the int4 range (the key of
    the default schema is -2^31) as ``bigint``, and there is no ``(integer, bigint)`` variant.
    """
    classid, objid = key
    return sa.select(
        getattr(sa.func, function)(
            sa.bindparam("classid", classid, type_=sa.Integer),
            sa.bindparam("objid", objid, type_=sa.Integer),
        )
    )


def notify_channel(schema: str | None) -> str:
    """The ``LISTEN``/``NOTIFY`` channel that announces commits to the log in ``schema``."""
    return f"plenary_{zlib.crc32((schema or '').encode()):08x}"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _alembic_upgrade(connection: sa.Connection, schema: str | None) -> None:
    config = _config()
    config.attributes["connection"] = connection
    config.attributes["schema"] = schema
    command.upgrade(config, "head")


async def upgrade(engine: AsyncEngine, backend: Backend, schema: str | None) -> str:
    """Create the schema if needed, apply pending migrations and return the database's epoch.

    Idempotent; database errors propagate (the caller maps them to ``StoreUnavailable``).
    """
    async with engine.execution_options(**{WRITE_LOCK: True}).begin() as conn:
        if backend == "postgresql":
            await conn.execute(
                advisory_call("pg_advisory_xact_lock", advisory_key(schema, "migrations"))
            )
            if schema is not None:  # validated against a strict pattern in create_engine
                await conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.run_sync(_alembic_upgrade, schema)
        insert = postgresql.insert if backend == "postgresql" else sqlite.insert
        await conn.execute(
            insert(store_meta)
            .values(key="epoch", value=str(uuid.uuid4()))
            .on_conflict_do_nothing(index_elements=[store_meta.c.key])
        )
        epoch = await conn.scalar(sa.select(store_meta.c.value).where(store_meta.c.key == "epoch"))
    return str(epoch)


async def read_epoch(engine: AsyncEngine) -> str:
    """The epoch of a database already at the latest revision, read without writing.

    Raises ``StoreUnavailable`` for a database at an older revision (the service migrates it
    when it starts); database errors propagate (no tables: not a Plenary log).
    """
    latest = ScriptDirectory.from_config(_config()).get_current_head()
    async with engine.connect() as conn:
        revision = await conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
        epoch = await conn.scalar(sa.select(store_meta.c.value).where(store_meta.c.key == "epoch"))
    if revision != latest:
        raise StoreUnavailable(
            f"The database is at revision {revision}, not {latest}: start the service once "
            "to migrate it, then verify."
        )
    return str(epoch)
