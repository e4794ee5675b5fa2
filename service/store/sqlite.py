"""The writer's SQLite connection: raw aiosqlite under ``BEGIN IMMEDIATE``.

SQLite's write transaction is the global lock: ``BEGIN IMMEDIATE`` waits (busy timeout) for
any other writer, including another process on the same file, and everything the batch reads
afterwards is the committed truth. Statements go straight to the driver: the batch is the hot
path, and the same statements through ``AsyncConnection.exec_driver_sql`` made appends 25-35%
slower (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import aiosqlite
import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from service.store.batch import ROW_SQL, BatchState, Row, parse_state
from service.store.chain import ZERO_HASH
from service.store.engine import DATABASE_ERRORS
from service.store.writer import WriteTx

_STATE = (  # see batch.parse_state
    "SELECT 0, s.value, (SELECT max(version) FROM events WHERE stream_id = s.value), NULL, NULL"
    " FROM json_each(?1) AS s"
    " UNION ALL SELECT 1, command_id, first_position, last_position, NULL FROM commands"
    " WHERE command_id IN (SELECT value FROM json_each(?2))"
    " UNION ALL SELECT * FROM"
    " (SELECT 2, NULL, position, NULL, hash FROM events ORDER BY position DESC LIMIT 1)"
)
_HEAD = "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1"
_BETWEEN = f"SELECT {ROW_SQL} FROM events WHERE position BETWEEN ? AND ? ORDER BY position"
_INSERT_EVENTS = f"INSERT INTO events ({ROW_SQL}) VALUES ({', '.join(['?'] * 14)})"
_INSERT_COMMANDS = (
    "INSERT INTO commands (command_id, stream_id, first_position, last_position) "
    "VALUES (?, ?, ?, ?)"
)
_json = msgspec.json.Encoder().encode
# aiosqlite raises ValueError("no active connection") once its connection is gone.
_ROLLBACK_ERRORS: tuple[type[BaseException], ...] = (*DATABASE_ERRORS, ValueError)


class SqliteTx:
    """Batch statements on a connection inside ``BEGIN IMMEDIATE``."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def state(self, stream_ids: list[str], command_ids: list[str]) -> BatchState:
        return parse_state(
            await self._db.execute_fetchall(_STATE, (_json(stream_ids), _json(command_ids)))
        )

    async def rows_between(self, first: int, last: int) -> list[Row]:
        return [tuple(row) for row in await self._db.execute_fetchall(_BETWEEN, (first, last))]

    async def insert(
        self, event_rows: list[Row], command_rows: list[Row], if_head: tuple[int, bytes] | None
    ) -> bool:
        if if_head is not None:
            rows = list(await self._db.execute_fetchall(_HEAD))
            if (tuple(rows[0]) if rows else (0, ZERO_HASH)) != if_head:
                return False
        await self._db.executemany(_INSERT_EVENTS, event_rows)
        await self._db.executemany(_INSERT_COMMANDS, command_rows)
        return True


class SqliteWriteConnection:
    """One pooled connection kept by the writer; dropped and replaced after a failure."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._db: aiosqlite.Connection | None = None

    async def _driver(self) -> aiosqlite.Connection:
        if self._db is None:
            conn = await self._engine.connect()
            raw: Any = await conn.get_raw_connection()
            self._conn, self._db = conn, raw.driver_connection
        assert self._db is not None
        return self._db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[WriteTx]:
        db = await self._driver()
        try:
            await db.execute("BEGIN IMMEDIATE")
            yield SqliteTx(db)
            await db.execute("COMMIT")
        except BaseException:
            await self._rollback(db)
            raise

    async def _rollback(self, db: aiosqlite.Connection) -> None:
        try:
            if db.in_transaction:
                await db.execute("ROLLBACK")
        except _ROLLBACK_ERRORS:
            await self._discard()

    async def _discard(self) -> None:
        conn, self._conn, self._db = self._conn, None, None
        if conn is not None:
            with suppress(*DATABASE_ERRORS):
                await conn.invalidate()
                await conn.close()

    async def close(self) -> None:
        conn, self._conn, self._db = self._conn, None, None
        if conn is not None:
            await conn.close()
