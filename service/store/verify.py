"""Walk the log in position order and report the first broken link, if any.

Checks, row by row: positions contiguous from 1, ``prev_hash`` equal to the previous row's
hash, the recomputed hash equal to the stored one, each stream's versions contiguous from 1,
and every signed checkpoint equal to the stored row. Reads in chunks: memory is bounded by the
chunk and the number of streams, not by the log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from service.store.chain import ZERO_HASH, link_hash
from service.store.schema import EVENT_ROW, events
from service.store.types import Checkpoint, VerifyReport

CHUNK = 2000


class _Broken(Exception):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason


class _Walk:
    """The chain state carried from one row to the next."""

    def __init__(self, checkpoints: Sequence[Checkpoint]) -> None:
        self.next_position = 1
        self.prev_hash = ZERO_HASH
        self.versions: dict[str, int] = {}
        self.signed = {cp.position: bytes(cp.hash) for cp in checkpoints if cp.position > 0}

    def check(self, row: Sequence[Any]) -> None:
        position, stream_id, version = row[0], row[1], row[2]
        if position != self.next_position:
            if position > self.next_position:
                raise _Broken(self.next_position, f"position gap: {self.next_position} missing")
            raise _Broken(position, f"unexpected position {position}")
        stored_prev, stored_hash = bytes(row[12]), bytes(row[13])
        if stored_prev != self.prev_hash:
            raise _Broken(position, "prev_hash mismatch")
        if link_hash(self.prev_hash, tuple(row[:12])) != stored_hash:
            raise _Broken(position, "hash mismatch")
        expected_version = self.versions.get(stream_id, 0) + 1
        if version != expected_version:
            raise _Broken(
                position,
                f"stream version gap: {stream_id} expected {expected_version}, found {version}",
            )
        signed = self.signed.get(position)
        if signed is not None and signed != stored_hash:
            raise _Broken(position, "checkpoint mismatch")
        self.versions[stream_id] = version
        self.prev_hash = stored_hash
        self.next_position = position + 1

    def check_end(self) -> None:
        beyond = [position for position in self.signed if position >= self.next_position]
        if beyond:
            raise _Broken(self.next_position, f"log ends before signed checkpoint at {min(beyond)}")


async def verify(
    engine: AsyncEngine,
    checkpoints: Sequence[Checkpoint] = (),
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Verify the log up to the head present when the walk starts; see the module docstring."""
    async with engine.connect() as conn:
        head = int(await conn.scalar(sa.select(sa.func.max(events.c.position))) or 0)
    walk = _Walk(checkpoints)
    after: int | None = None  # the first chunk has no lower bound: it also finds positions < 1
    try:
        while True:
            query = sa.select(*EVENT_ROW).where(events.c.position <= head)
            if after is not None:
                query = query.where(events.c.position > after)
            async with engine.connect() as conn:
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
        return VerifyReport(
            ok=False,
            verified_up_to=walk.next_position - 1,
            head=head,
            first_bad_position=broken.position,
            reason=broken.reason,
        )
    verified = walk.next_position - 1
    return VerifyReport(
        ok=True, verified_up_to=verified, head=head, first_bad_position=None, reason=None
    )
