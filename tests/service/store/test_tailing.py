"""A reader tailing ``read_all`` while writers append sees every event once, in order.

This is what a ``bigserial`` position gets wrong (DESIGN.md: 1,029 of 6,990 events unseen with
8 writers): a later position commits first, the reader moves past the earlier one for good.
Half of the writers go through a second store, so two writer tasks contend for the global
lock the way two service processes do.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from domain.recorded import RecordedEvent
from service.store import EventStore
from tests.conftest import StoreLocation
from tests.service.store.support import meta, new_event

RUNS = 20
WRITERS = 8
APPENDS_PER_WRITER = 8


async def _write(store: EventStore, stream_id: str, written: list[str]) -> None:
    version = 0
    for n in range(APPENDS_PER_WRITER):
        events = [new_event() for _ in range(1 + n % 3)]
        recorded = await store.append(stream_id, events, version, meta())
        version = recorded[-1].version
        written += [e.event_id for e in recorded]


async def _tail(store: EventStore, after: int, writers: asyncio.Future[Any]) -> list[RecordedEvent]:
    seen: list[RecordedEvent] = []
    while True:
        finished = writers.done()  # decided before reading: a last read follows the last write
        page = await store.read_all(after, limit=7)
        seen += page
        if page:
            after = page[-1].position
        elif finished:
            return seen
        else:
            await asyncio.sleep(0)


async def test_tailing_reader_misses_nothing(
    store: EventStore, store_location: StoreLocation
) -> None:
    other = await store_location.open()
    try:
        for run in range(RUNS):
            start = (await store.head()).position
            written: list[str] = []
            writers = asyncio.gather(
                *(
                    _write((store, other)[i % 2], f"tail-{run}-{i}-{uuid.uuid4().hex[:6]}", written)
                    for i in range(WRITERS)
                )
            )
            seen = await _tail(store, start, writers)
            await writers

            positions = [e.position for e in seen]
            assert positions == list(range(start + 1, start + 1 + len(written))), f"run {run}"
            assert sorted(e.event_id for e in seen) == sorted(written), f"run {run}"
        assert (await store.verify()).ok
    finally:
        await other.close()
