"""The writer's SQLite connection: its own ``sqlite3`` connection on its own thread.

SQLite's write transaction is the global lock: ``BEGIN IMMEDIATE`` waits (busy timeout) for
any other writer, including another process on the same file, and everything the batch reads
afterwards is the committed truth. Statements go straight to the driver on a dedicated
thread: a batch planned from the writer's memory is one hand-off to that thread (begin, check
the head, insert, commit), not one per statement, each a thread switch and a wait for the GIL.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from typing import TypeVar

import msgspec

from service.store.batch import COMMAND_SQL, ROW_SQL, BatchState, Row, parse_state
from service.store.chain import ZERO_HASH
from service.store.engine import SQLITE_BUSY_TIMEOUT_MS, SQLITE_PRAGMAS
from service.store.writer import SNAPSHOT_UPSERT, SnapshotRow, WriteTx

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
_INSERT_COMMANDS = f"INSERT INTO commands ({COMMAND_SQL}) VALUES (?, ?, ?, ?, ?)"
_UPSERT_SNAPSHOTS = SNAPSHOT_UPSERT.format(", ".join(["?"] * 5))
_json = msgspec.json.Encoder().encode
T = TypeVar("T")
log = logging.getLogger(__name__)


class SqliteTx:
    """Batch statements inside ``BEGIN IMMEDIATE``, each run on the writer's thread."""

    def __init__(self, conn: SqliteWriteConnection) -> None:
        self._conn = conn

    async def state(self, stream_ids: list[str], command_ids: list[str]) -> BatchState:
        ids = (_json(stream_ids), _json(command_ids))
        return parse_state(await self._conn.call(lambda db: db.execute(_STATE, ids).fetchall()))

    async def rows_between(self, first: int, last: int) -> list[Row]:
        rows = await self._conn.call(lambda db: db.execute(_BETWEEN, (first, last)).fetchall())
        return [tuple(row) for row in rows]

    async def insert(
        self, event_rows: list[Row], command_rows: list[Row], if_head: tuple[int, bytes] | None
    ) -> bool:
        return await self._conn.call(lambda db: _insert(db, event_rows, command_rows, if_head))


def _insert(
    db: sqlite3.Connection,
    event_rows: list[Row],
    command_rows: list[Row],
    if_head: tuple[int, bytes] | None,
) -> bool:
    if if_head is not None:
        row = db.execute(_HEAD).fetchone()
        if (tuple(row) if row else (0, ZERO_HASH)) != if_head:
            return False
    db.executemany(_INSERT_EVENTS, event_rows)
    db.executemany(_INSERT_COMMANDS, command_rows)
    return True


def _upsert(db: sqlite3.Connection, rows: list[SnapshotRow]) -> bool:
    db.executemany(_UPSERT_SNAPSHOTS, rows)
    return True


class SqliteWriteConnection:
    """The writer's own connection, opened and used on one thread; replaced after a failure.

    A second thread copies the WAL back into the database (``wal_checkpoint(PASSIVE)``,
    which never blocks the writer) every ``CHECKPOINT_SECONDS``, so commits seldom pay for
    the checkpoint themselves: ``wal_autocheckpoint`` stays as the bound on the WAL's size.
    """

    CHECKPOINT_SECONDS = 0.25

    def __init__(self, path: str) -> None:
        self._path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plenary-writer")
        self._db: sqlite3.Connection | None = None
        self._stop = threading.Event()
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, name="plenary-wal-checkpoint", daemon=True
        )
        self._checkpointer.start()

    def _checkpoint_loop(self) -> None:
        db: sqlite3.Connection | None = None
        try:
            while not self._stop.wait(self.CHECKPOINT_SECONDS):
                try:
                    if db is None:
                        db = sqlite3.connect(self._path, isolation_level=None)
                        db.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    log.warning("WAL checkpoint failed; retrying", exc_info=True)
                    if db is not None:
                        db.close()
                    db = None
        finally:
            if db is not None:
                db.close()

    async def call(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` with the connection on the writer's thread."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._run, work)

    def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self._db is None:
            db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            for pragma in SQLITE_PRAGMAS:
                db.execute(pragma)
            self._db = db
        return work(self._db)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[WriteTx]:
        await self.call(lambda db: db.execute("BEGIN IMMEDIATE"))
        try:
            yield SqliteTx(self)
            await self.call(lambda db: db.execute("COMMIT"))
        except BaseException:
            await self.call(self._rollback)
            raise

    async def insert_if_head(
        self, event_rows: list[Row], command_rows: list[Row], head: tuple[int, bytes]
    ) -> bool:
        """One transaction in one hand-off: insert only if ``head`` is still the log's head."""
        return await self.call(
            lambda db: self._in_transaction(db, lambda: _insert(db, event_rows, command_rows, head))
        )

    async def upsert_snapshots(self, rows: list[SnapshotRow]) -> None:
        """One transaction in one hand-off, on the writer's thread."""
        await self.call(lambda db: self._in_transaction(db, lambda: _upsert(db, rows)))

    def _in_transaction(self, db: sqlite3.Connection, work: Callable[[], bool]) -> bool:
        """``work`` inside ``BEGIN IMMEDIATE``: commit if it returns True, else roll back."""
        db.execute("BEGIN IMMEDIATE")
        try:
            done = work()
            db.execute("COMMIT" if done else "ROLLBACK")
        except BaseException:
            self._rollback(db)
            raise
        return done

    def _rollback(self, db: sqlite3.Connection) -> None:
        try:
            if db.in_transaction:
                db.execute("ROLLBACK")
        except sqlite3.Error:
            self._discard()

    def _discard(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            with suppress(sqlite3.Error):
                db.close()

    async def close(self) -> None:
        self._stop.set()
        await asyncio.to_thread(self._checkpointer.join)
        with suppress(RuntimeError):  # the thread pool is already shut down
            await asyncio.wrap_future(self._thread.submit(self._discard))
        self._thread.shutdown(wait=True)
