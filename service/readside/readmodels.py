"""Read models in the database: the ``ViewStore`` the projection runner saves into.

On PostgreSQL they live beside the log. On SQLite they live in a file of their own next to
the log's (``plenary.db`` → ``plenary-views.db``): SQLite has one write lock per file, and a
projection saving a hundred boards must not hold the appends of a live workshop waiting.
Read models are a rebuildable cache; each file keeps its views and checkpoints together.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from service.files import FILE_MODE, private_sqlite
from service.store import EventStore
from service.store.engine import DATABASE_ERRORS, WRITE_LOCK, create_engine
from service.store.migrate import advisory_call, advisory_key
from service.store.schema import metadata, projection_checkpoints, read_models


def _cache_durability(dbapi_connection: Any, _record: Any) -> None:
    """Views are a cache rebuilt from the log: their commits need not wait for the disk.

    In WAL mode ``synchronous = NORMAL`` still keeps the file consistent (a crash may lose the
    last saves, views and checkpoint together, which the projector redoes); what it drops is
    an fsync per save, which on a shared disk would make the log's own commits wait for it.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


class ProjectorLease:
    """One projector per database: a PostgreSQL session advisory lock, or on SQLite an
    ``flock`` on a file beside the read models. Both go with the process that holds them, so
    when it dies another instance's projector takes over on its next try.

    Two projectors would stay correct (folds are deterministic and readers fold the tail), but
    each would redo the other's work, and their saves would move the views back and forth.
    """

    def __init__(
        self, engine: AsyncEngine, key: tuple[int, int] | None, lock_file: Path | None
    ) -> None:
        self._engine = engine
        self._key = key
        self._lock_file = lock_file
        self._conn: AsyncConnection | None = None
        self._fd: int | None = None
        self._solo = False

    @property
    def held(self) -> bool:
        """Whether this process holds the lease."""
        return self._solo or self._conn is not None or self._fd is not None

    async def try_take(self) -> bool:
        """Take the lease if no one holds it; True if this process holds it now."""
        if self.held:
            return True
        if self._lock_file is not None:
            fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, FILE_MODE)
            os.fchmod(fd, FILE_MODE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            self._fd = fd
            return True
        if self._key is None:  # read models no other process can find: nothing to share
            self._solo = True
            return True
        conn = await self._engine.connect()
        try:
            taken = await conn.scalar(advisory_call("pg_try_advisory_lock", self._key))
        except BaseException:
            await conn.close()
            raise
        if not taken:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def release(self) -> None:
        """Give the lease back (closing the connection or file is enough; this is prompt)."""
        self._solo = False
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)
        conn, self._conn = self._conn, None
        if conn is not None and self._key is not None:
            with contextlib.suppress(*DATABASE_ERRORS):
                await conn.scalar(advisory_call("pg_advisory_unlock", self._key))
            await conn.close()


_LOG = "_log"
"""The read-model row that names the log (its epoch) the views in this file were built from."""


class SqlViewStore:
    """Views and checkpoints in one database; ``save`` is one transaction."""

    @classmethod
    async def for_store(cls, store: EventStore) -> SqlViewStore:
        """The read models of ``store``: its own database, or a SQLite file beside it."""
        if store.backend != "sqlite":
            view_store = cls(store.engine, store.write_engine)
            view_store._lease_key = advisory_key(store.schema, "projector")
            return view_store
        log_file = Path(str(store.engine.url.database))
        views_file = log_file.with_name(f"{log_file.stem}-views{log_file.suffix}")
        private_sqlite(f"sqlite+aiosqlite:///{views_file}")
        engine, _ = create_engine(f"sqlite+aiosqlite:///{views_file}", None)
        sa.event.listen(engine.sync_engine, "connect", _cache_durability)
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all, tables=[read_models, projection_checkpoints])
        view_store = cls(engine, engine.execution_options(**{WRITE_LOCK: True}))
        view_store._owned = True
        view_store._lease_file = views_file.with_name(f"{views_file.name}.lock")
        await view_store._follow_log(store.epoch)
        return view_store

    def lease(self) -> ProjectorLease:
        """The right to write these read models, which one projector at a time should hold."""
        return ProjectorLease(self.engine, self._lease_key, self._lease_file)

    async def _follow_log(self, epoch: str) -> None:
        """Forget every view built from another log: the log file was replaced (a new epoch)
        while this file stayed, and its views would answer for events that no longer exist."""
        mark = sa.and_(read_models.c.projection == _LOG, read_models.c.key == "epoch")
        async with self.write_engine.begin() as conn:
            held = await conn.scalar(sa.select(read_models.c.data).where(mark))
            if held is not None and bytes(held) == epoch.encode():
                return
            await conn.execute(sa.delete(read_models))
            await conn.execute(sa.delete(projection_checkpoints))
            await conn.execute(
                read_models.insert().values(
                    projection=_LOG, key="epoch", version=0, data=epoch.encode()
                )
            )

    async def close(self) -> None:
        """Release the read models' own database, if they have one."""
        if self._owned:
            await self.engine.dispose()

    def __init__(self, engine: AsyncEngine, write_engine: AsyncEngine | None = None) -> None:
        self.engine = engine
        self.write_engine = write_engine or engine
        self._owned = False
        self._lease_key: tuple[int, int] | None = None
        self._lease_file: Path | None = None
        self._insert: Any = (
            postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        )

    async def checkpoint(self, name: str) -> tuple[int, int] | None:
        query = sa.select(
            projection_checkpoints.c.projection_version, projection_checkpoints.c.position
        ).where(projection_checkpoints.c.name == name)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (int(row[0]), int(row[1]))

    async def load_views(self, name: str, keys: list[str]) -> dict[str, bytes]:
        if not keys:
            return {}
        query = sa.select(read_models.c.key, read_models.c.data).where(
            read_models.c.projection == name, read_models.c.key.in_(keys)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {str(key): bytes(data) for key, data in rows}

    async def save(
        self, name: str, projection_version: int, position: int, views: Mapping[str, bytes]
    ) -> None:
        async with self.write_engine.begin() as conn:
            if views:
                rows = [
                    {"projection": name, "key": key, "version": position, "data": data}
                    for key, data in views.items()
                ]
                stmt = self._insert(read_models)
                await conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[read_models.c.projection, read_models.c.key],
                        set_={"version": stmt.excluded.version, "data": stmt.excluded.data},
                    ),
                    rows,
                )
            stmt = self._insert(projection_checkpoints).values(
                name=name, projection_version=projection_version, position=position
            )
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[projection_checkpoints.c.name],
                    set_={"projection_version": projection_version, "position": position},
                )
            )

    async def reset(self, name: str) -> None:
        async with self.write_engine.begin() as conn:
            await conn.execute(sa.delete(read_models).where(read_models.c.projection == name))
            await conn.execute(
                sa.delete(projection_checkpoints).where(projection_checkpoints.c.name == name)
            )
