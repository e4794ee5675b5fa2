"""Reading: stream ranges, the global log in pages, head, versions, snapshots."""

from __future__ import annotations

import gc

import pytest
import sqlalchemy as sa

from service.store import EventStore, Head, StoreUnavailable
from service.store.chain import ZERO_HASH
from tests.conftest import StoreLocation
from tests.service.store.support import meta, new_event, seed_log


async def test_empty_store(store: EventStore) -> None:
    assert await store.head() == Head(0, ZERO_HASH)
    assert await store.read_all() == []
    assert await store.read_stream("board-1") == []
    assert await store.stream_version("board-1") == 0


async def test_read_stream_ranges(store: EventStore) -> None:
    log = await seed_log(store, 24)
    board = [e for e in log if e.stream_id == "board-a"]

    assert await store.read_stream("board-a") == board
    assert await store.read_stream("board-a", after_version=2) == board[2:]
    assert await store.read_stream("board-a", up_to_version=3) == board[:3]
    assert await store.read_stream("board-a", 1, 4) == board[1:4]
    assert await store.read_stream("board-a", 4, 4) == []
    assert await store.read_stream("board-a", len(board)) == []
    assert await store.stream_version("board-a") == len(board)


async def test_read_all_pages_in_position_order(store: EventStore) -> None:
    log = await seed_log(store, 24)

    pages, after = [], 0
    while page := await store.read_all(after, limit=5):
        pages.append(page)
        after = page[-1].position

    assert [len(p) for p in pages] == [5, 5, 5, 5, 4]
    assert [e for page in pages for e in page] == log
    assert await store.read_all(10, limit=3) == log[10:13]


async def test_read_events_are_not_tracked_by_the_cyclic_collector(store: EventStore) -> None:
    # A rebuild reads every event of the log: each tracked one would count towards the
    # collector's next pass, and a full pass would walk them all.
    await seed_log(store, 6)
    read = [*await store.read_all(), *await store.read_stream("board-a")]

    assert read
    assert not any(gc.is_tracked(event) or gc.is_tracked(event.meta) for event in read)


async def test_head_is_the_last_event(store: EventStore) -> None:
    log = await seed_log(store, 7)
    assert await store.head() == Head(7, log[-1].hash)


async def test_snapshots_return_the_latest_at_or_below_a_version(store: EventStore) -> None:
    assert await store.load_snapshot("board-1", "board") is None
    await store.save_snapshot("board-1", 10, "board", b"ten")
    await store.save_snapshot("board-1", 20, "board", b"twenty")
    await store.save_snapshot("board-1", 30, "other", b"other kind")
    await store.save_snapshot("board-2", 40, "board", b"other stream")

    assert await store.load_snapshot("board-1", "board") == (20, b"twenty")
    assert await store.load_snapshot("board-1", "board", at_most_version=19) == (10, b"ten")
    assert await store.load_snapshot("board-1", "board", at_most_version=20) == (20, b"twenty")
    assert await store.load_snapshot("board-1", "board", at_most_version=9) is None

    await store.save_snapshot("board-1", 20, "board", b"twenty, rebuilt")  # an upsert
    assert await store.load_snapshot("board-1", "board") == (20, b"twenty, rebuilt")


async def test_snapshots_do_not_touch_the_log(store: EventStore) -> None:
    await store.append("board-1", [new_event()], 0, meta())
    await store.save_snapshot("board-1", 1, "board", b"state")
    assert (await store.head()).position == 1
    assert (await store.verify()).ok


async def test_a_queued_snapshot_is_stored_by_close(store_location: StoreLocation) -> None:
    store = await store_location.open()
    try:
        await store.append("board-1", [new_event()], 0, meta())
        store.save_snapshot_soon("board-1", 1, "board", b"queued")
    finally:
        await store.close()
    store.save_snapshot_soon("board-1", 2, "board", b"after close")  # dropped, no error
    with pytest.raises(StoreUnavailable):
        await store.save_snapshot("board-1", 2, "board", b"after close")

    reopened = await store_location.open()
    try:
        assert await reopened.load_snapshot("board-1", "board") == (1, b"queued")
    finally:
        await reopened.close()


async def test_a_failed_snapshot_loses_no_append(
    store: EventStore, caplog: pytest.LogCaptureFixture
) -> None:
    async with store.engine.begin() as conn:  # a real database error for every snapshot
        await conn.execute(sa.text("DROP TABLE snapshots"))

    store.save_snapshot_soon("board-1", 1, "board", b"lost")
    with pytest.raises(StoreUnavailable, match="snapshot was not saved"):
        await store.save_snapshot("board-1", 1, "board", b"lost")
    log = await seed_log(store, 5)

    assert await store.read_all() == log
    assert (await store.verify()).ok
    assert "snapshot(s) not saved" in caplog.text
