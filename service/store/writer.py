"""Group commit: one writer task per store turns all waiting appends into one transaction.
Longer than most modules, on purpose: the batch loop, its two planning paths and the
snapshots it writes between batches share one lock and one state, read together.

Per batch: take the global write lock, read the stream versions, known command ids and head
(one statement), plan in arrival order, insert all rows (one statement per table on SQLite,
one for both on PostgreSQL), commit, and only then resolve the callers' futures and wake the
listeners. A handful of statements per batch, whatever its size.

When every stream of a batch was last written by this writer, the batch is planned from what
the writer remembers (``KnownState``) and inserted, in a transaction of its own, only if the
head in the database, read inside the locked transaction, is still the one it left; otherwise
it is planned again from a fresh read in a second transaction. Nothing cached is trusted
unchecked, and the common case saves the read (about a fifth of a batch's time on
PostgreSQL; on SQLite the whole transaction is one hand-off to the writer's thread). A
repeated command id is recognised only by the fresh
read: the optimistic insert fails on ``commands``' primary key and the batch is retried.

Snapshots go through the same writer, in transactions of their own between batches: the
appending path never waits for one, and on SQLite no other connection competes for the write
lock (a pooled connection would hold it across any event-loop stall, and every append with it).

Longer than most modules, on purpose: the batch loop, its optimistic and fresh paths and
the one-by-one fallback all hold the same futures and must resolve each exactly once;
read together, that is checkable.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import NamedTuple, Protocol, cast

from domain.recorded import RecordedEvent
from service.store.batch import (
    BatchState,
    GroupRecorded,
    KnownState,
    Outcome,
    Pending,
    PendingAppend,
    Plan,
    Recorded,
    Row,
    Stored,
    command_ids_of,
    plan_batch,
    size_of,
    streams_of,
    to_recorded,
)
from service.store.chain import to_micros
from service.store.engine import DATABASE_ERRORS, INTEGRITY_ERRORS
from service.store.errors import StoreError, StoreUnavailable

log = logging.getLogger(__name__)

Hint = tuple[str, int, int]
"""``(stream_id, version, position)`` of the last event of one committed append."""

Result = list[RecordedEvent] | list[list[RecordedEvent]] | BaseException
"""What a pending append's future gets: its events, a group's events per part, or an error."""


class Written(NamedTuple):
    """What a batch's transaction did: per pending append its result, the hints and events
    to announce after the commit."""

    results: list[Result]
    hints: list[Hint]
    committed: list[RecordedEvent]


SnapshotRow = tuple[str, str, int, bytes, int]
"""A ``snapshots`` row: ``(stream_id, kind, version, data, recorded_at)`` (microseconds)."""

SnapshotKey = tuple[str, str, int]

SNAPSHOT_COLUMNS = "stream_id, kind, version, data, recorded_at"
SNAPSHOT_UPSERT = (
    f"INSERT INTO snapshots ({SNAPSHOT_COLUMNS}) VALUES ({{}})"
    " ON CONFLICT (stream_id, kind, version)"
    " DO UPDATE SET data = excluded.data, recorded_at = excluded.recorded_at"
)
"""The upsert of one snapshot row; ``format`` it with the backend's five placeholders."""

SNAPSHOT_DELAY = 1.0
"""Seconds a snapshot may wait while appends keep the writer busy; then it goes first."""


class WriteTx(Protocol):
    """One appending transaction that already holds the global write lock."""

    async def state(self, stream_ids: list[str], command_ids: list[str]) -> BatchState:
        """Current versions of ``stream_ids``, which ``command_ids`` are stored, the head."""
        ...

    async def rows_between(self, first: int, last: int) -> list[Row]:
        """The stored ``events`` rows with ``first <= position <= last``."""
        ...

    async def insert(
        self, event_rows: list[Row], command_rows: list[Row], if_head: tuple[int, bytes] | None
    ) -> bool:
        """Insert the rows (all or none); with ``if_head``, only if that is the current head."""
        ...


class WriteConnection(Protocol):
    """The writer's own connection; ``transaction`` commits on exit and rolls back on error."""

    def transaction(self) -> AbstractAsyncContextManager[WriteTx]:
        """Begin, take the global write lock; commit on exit, roll back on an exception."""
        ...

    async def insert_if_head(
        self, event_rows: list[Row], command_rows: list[Row], head: tuple[int, bytes]
    ) -> bool:
        """A whole transaction: insert the rows only if ``head`` is still the log's head."""
        ...

    async def upsert_snapshots(self, rows: list[SnapshotRow]) -> None:
        """Store the snapshot rows in one transaction, replacing any with the same key."""
        ...

    async def close(self) -> None:
        """Give the connection back."""
        ...


class NoWrites:
    """The connection of a store opened read-only: every write is refused, nothing is held."""

    def transaction(self) -> AbstractAsyncContextManager[WriteTx]:
        raise StoreUnavailable("This event store was opened for reading only.")

    async def insert_if_head(
        self, event_rows: list[Row], command_rows: list[Row], head: tuple[int, bytes]
    ) -> bool:
        raise StoreUnavailable("This event store was opened for reading only.")

    async def upsert_snapshots(self, rows: list[SnapshotRow]) -> None:
        raise StoreUnavailable("This event store was opened for reading only.")

    async def close(self) -> None:
        return None


class GroupCommitWriter:
    """Drains a queue of appends, at most ``max_batch`` events per transaction."""

    def __init__(
        self,
        connection: WriteConnection,
        clock: Callable[[], datetime],
        max_batch: int,
        notify: Callable[[list[Hint], list[RecordedEvent]], None],
    ) -> None:
        self._connection = connection
        self._clock = clock
        self._max_batch = max_batch
        self._notify = notify
        self._known = KnownState()
        self._queue: deque[Pending] = deque()
        self._snapshots: dict[SnapshotKey, tuple[bytes, list[asyncio.Future[None]]]] = {}
        self._snapshots_since = 0.0
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self.batch_sizes: Counter[int] = Counter()
        """Events per committed transaction, for benchmarks and diagnostics."""

    def start(self) -> None:
        """Start the writer task on the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="store-writer")

    @property
    def accepting(self) -> bool:
        """False once closing, or if the task has ended."""
        return not self._closing and self._task is not None and not self._task.done()

    def submit(self, pending: Pending) -> None:
        """Queue an append or a group; its future resolves after its batch commits (or fails)."""
        self._queue.append(pending)
        self._wake.set()

    def submit_snapshot(
        self, key: SnapshotKey, data: bytes, future: asyncio.Future[None] | None
    ) -> None:
        """Queue a snapshot for a transaction between batches; ``future`` resolves after it.

        A failed save is logged and set on the waiting futures: snapshots are a cache.
        """
        if not self._snapshots:
            self._snapshots_since = asyncio.get_running_loop().time()
        _, futures = self._snapshots.pop(key, (b"", []))
        self._snapshots[key] = (data, futures if future is None else [*futures, future])
        self._wake.set()

    async def close(self) -> None:
        """Stop accepting appends, commit every one already queued, release the connection."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
        await self._connection.close()

    async def _run(self) -> None:
        while self._queue or self._snapshots or not self._closing:
            if self._queue and not self._snapshots_overdue():
                batch = self._take()
                if batch:
                    await self._commit(batch)
            elif self._snapshots:
                await self._save_snapshots()
            else:
                self._wake.clear()
                await self._wake.wait()

    def _snapshots_overdue(self) -> bool:
        if not self._snapshots:
            return False
        return asyncio.get_running_loop().time() - self._snapshots_since > SNAPSHOT_DELAY

    async def _save_snapshots(self) -> None:
        pending, self._snapshots = self._snapshots, {}
        recorded_at = to_micros(self._clock())
        rows = [(*key, data, recorded_at) for key, (data, _) in pending.items()]
        try:
            await self._connection.upsert_snapshots(rows)
        except Exception as exc:  # a cache: the streams fold from the log without it
            log.warning("%d snapshot(s) not saved: %r", len(rows), exc)
            outcome: BaseException | None = StoreUnavailable("The snapshot was not saved.")
        else:
            outcome = None
        for _, futures in pending.values():
            for future in futures:
                if future.done():
                    continue
                if outcome is None:
                    future.set_result(None)
                else:
                    future.set_exception(outcome)

    def _take(self) -> list[Pending]:
        batch: list[Pending] = []
        size = 0
        queue = self._queue
        while queue and (not batch or size + size_of(queue[0]) <= self._max_batch):
            pending = queue.popleft()
            if not pending.future.done():  # a caller cancelled before the batch began
                batch.append(pending)
                size += size_of(pending)
        return batch

    async def _commit(self, batch: list[Pending]) -> None:
        try:
            try:
                written = await self._write(batch)
            except INTEGRITY_ERRORS:
                # Mostly a command sent again, which only a fresh read recognises (the failure
                # made the writer forget, so the retry reads); failing that, one append's rows
                # were refused (a reused event_id): find it by writing the appends alone.
                try:
                    written = await self._write(batch)
                except INTEGRITY_ERRORS:
                    written = await self._write_one_by_one(batch)
        except DATABASE_ERRORS as exc:
            log.warning("an append batch was not confirmed: %r", exc)
            self._fail(batch, "The append was not confirmed; nothing was recorded.", exc)
            return
        except Exception as exc:  # a bug must not kill the writer and strand every caller
            log.exception("event store writer failed a batch")
            self._fail(batch, "The append failed; nothing was recorded.", exc)
            return
        for pending, result in zip(batch, written.results, strict=True):
            if pending.future.done():
                continue
            if isinstance(result, BaseException):
                pending.future.set_exception(result)
            elif isinstance(pending, PendingAppend):
                pending.future.set_result(cast(list[RecordedEvent], result))
            else:
                pending.future.set_result(cast(list[list[RecordedEvent]], result))
        if written.hints:
            self._notify(written.hints, written.committed)

    async def _write(self, batch: list[Pending]) -> Written:
        now = self._clock()
        guessed = self._guessed_plan(batch, now)
        try:
            if guessed is not None and await self._connection.insert_if_head(
                guessed[1].event_rows, guessed[1].command_rows, guessed[0].head
            ):
                state, plan = guessed
                results = [self._fresh(outcome) for outcome in plan.outcomes]
            else:
                async with self._connection.transaction() as tx:
                    stream_ids = list({s: None for p in batch for s in streams_of(p)})
                    command_ids = list({c: None for p in batch for c in command_ids_of(p)})
                    state = await tx.state(stream_ids, command_ids)
                    plan = plan_batch(batch, state, now)
                    if plan.event_rows:
                        await tx.insert(plan.event_rows, plan.command_rows, None)
                    results = [await self._resolve(tx, outcome) for outcome in plan.outcomes]
        except BaseException:
            self._known.forget()
            raise
        self._known.remember(state, plan)
        self.batch_sizes[len(plan.event_rows)] += 1
        return Written(results, plan.hints, plan.committed)

    @staticmethod
    def _fresh(outcome: Outcome) -> Result:
        """An outcome of a plan from memory: it knows no stored command, so none is ``Stored``."""
        if isinstance(outcome, GroupRecorded):
            return [GroupCommitWriter._fresh_part(part) for part in outcome.parts]
        return (
            outcome
            if isinstance(outcome, BaseException)
            else GroupCommitWriter._fresh_part(outcome)
        )

    @staticmethod
    def _fresh_part(recorded: Recorded) -> list[RecordedEvent]:
        assert not isinstance(recorded, Stored)
        return recorded

    def _guessed_plan(self, batch: list[Pending], now: datetime) -> tuple[BatchState, Plan] | None:
        """A plan from what the writer remembers, if it has rows whose insert checks the guess."""
        state = self._known.guess(batch)
        if state is None:
            return None
        plan = plan_batch(batch, state, now)
        return (state, plan) if plan.event_rows else None

    async def _write_one_by_one(self, batch: list[Pending]) -> Written:
        results: list[Result] = []
        hints: list[Hint] = []
        committed: list[RecordedEvent] = []
        for pending in batch:
            try:
                try:
                    written = await self._write([pending])
                except INTEGRITY_ERRORS:
                    # Once more, on a fresh read: a race with a writer that skipped the lock
                    # becomes a conflict or a repeated command; a reused event_id fails again.
                    written = await self._write([pending])
            except INTEGRITY_ERRORS as exc:
                log.warning("the database refused an append: %r", exc)
                refused = StoreError("The database refused the append; nothing was recorded.")
                written = Written([refused], [], [])
            except DATABASE_ERRORS as exc:
                log.warning("an append was not confirmed: %r", exc)
                unconfirmed = StoreUnavailable(
                    "The append was not confirmed; nothing was recorded."
                )
                written = Written([unconfirmed], [], [])
            results += written.results
            hints += written.hints
            committed += written.committed
        return Written(results, hints, committed)

    @staticmethod
    async def _resolve(tx: WriteTx, outcome: Outcome) -> Result:
        if isinstance(outcome, BaseException):
            return outcome
        if isinstance(outcome, GroupRecorded):
            return [await GroupCommitWriter._read(tx, part) for part in outcome.parts]
        return await GroupCommitWriter._read(tx, outcome)

    @staticmethod
    async def _read(tx: WriteTx, recorded: Recorded) -> list[RecordedEvent]:
        if isinstance(recorded, Stored):
            return [
                to_recorded(row) for row in await tx.rows_between(recorded.first, recorded.last)
            ]
        return recorded

    @staticmethod
    def _fail(batch: list[Pending], message: str, cause: BaseException) -> None:
        for pending in batch:
            if not pending.future.done():
                error = StoreUnavailable(message)
                error.__cause__ = cause
                pending.future.set_exception(error)
