"""Planning one group-commit batch: versions, positions and chain hashes for waiting appends.

Pure given a ``BatchState`` (stream versions, known command ids, head): read under the global
lock, or remembered by the writer and checked against the head before the rows go in. Rows are
plain tuples in ``ROW_COLUMNS`` order: building them is the writer's hot path, so it makes no
per-event object beyond the ``RecordedEvent`` it returns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, cast

from domain.recorded import EventMeta, RecordedEvent
from domain.types import Role
from service.store.chain import ROW_COLUMNS, ZERO_HASH, from_micros, link_hash, to_micros
from service.store.errors import ConcurrencyError
from service.store.types import NewEvent

Row = tuple[Any, ...]
"""An ``events`` row (``ROW_COLUMNS`` order) or a ``commands`` row."""

ROW_SQL = ", ".join(ROW_COLUMNS)
"""The ``events`` column list for SQL, in row order."""


@dataclass(slots=True, eq=False)
class PendingAppend:
    """One caller's append waiting in the writer's queue."""

    stream_id: str
    events: Sequence[NewEvent]
    expected: int
    meta: EventMeta
    future: asyncio.Future[list[RecordedEvent]]


class Stored(NamedTuple):
    """Positions of a command recorded by an earlier transaction (a repeated command_id)."""

    first: int
    last: int


class BatchState(NamedTuple):
    """What a batch reads under the lock: stream versions, known command ids, head."""

    versions: dict[str, int]
    commands: dict[str, Stored]
    head: tuple[int, bytes]


def parse_state(rows: Iterable[Sequence[Any]]) -> BatchState:
    """Split the rows of a backend's one-statement state query: ``(kind, key, a, b, hash)``.

    Kind 0: a stream and its max version (NULL if new); 1: a command and its first and last
    position; 2: the head position and hash (no row for an empty log).
    """
    state = BatchState({}, {}, (0, ZERO_HASH))
    for kind, key, a, b, digest in rows:
        if kind == 0:
            state.versions[key] = a or 0
        elif kind == 1:
            state.commands[key] = Stored(a, b)
        else:
            state = state._replace(head=(a, bytes(digest)))
    return state


Outcome = list[RecordedEvent] | ConcurrencyError | Stored


@dataclass(slots=True)
class Plan:
    """What one batch writes and what each append gets back, in arrival order."""

    outcomes: list[Outcome] = field(default_factory=list)
    event_rows: list[Row] = field(default_factory=list)
    command_rows: list[Row] = field(default_factory=list)
    hints: list[tuple[str, int, int]] = field(default_factory=list)


class KnownState:
    """The log as this writer left it at its last commit: a guess to check, never the truth.

    A batch planned from the guess is inserted only if the database's head, read in the locked
    transaction, still equals ``head``: then no one else has written since, and the remembered
    versions hold. Otherwise the batch is planned again from a fresh read.
    """

    LIMIT = 100_000
    """Streams remembered at most; past it the memory starts afresh."""

    def __init__(self) -> None:
        self.head: tuple[int, bytes] | None = None
        self.versions: dict[str, int] = {}

    def guess(self, batch: Sequence[PendingAppend]) -> BatchState | None:
        """The state the batch would read, if every stream in it is remembered."""
        if self.head is None:
            return None
        versions: dict[str, int] = {}
        for pending in batch:
            version = self.versions.get(pending.stream_id)
            if version is None:
                return None
            versions[pending.stream_id] = version
        return BatchState(versions, {}, self.head)

    def remember(self, state: BatchState, plan: Plan) -> None:
        """After a commit: the versions ``plan_batch`` left in ``state`` and the new head."""
        if len(self.versions) > self.LIMIT:
            self.versions.clear()
        self.versions.update(state.versions)
        last = plan.event_rows[-1] if plan.event_rows else None
        self.head = state.head if last is None else (last[0], last[-1])

    def forget(self) -> None:
        """After a failure, when what was committed is unknown."""
        self.head = None
        self.versions.clear()


def to_recorded(row: Sequence[Any]) -> RecordedEvent:
    """A stored ``events`` row (``ROW_COLUMNS`` order) as a ``RecordedEvent``."""
    meta = EventMeta(
        actor=row[7],
        role=cast(Role, row[8]),
        command_id=row[9],
        correlation_id=row[10],
        causation_id=row[11],
    )
    return RecordedEvent(
        position=row[0],
        stream_id=row[1],
        version=row[2],
        event_id=row[3],
        type=row[4],
        data=bytes(row[5]),
        recorded_at=from_micros(row[6]),
        meta=meta,
        prev_hash=bytes(row[12]),
        hash=bytes(row[13]),
    )


def plan_batch(batch: Sequence[PendingAppend], state: BatchState, now: datetime) -> Plan:
    """Assign versions, positions and hashes in arrival order (``state.versions`` is updated).

    A stale ``expected`` gets a ``ConcurrencyError``; a command id seen before (stored or earlier
    in this batch) gets the events it produced; nothing is written for either. Every event of
    the batch is recorded at ``now``: they commit together.
    """
    plan = Plan()
    micros = to_micros(now)
    at = from_micros(micros)
    versions, commands = state.versions, state.commands
    position, prev = state.head
    in_batch: dict[str, list[RecordedEvent]] = {}
    for pending in batch:
        meta = pending.meta
        command_id = meta.command_id
        stored = commands.get(command_id)
        if stored is not None:
            plan.outcomes.append(stored)
            continue
        earlier = in_batch.get(command_id)
        if earlier is not None:
            plan.outcomes.append(earlier)
            continue
        stream_id = pending.stream_id
        version = versions.get(stream_id, 0)
        if pending.expected != version:
            plan.outcomes.append(
                ConcurrencyError(stream_id=stream_id, expected=pending.expected, actual=version)
            )
            continue
        first = position + 1
        recorded: list[RecordedEvent] = []
        meta_fields = (meta.actor, meta.role, command_id, meta.correlation_id, meta.causation_id)
        for new in pending.events:
            position += 1
            version += 1
            fields: Row = (position, stream_id, version, new.event_id, new.type, new.data, micros)
            fields += meta_fields
            digest = link_hash(prev, fields)
            plan.event_rows.append((*fields, prev, digest))
            recorded.append(
                RecordedEvent(
                    position=position,
                    stream_id=stream_id,
                    version=version,
                    event_id=new.event_id,
                    type=new.type,
                    data=new.data,
                    recorded_at=at,
                    meta=meta,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
        versions[stream_id] = version
        plan.command_rows.append((command_id, stream_id, first, position))
        plan.hints.append((stream_id, version, position))
        in_batch[command_id] = recorded
        plan.outcomes.append(recorded)
    return plan
