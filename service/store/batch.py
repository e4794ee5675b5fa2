"""Planning one group-commit batch: versions, positions and chain hashes for waiting appends.

Pure given a ``BatchState`` (stream versions, known command ids, head): read under the global
lock, or remembered by the writer and checked against the head before the rows go in. Rows are
plain tuples in ``ROW_COLUMNS`` order: building them is the writer's hot path, so it makes no
per-event object beyond the ``RecordedEvent`` it returns.

Just over 300 lines, on purpose: the plan and the row layout it writes are one contract
with ``writer.py``; the pure planner is kept apart from any I/O.
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
from service.store.errors import CommandIdReused, ConcurrencyError
from service.store.types import AppendPart, NewEvent

Row = tuple[Any, ...]
"""An ``events`` row (``ROW_COLUMNS`` order) or a ``commands`` row (``COMMAND_COLUMNS``)."""

ROW_SQL = ", ".join(ROW_COLUMNS)
"""The ``events`` column list for SQL, in row order."""
COMMAND_SQL = "command_id, stream_id, first_position, last_position, hashes"
"""The ``commands`` column list for SQL, in the order of a planned command row."""


@dataclass(slots=True, eq=False)
class PendingAppend:
    """One caller's append waiting in the writer's queue."""

    stream_id: str
    events: Sequence[NewEvent]
    expected: int
    meta: EventMeta
    future: asyncio.Future[list[RecordedEvent]]


@dataclass(slots=True, eq=False)
class PendingGroup:
    """One caller's ``append_all``: parts that commit together, in order, or not at all."""

    parts: Sequence[AppendPart]
    """Each with events and a command id of its own (``append_all`` checks both)."""
    size: int
    """Events in all parts."""
    future: asyncio.Future[list[list[RecordedEvent]]]


Pending = PendingAppend | PendingGroup


def size_of(pending: Pending) -> int:
    """Events ``pending`` appends."""
    return len(pending.events) if isinstance(pending, PendingAppend) else pending.size


def streams_of(pending: Pending) -> list[str]:
    """The streams ``pending`` appends to."""
    if isinstance(pending, PendingAppend):
        return [pending.stream_id]
    return [part.stream_id for part in pending.parts]


def command_ids_of(pending: Pending) -> list[str]:
    """The command ids ``pending`` records."""
    if isinstance(pending, PendingAppend):
        return [pending.meta.command_id]
    return [part.meta.command_id for part in pending.parts]


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


Recorded = list[RecordedEvent] | Stored
"""What one append recorded: its events, or where an earlier transaction stored them."""


class GroupRecorded(NamedTuple):
    """What a group recorded: one ``Recorded`` per part, in part order."""

    parts: list[Recorded]


Outcome = Recorded | GroupRecorded | ConcurrencyError | CommandIdReused
"""What planning gave one pending append or group; errors mean nothing of it is written."""


@dataclass(slots=True)
class Plan:
    """What one batch writes and what each append gets back, in arrival order."""

    outcomes: list[Outcome] = field(default_factory=list)
    event_rows: list[Row] = field(default_factory=list)
    command_rows: list[Row] = field(default_factory=list)
    hints: list[tuple[str, int, int]] = field(default_factory=list)
    committed: list[RecordedEvent] = field(default_factory=list)
    """Every event this plan writes, in position order (what listeners get after commit)."""


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

    def guess(self, batch: Sequence[Pending]) -> BatchState | None:
        """The state the batch would read, if every stream in it is remembered."""
        if self.head is None:
            return None
        versions: dict[str, int] = {}
        for pending in batch:
            for stream_id in streams_of(pending):
                version = self.versions.get(stream_id)
                if version is None:
                    return None
                versions[stream_id] = version
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


def plan_batch(batch: Sequence[Pending], state: BatchState, now: datetime) -> Plan:
    """Assign versions, positions and hashes in arrival order (``state.versions`` is updated).

    A stale ``expected`` gets a ``ConcurrencyError``; a command id seen before (stored or earlier
    in this batch) gets the events it produced; nothing is written for either. A group is
    planned whole or not at all (see ``_Planner.group``). Every event of the batch is recorded
    at ``now``: they commit together.
    """
    planner = _Planner(state, now)
    outcomes = planner.plan.outcomes
    for pending in batch:
        if isinstance(pending, PendingAppend):
            outcomes.append(planner.single(pending))
        else:
            outcomes.append(planner.group(pending.parts))
    return planner.plan


class _Planner:
    """``plan_batch``'s cursor: the head so far, the versions, the commands seen."""

    __slots__ = ("at", "commands", "in_batch", "micros", "plan", "position", "prev", "versions")

    def __init__(self, state: BatchState, now: datetime) -> None:
        self.plan = Plan()
        self.micros = to_micros(now)
        self.at = from_micros(self.micros)
        self.versions, self.commands = state.versions, state.commands
        self.position, self.prev = state.head
        self.in_batch: dict[str, list[RecordedEvent]] = {}

    def single(self, pending: PendingAppend) -> Outcome:
        command_id = pending.meta.command_id
        known = self.commands.get(command_id) or self.in_batch.get(command_id)
        if known:
            return known
        stream_id = pending.stream_id
        version = self.versions.get(stream_id, 0)
        if pending.expected != version:
            return ConcurrencyError(stream_id=stream_id, expected=pending.expected, actual=version)
        recorded = self._rows(stream_id, pending.events, version, pending.meta)
        self.in_batch[command_id] = recorded
        return recorded

    def group(self, parts: Sequence[AppendPart]) -> Outcome:
        """All parts, contiguous and in order, or none: a stale part fails the whole group.

        A group whose every command id is recorded gets what each recorded; one only some of
        whose command ids are recorded is refused (``CommandIdReused``).
        """
        known = [self._recorded(part.meta.command_id) for part in parts]
        recorded_before = [outcome for outcome in known if outcome is not None]
        if len(recorded_before) == len(parts):
            return GroupRecorded(recorded_before)
        if recorded_before:
            return CommandIdReused(
                "Some of these appends' command ids were recorded before, not all of them: "
                "nothing was appended."
            )
        plan, versions = self.plan, self.versions
        undo = (self.position, self.prev, len(plan.event_rows), len(plan.committed))
        before = {part.stream_id: versions.get(part.stream_id) for part in parts}
        fresh: list[list[RecordedEvent]] = []
        for part in parts:
            version = versions.get(part.stream_id, 0)
            if part.expected_version != version:
                self.position, self.prev, rows, committed = undo
                del plan.event_rows[rows:], plan.committed[committed:]
                del plan.command_rows[len(plan.command_rows) - len(fresh) :]
                del plan.hints[len(plan.hints) - len(fresh) :]
                for stream_id, old in before.items():
                    if old is None:
                        versions.pop(stream_id, None)
                    else:
                        versions[stream_id] = old
                return ConcurrencyError(
                    stream_id=part.stream_id, expected=part.expected_version, actual=version
                )
            fresh.append(self._rows(part.stream_id, part.events, version, part.meta))
        for part, recorded in zip(parts, fresh, strict=True):
            self.in_batch[part.meta.command_id] = recorded
        return GroupRecorded([*fresh])

    def _recorded(self, command_id: str) -> Recorded | None:
        stored = self.commands.get(command_id)
        return stored if stored is not None else self.in_batch.get(command_id)

    def _rows(
        self, stream_id: str, events: Sequence[NewEvent], version: int, meta: EventMeta
    ) -> list[RecordedEvent]:
        """Plan one append's rows at the head; the stream is at ``version``."""
        plan, micros, at = self.plan, self.micros, self.at
        position, prev = self.position, self.prev
        first = position + 1
        recorded: list[RecordedEvent] = []
        command_id = meta.command_id
        meta_fields = (meta.actor, meta.role, command_id, meta.correlation_id, meta.causation_id)
        for new in events:
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
        self.position, self.prev = position, prev
        self.versions[stream_id] = version
        hashes = b"".join([event.hash for event in recorded])
        plan.command_rows.append((command_id, stream_id, first, position, hashes))
        plan.hints.append((stream_id, version, position))
        plan.committed += recorded
        return recorded
