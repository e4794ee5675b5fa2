"""``EventStore``: the append-only, hash-chained log behind every stream, on SQLite or PostgreSQL.

Appends go through one group-commit writer task per store (``writer.py``); reads are plain
SQLAlchemy Core queries on the same engine. See DESIGN.md, "Event store".

Just over 300 lines, on purpose: ``EventStore`` is the store's whole public face (append,
read, snapshots, verify, listeners) and each method is a few lines over the modules
beside it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.recorded import EventMeta, RecordedEvent
from service.store import verify as verifying
from service.store.batch import PendingAppend, PendingGroup
from service.store.chain import ZERO_HASH, to_micros
from service.store.engine import WRITE_LOCK, Backend, create_engine, unavailable_on_error
from service.store.errors import StoreUnavailable
from service.store.migrate import advisory_key, notify_channel, read_epoch, upgrade
from service.store.postgres import PostgresWriteConnection
from service.store.rows import log_page, to_recorded_all
from service.store.schema import EVENT_ROW, commands, events, snapshots
from service.store.sqlite import SqliteWriteConnection
from service.store.types import AppendPart, Checkpoint, Head, NewEvent, VerifyReport
from service.store.writer import GroupCommitWriter, Hint, NoWrites, WriteConnection

log = logging.getLogger(__name__)

Listener = Callable[[str, int, int], None]
EventListener = Callable[[list[RecordedEvent]], None]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class EventStore:
    """The event log. Open with ``await EventStore.open(url)``; ``close()`` when done."""

    epoch: str
    """A UUID created once per database; a client that sees it change must resync."""
    backend: Backend
    engine: AsyncEngine
    """Shared with read models; on SQLite, writers there should use ``write_engine``."""
    write_engine: AsyncEngine
    """``engine`` whose SQLite transactions begin with ``BEGIN IMMEDIATE`` (the write lock)."""
    channel: str | None = None
    """PostgreSQL: the ``NOTIFY`` channel each commit announces itself on (no payload)."""
    read_only: bool = False
    """Opened without a writer: appends and snapshots raise ``StoreUnavailable``."""
    schema: str | None = None
    """PostgreSQL: the schema that holds the log (``None``: the connection's default)."""

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        schema: str | None = None,
        clock: Callable[[], datetime] | None = None,
        max_batch: int = 512,
        read_only: bool = False,
    ) -> EventStore:
        """Connect, migrate to the latest schema and start the writer.

        ``read_only``: no writer connection (nor, on SQLite, its checkpoint thread); appends
        and snapshots raise ``StoreUnavailable``. For processes that only read the log.
        Raises ``ValueError`` for an unsupported URL, ``StoreUnavailable`` if the database fails.
        """
        engine, backend = create_engine(url, schema)
        try:
            async with unavailable_on_error("open the database"):
                epoch = await upgrade(engine, backend, schema)
        except BaseException:
            await engine.dispose()
            raise
        connection: WriteConnection
        if read_only:
            connection = NoWrites()
        elif backend == "sqlite":
            connection = SqliteWriteConnection(str(engine.url.database))
        else:
            connection = PostgresWriteConnection(
                engine, advisory_key(schema), notify_channel(schema)
            )
        store = cls(engine, backend, epoch, clock or _utc_now, max_batch, connection)
        store.channel = notify_channel(schema) if backend == "postgresql" else None
        store.read_only = read_only
        store.schema = schema
        return store

    @classmethod
    async def inspect(cls, url: str, *, schema: str | None = None) -> EventStore:
        """Open an existing log strictly read-only, for audits: no migration, no writer, and
        connections that cannot write (SQLite ``mode=ro``, PostgreSQL read-only transactions).

        Raises ``StoreUnavailable`` if the database is missing, unreachable, not a Plenary log
        or not at the latest revision; ``ValueError`` for an unsupported URL.
        """
        engine, backend = create_engine(url, schema, read_only=True)
        try:
            async with unavailable_on_error("open the database read-only"):
                epoch = await read_epoch(engine)
        except BaseException:
            await engine.dispose()
            raise
        store = cls(engine, backend, epoch, _utc_now, 1, NoWrites())
        store.read_only = True
        store.schema = schema
        return store

    def __init__(
        self,
        engine: AsyncEngine,
        backend: Backend,
        epoch: str,
        clock: Callable[[], datetime],
        max_batch: int,
        connection: WriteConnection,
    ) -> None:
        """Internal: use ``await EventStore.open(url)``, which migrates first."""
        self.engine, self.backend, self.epoch, self._clock = engine, backend, epoch, clock
        self.write_engine = engine.execution_options(**{WRITE_LOCK: True})
        self._listeners: list[Listener] = []
        self._event_listeners: list[EventListener] = []
        self._writer = GroupCommitWriter(connection, clock, max_batch, self._notify)
        self._writer.start()
        self._closed = False

    async def close(self) -> None:
        """Commit every append already queued, then release the database. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            await self._writer.close()
        finally:
            await self.engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def batch_sizes(self) -> Counter[int]:
        """Events per committed transaction since open (diagnostics and benchmarks)."""
        return self._writer.batch_sizes

    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: int,
        meta: EventMeta,
    ) -> list[RecordedEvent]:
        """Append ``events`` if the stream is at ``expected_version``; return them once committed.

        A ``meta.command_id`` recorded before returns its original events and appends nothing.
        Raises ``ConcurrencyError`` (stale version), ``StoreUnavailable`` (database, closed store),
        ``StoreError`` (the database refused the rows, e.g. a reused event_id).
        """
        if not events:
            return []
        self._check_writable()
        future: asyncio.Future[list[RecordedEvent]] = asyncio.get_running_loop().create_future()
        self._writer.submit(PendingAppend(stream_id, events, expected_version, meta, future))
        return await future

    async def append_all(self, parts: Sequence[AppendPart]) -> list[list[RecordedEvent]]:
        """Append every part in one transaction, at contiguous positions in part order, or none.

        Each part is checked and recorded as ``append`` would (a later part on the same stream
        counts the earlier parts' events); one stale version fails them all with
        ``ConcurrencyError``. If every part's ``command_id`` was recorded before, returns what
        each recorded; if only some were, raises ``CommandIdReused``. A part without events
        gets ``[]`` and records nothing. Raises ``ValueError`` for two parts with one command id.
        """
        carrying = [i for i, part in enumerate(parts) if part.events]
        if len({parts[i].meta.command_id for i in carrying}) != len(carrying):
            raise ValueError("each part of append_all needs a command_id of its own")
        results: list[list[RecordedEvent]] = [[] for _ in parts]
        if not carrying:
            return results
        self._check_writable()
        group = [parts[i] for i in carrying]
        future: asyncio.Future[list[list[RecordedEvent]]] = (
            asyncio.get_running_loop().create_future()
        )
        size = sum(len(part.events) for part in group)
        self._writer.submit(PendingGroup(group, size, future))
        for i, recorded in zip(carrying, await future, strict=True):
            results[i] = recorded
        return results

    async def read_stream(
        self, stream_id: str, after_version: int = 0, up_to_version: int | None = None
    ) -> list[RecordedEvent]:
        """Events of ``stream_id`` with ``after_version < version <= up_to_version``, in order."""
        query = sa.select(*EVENT_ROW).where(
            events.c.stream_id == stream_id, events.c.version > after_version
        )
        if up_to_version is not None:
            query = query.where(events.c.version <= up_to_version)
        return await self._rows(query.order_by(events.c.version), "read a stream")

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        """Up to ``limit`` events with ``position > after_position``, in position order."""
        async with unavailable_on_error("read the log"), self.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            rows = await log_page(raw.driver_connection, self.backend, after_position, limit)
        return to_recorded_all(rows)

    async def command_events(self, command_id: str) -> list[RecordedEvent]:
        """The events a command appended, or ``[]`` if ``command_id`` was never recorded."""
        span = (
            sa.select(commands.c.first_position, commands.c.last_position)
            .where(commands.c.command_id == command_id)
            .subquery()
        )
        query = sa.select(*EVENT_ROW).join(
            span, events.c.position.between(span.c.first_position, span.c.last_position)
        )
        return await self._rows(query.order_by(events.c.position), "read a command")

    async def head(self) -> Head:
        """The last position and its hash; ``Head(0, 32 zero bytes)`` for an empty log."""
        query = sa.select(events.c.position, events.c.hash)
        query = query.order_by(events.c.position.desc()).limit(1)
        async with unavailable_on_error("read the head"), self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return Head(0, ZERO_HASH) if row is None else Head(int(row[0]), bytes(row[1]))

    async def stream_version(self, stream_id: str) -> int:
        """The stream's current version; 0 for a stream with no events."""
        query = sa.select(sa.func.max(events.c.version)).where(events.c.stream_id == stream_id)
        async with unavailable_on_error("read a stream version"), self.engine.connect() as conn:
            version = await conn.scalar(query)
        return int(version or 0)

    async def stream_version_at(self, stream_id: str, instant: datetime) -> int:
        """The stream's version at ``instant`` (aware): that of its last event recorded at or
        before it; 0 when none was."""
        query = sa.select(sa.func.max(events.c.version)).where(
            events.c.stream_id == stream_id, events.c.recorded_at <= to_micros(instant)
        )
        async with unavailable_on_error("read a stream version"), self.engine.connect() as conn:
            version = await conn.scalar(query)
        return int(version or 0)

    async def save_snapshot(self, stream_id: str, version: int, kind: str, data: bytes) -> None:
        """Store (or replace) a snapshot of ``stream_id`` at ``version``: a cache, never truth.

        Returns once it is committed; raises ``StoreUnavailable`` if it was not.
        """
        self._check_writable()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._writer.submit_snapshot((stream_id, kind, version), data, future)
        await future

    def save_snapshot_soon(self, stream_id: str, version: int, kind: str, data: bytes) -> None:
        """Queue a snapshot without waiting: the writer stores it between appends.

        For the appending path, which must not wait on a cache. A failure is logged; after
        ``close`` the snapshot is dropped.
        """
        if not self._closed and not self.read_only and self._writer.accepting:
            self._writer.submit_snapshot((stream_id, kind, version), data, None)

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreUnavailable("This event store was opened for reading only.")
        if self._closed or not self._writer.accepting:
            raise StoreUnavailable("The event store is closed.")

    async def load_snapshot(
        self, stream_id: str, kind: str, at_most_version: int | None = None
    ) -> tuple[int, bytes] | None:
        """``(version, data)`` of the latest snapshot with ``version <= at_most_version``."""
        query = sa.select(snapshots.c.version, snapshots.c.data).where(
            snapshots.c.stream_id == stream_id, snapshots.c.kind == kind
        )
        if at_most_version is not None:
            query = query.where(snapshots.c.version <= at_most_version)
        query = query.order_by(snapshots.c.version.desc()).limit(1)
        async with unavailable_on_error("load a snapshot"), self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (int(row[0]), bytes(row[1]))

    async def verify(
        self,
        checkpoints: Sequence[Checkpoint] = (),
        progress: Callable[[int, int], None] | None = None,
    ) -> VerifyReport:
        """Check the chain, the commands records and ``checkpoints`` against each other, in one
        snapshot; report what they prove and the first position where they disagree, if any.

        Reads only. ``progress(verified_position, head)`` is called after each chunk.
        """
        async with unavailable_on_error("verify the log"):
            return await verifying.verify(self.engine, self.epoch, checkpoints, progress)

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(stream_id, version, position)`` after each commit; returns unsubscribe.

        Runs in the writer task: keep it short and non-blocking (set an event, queue a wake-up).
        """
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def add_event_listener(self, callback: EventListener) -> Callable[[], None]:
        """Call ``callback(events)`` with the events each commit recorded, in position order.

        In-process only (other processes see a ``NOTIFY`` and re-read). Runs in the writer
        task: keep it short and non-blocking. Returns an unsubscribe function.
        """
        self._event_listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._event_listeners:
                self._event_listeners.remove(callback)

        return unsubscribe

    def _notify(self, hints: list[Hint], committed: list[RecordedEvent]) -> None:
        for event_listener in list(self._event_listeners):
            try:
                event_listener(committed)
            except Exception:
                log.exception("event store listener %r failed", event_listener)
        for listener in list(self._listeners):
            for stream_id, version, position in hints:
                try:
                    listener(stream_id, version, position)
                except Exception:
                    log.exception("event store listener %r failed", listener)

    async def _rows(self, query: sa.Select[tuple[object, ...]], what: str) -> list[RecordedEvent]:
        async with unavailable_on_error(what), self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return to_recorded_all(rows)
