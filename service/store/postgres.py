"""The writer's PostgreSQL connection: raw asyncpg under a transaction-scoped advisory lock.

``pg_advisory_xact_lock`` is the first statement of every appending transaction, so appends of
all service processes on one database serialise and positions are assigned as head+1, head+2,
… in commit order (no ``bigserial``, no gaps a tailing reader could skip). The lock is
released only after the commit is visible.

A batch is three round trips: ``BEGIN`` with the lock, one statement that inserts into both
tables (checking the head first when the plan came from the writer's memory), ``COMMIT``; a
fourth reads the state when the writer cannot plan from memory. Parameters travel as one JSON
document each (``bytea`` as base64), unpacked by ``jsonb_array_elements``: asyncpg's array
encoder checks every element against several ABCs, which costs more Python time per batch
than the whole insert takes on the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from service.store.batch import COMMAND_SQL, ROW_SQL, BatchState, Row, parse_state
from service.store.engine import DATABASE_ERRORS
from service.store.writer import SNAPSHOT_UPSERT, SnapshotRow, WriteTx

# One statement (see batch.parse_state). LATERAL ... LIMIT 1 keeps one primary-key probe per
# command id: PostgreSQL may plan a plain "= ANY($2)" as a sequential scan of a young table,
# whose cost per batch grows with the table.
_STATE = (
    "SELECT 0, s.id, (SELECT max(version) FROM events WHERE stream_id = s.id)::bigint,"
    " NULL::bigint, NULL::bytea FROM jsonb_array_elements_text($1::text::jsonb) AS s(id)"
    " UNION ALL SELECT 1, c.command_id, c.first_position, c.last_position, NULL"
    " FROM jsonb_array_elements_text($2::text::jsonb) AS k(id)"
    " CROSS JOIN LATERAL (SELECT * FROM commands WHERE command_id = k.id LIMIT 1) AS c"
    " UNION ALL (SELECT 2, NULL, position, NULL, hash FROM events ORDER BY position DESC LIMIT 1)"
)
_BETWEEN = f"SELECT {ROW_SQL} FROM events WHERE position BETWEEN $1 AND $2 ORDER BY position"


def _unpack(types: str) -> str:
    fields = []
    for i, kind in enumerate(types.split()):
        field = f"r->>{i}"
        if kind == "bytea":
            field = f"decode({field}, 'base64')"
        elif kind != "text":
            field = f"({field})::{kind}"
        fields.append(field)
    return ", ".join(fields)


# Inserts both tables if the head is ($3, $4) (or for $3 IS NULL); returns the events inserted.
_INSERT = (
    "WITH ok AS (SELECT 1 WHERE $3::bigint IS NULL OR"
    " ((SELECT coalesce(max(position), 0) FROM events) = $3::bigint AND ($3::bigint = 0 OR"
    " EXISTS (SELECT 1 FROM events WHERE position = $3::bigint AND hash = $4::bytea)))),"
    f" e AS (INSERT INTO events ({ROW_SQL}) SELECT "
    + _unpack("bigint text int text text bytea bigint text text text text text bytea bytea")
    + " FROM jsonb_array_elements($1::text::jsonb) AS r WHERE EXISTS (SELECT FROM ok)"
    " RETURNING 1),"
    f" c AS (INSERT INTO commands ({COMMAND_SQL}) SELECT "
    + _unpack("text text bigint bigint bytea")
    + " FROM jsonb_array_elements($2::text::jsonb) AS r WHERE EXISTS (SELECT FROM ok))"
    " SELECT count(*) FROM e"
)
_UPSERT_SNAPSHOTS = SNAPSHOT_UPSERT.format("$1, $2, $3, $4, $5")
_json = msgspec.json.Encoder().encode


class PostgresTx:
    """Batch statements on a connection that holds the append lock."""

    def __init__(self, pg: Any) -> None:
        self._pg = pg

    async def state(self, stream_ids: list[str], command_ids: list[str]) -> BatchState:
        ids = _json(stream_ids).decode(), _json(command_ids).decode()
        return parse_state(await self._pg.fetch(_STATE, *ids))

    async def rows_between(self, first: int, last: int) -> list[Row]:
        return [tuple(row) for row in await self._pg.fetch(_BETWEEN, first, last)]

    async def insert(
        self, event_rows: list[Row], command_rows: list[Row], if_head: tuple[int, bytes] | None
    ) -> bool:
        position, digest = if_head if if_head is not None else (None, None)
        events, commands = _json(event_rows).decode(), _json(command_rows).decode()
        inserted = await self._pg.fetchval(_INSERT, events, commands, position, digest)
        return bool(inserted)


class PostgresWriteConnection:
    """One pooled connection kept by the writer; dropped and replaced after a failure."""

    def __init__(self, engine: AsyncEngine, lock_key: tuple[int, int], channel: str) -> None:
        self._engine = engine
        self._begin = "BEGIN; SELECT pg_advisory_xact_lock({}, {})".format(*lock_key)
        # PostgreSQL delivers the notification only if and when the transaction commits; it
        # carries no data: listeners in other service instances re-read the log.
        self._commit = f"SELECT pg_notify('{channel}', ''); COMMIT"
        self._conn: AsyncConnection | None = None
        self._pg: Any = None

    async def _driver(self) -> Any:
        if self._pg is None:
            conn = await self._engine.connect()
            raw: Any = await conn.get_raw_connection()
            self._conn, self._pg = conn, raw.driver_connection
        return self._pg

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[WriteTx]:
        pg = await self._driver()
        try:
            # One round trip: BEGIN and the lock as a simple-query pair (constants only).
            await pg.execute(self._begin)
            yield PostgresTx(pg)
            await pg.execute(self._commit)
        except BaseException:
            await self._rollback(pg)
            raise

    async def insert_if_head(
        self, event_rows: list[Row], command_rows: list[Row], head: tuple[int, bytes]
    ) -> bool:
        """Insert in a transaction of its own, only if ``head`` is still the log's head."""
        async with self.transaction() as tx:
            return await tx.insert(event_rows, command_rows, head)

    async def upsert_snapshots(self, rows: list[SnapshotRow]) -> None:
        """One transaction on the writer's connection, without the append lock."""
        pg = await self._driver()
        try:
            await pg.execute("BEGIN")
            await pg.executemany(_UPSERT_SNAPSHOTS, rows)
            await pg.execute("COMMIT")
        except BaseException:
            await self._rollback(pg)
            raise

    async def _rollback(self, pg: Any) -> None:
        try:
            if pg.is_closed():
                raise ConnectionError("connection closed")
            await pg.execute("ROLLBACK")
        except DATABASE_ERRORS:
            await self._discard()

    async def _discard(self) -> None:
        conn, self._conn, self._pg = self._conn, None, None
        if conn is not None:
            with suppress(*DATABASE_ERRORS):
                await conn.invalidate()
                await conn.close()

    async def close(self) -> None:
        conn, self._conn, self._pg = self._conn, None, None
        if conn is not None:
            await conn.close()
