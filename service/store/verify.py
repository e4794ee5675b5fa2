"""Walk the log and report the first position at which its records disagree, if any.

Three records are checked against each other, in one read-only snapshot of the database:

- the chain: positions contiguous from 1, each ``prev_hash`` the previous row's hash, each hash
  ``sha256(prev_hash || canonical row)``, each stream's versions contiguous from 1;
- the ``commands`` table, written in the same transaction as the events: each event's command
  has a row of the same stream whose span holds the event's position and whose recorded hashes
  (where recorded) hold the event's hash; and each row's span holds its own events and no
  other, all present. So every position is covered by exactly one row;
- signed checkpoints: each signed position carries the signed hash.

Events are read in position order in chunks, joined to their command's row by its key;
``commands`` rows are then checked span by span. Memory is bounded by the chunk, the number of
streams and the checkpoints, not by the log.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from service.store.chain import ZERO_HASH, link_hash
from service.store.schema import EVENT_ROW, commands, events
from service.store.types import Checkpoint, VerifyReport

CHUNK = 2000
HASH_SIZE = 32

_RECORD = (
    commands.c.command_id.label("recorded_command"),
    commands.c.stream_id.label("recorded_stream"),
    commands.c.first_position,
    commands.c.last_position,
    commands.c.hashes,
)
_JOINED = events.outerjoin(commands, commands.c.command_id == events.c.command_id)


class _Broken(Exception):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason


class _Walk:
    """What is carried from one event to the next: the chain, the versions, the checkpoints."""

    def __init__(self, checkpoints: Sequence[Checkpoint]) -> None:
        self.next_position = 1
        self.prev_hash = ZERO_HASH
        self.versions: dict[str, int] = {}
        self.signed: dict[int, set[bytes]] = {}
        for checkpoint in checkpoints:
            self.signed.setdefault(checkpoint.position, set()).add(bytes(checkpoint.hash))
        self.matched: list[int] = []
        """Signed positions whose row carries the signed hash, in order."""
        self.unrecorded = 0
        """Events whose commands row holds no hashes (written before they were recorded)."""

    def check(self, row: Sequence[Any]) -> None:
        """One event row joined to its command's record; raises ``_Broken`` at the first flaw."""
        self._chain(row)
        self._command(row)
        position, digest = row[0], bytes(row[13])
        signed = self.signed.get(position)
        if signed is not None:
            if signed != {digest}:
                raise _Broken(position, "hash differs from the signed checkpoint's")
            self.matched.append(position)
        self.versions[row[1]] = row[2]
        self.prev_hash = digest
        self.next_position = position + 1

    def _chain(self, row: Sequence[Any]) -> None:
        position, stream_id, version = row[0], row[1], row[2]
        if position != self.next_position:
            if position > self.next_position:
                raise _Broken(self.next_position, f"position gap: {self.next_position} missing")
            raise _Broken(position, f"unexpected position {position}")
        if bytes(row[12]) != self.prev_hash:
            raise _Broken(position, "prev_hash mismatch")
        if link_hash(self.prev_hash, tuple(row[:12])) != bytes(row[13]):
            raise _Broken(position, "hash mismatch")
        expected_version = self.versions.get(stream_id, 0) + 1
        if version != expected_version:
            raise _Broken(
                position,
                f"stream version gap: {stream_id} expected {expected_version}, found {version}",
            )

    def _command(self, row: Sequence[Any]) -> None:
        position, stream_id, command_id, digest = row[0], row[1], row[9], bytes(row[13])
        recorded, recorded_stream, first, last, hashes = row[14:19]
        if recorded is None:
            raise _Broken(position, f"no commands row records command {command_id!r}")
        if recorded_stream != stream_id:
            raise _Broken(
                position, f"the commands row of {command_id!r} names stream {recorded_stream!r}"
            )
        if not first <= position <= last:
            raise _Broken(
                position, f"the commands row of {command_id!r} spans positions {first}..{last}"
            )
        if hashes is None:
            self.unrecorded += 1
            return
        offset = (position - first) * HASH_SIZE
        if bytes(hashes[offset : offset + HASH_SIZE]) != digest:
            raise _Broken(position, f"hash differs from the one command {command_id!r} recorded")

    def check_end(self) -> None:
        beyond = [position for position in self.signed if position >= self.next_position]
        if beyond:
            raise _Broken(
                self.next_position,
                f"the log ends at {self.next_position - 1}, before the signed checkpoint at "
                f"{min(beyond)}",
            )


async def verify(
    engine: AsyncEngine,
    epoch: str,
    checkpoints: Sequence[Checkpoint] = (),
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Verify the log of ``epoch`` as one snapshot of the database; see the module docstring."""
    async with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            last = sa.select(events.c.position, events.c.hash).order_by(events.c.position.desc())
            top = (await conn.execute(last.limit(1))).first()
            head, head_hash = (0, ZERO_HASH) if top is None else (int(top[0]), bytes(top[1]))
            walk = _Walk(checkpoints)
            broken = await _walk_events(conn, walk, head, progress)
            spans = await _check_spans(conn, None if broken is None else broken.position)
            if spans is not None:
                broken = spans
    first_bad = None if broken is None else broken.position
    proved = head if first_bad is None else min(max(first_bad - 1, 0), head)
    matched = walk.matched[: bisect.bisect_right(walk.matched, proved)]
    return VerifyReport(
        ok=broken is None,
        epoch=epoch,
        head=head,
        head_hash=head_hash,
        verified_up_to=proved,
        first_bad_position=first_bad,
        reason=None if broken is None else broken.reason,
        checkpoints_signed=len(walk.signed),
        checkpoints_matched=len(matched),
        latest_checkpoint=matched[-1] if matched else 0,
        unrecorded=walk.unrecorded,
    )


async def _walk_events(
    conn: AsyncConnection, walk: _Walk, head: int, progress: Callable[[int, int], None] | None
) -> _Broken | None:
    """Check every event up to ``head`` in position order; the first flaw, if any."""
    after: int | None = None  # the first chunk has no lower bound: it also finds positions < 1
    try:
        while True:
            query = sa.select(*EVENT_ROW, *_RECORD).select_from(_JOINED)
            query = query.where(events.c.position <= head)
            if after is not None:
                query = query.where(events.c.position > after)
            rows = (await conn.execute(query.order_by(events.c.position).limit(CHUNK))).all()
            if not rows:
                break
            for row in rows:
                walk.check(row)
            after = int(rows[-1][0])
            if progress is not None:
                progress(after, head)
        walk.check_end()
    except _Broken as broken:
        return broken
    return None


async def _check_spans(conn: AsyncConnection, bound: int | None) -> _Broken | None:
    """The first position (below ``bound``, if given) where a ``commands`` row's span does
    not hold exactly its own events, all present, with as many recorded hashes as positions."""
    span = commands.c.last_position - commands.c.first_position + 1
    # Only the range in WHERE: a planner offered the stream's equality too (SQLite does) walks
    # the stream's index for every row instead of the span's few positions.
    mine = sa.and_(
        events.c.command_id == commands.c.command_id, events.c.stream_id == commands.c.stream_id
    )
    own = (
        sa.select(sa.func.coalesce(sa.func.sum(sa.case((mine, 1), else_=0)), 0))
        .where(events.c.position.between(commands.c.first_position, commands.c.last_position))
        .scalar_subquery()
    )
    flawed = sa.or_(
        span < 1,
        own != span,
        sa.and_(commands.c.hashes.is_not(None), sa.func.length(commands.c.hashes) != span * 32),
    )
    query = sa.select(commands.c.command_id, commands.c.stream_id, *_RECORD[2:4]).where(flawed)
    if bound is not None:
        query = query.where(commands.c.first_position < bound)
    order = (commands.c.first_position, commands.c.command_id)
    found: _Broken | None = None
    after: tuple[int, str] | None = None
    while True:
        chunk = query if after is None else query.where(sa.tuple_(*order) > after)
        rows = (await conn.execute(chunk.order_by(*order).limit(CHUNK))).all()
        for command_id, stream_id, first, last in rows:
            if found is not None and first >= found.position:
                rows = []  # a span's first flaw is at or after its start: none comes sooner
                break
            flaw = await _first_flaw(conn, command_id, stream_id, first, last)
            if found is None or flaw.position < found.position:
                found = flaw
        if len(rows) < CHUNK:
            break
        after = (int(rows[-1][2]), str(rows[-1][0]))
    if found is None or (bound is not None and found.position >= bound):
        return None
    return found


async def _first_flaw(
    conn: AsyncConnection, command_id: str, stream_id: str, first: int, last: int
) -> _Broken:
    """Where the span ``first..last`` that ``command_id`` records stops holding its events."""
    if last < first:
        return _Broken(first, f"the commands row of {command_id!r} spans no position")
    expected = first
    while expected <= last:
        query = (
            sa.select(events.c.position, events.c.command_id, events.c.stream_id)
            .where(events.c.position.between(expected, last))
            .order_by(events.c.position)
            .limit(CHUNK)
        )
        rows = (await conn.execute(query)).all()
        for position, owner, stream in rows:
            if position != expected:
                break
            if (owner, stream) != (command_id, stream_id):
                return _Broken(position, f"the commands row of {command_id!r} spans it")
            expected += 1
        if len(rows) < CHUNK or expected <= int(rows[-1][0]):
            break
    if expected <= last:
        return _Broken(expected, f"missing: the commands row of {command_id!r} records it")
    return _Broken(last + 1, f"the commands row of {command_id!r} records more hashes")
