"""Appending: optimistic concurrency, idempotent commands, group commit, nothing half-written."""

from __future__ import annotations

import asyncio
import itertools
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from domain.recorded import RecordedEvent
from service.store import AppendPart, ConcurrencyError, EventStore, StoreError, StoreUnavailable
from service.store.chain import ZERO_HASH
from service.store.schema import commands
from tests.conftest import StoreLocation
from tests.service.store.support import meta, new_event


async def test_append_assigns_versions_positions_and_chains_hashes(store: EventStore) -> None:
    first = await store.append("board-1", [new_event(), new_event()], 0, meta())
    second = await store.append("board-2", [new_event()], 0, meta())
    third = await store.append("board-1", [new_event()], 2, meta())

    recorded = first + second + third
    assert [(e.stream_id, e.version, e.position) for e in recorded] == [
        ("board-1", 1, 1),
        ("board-1", 2, 2),
        ("board-2", 1, 3),
        ("board-1", 3, 4),
    ]
    assert recorded[0].prev_hash == ZERO_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(recorded))
    assert await store.read_all() == recorded


async def test_returned_events_equal_what_is_read_back(store_location: StoreLocation) -> None:
    at = datetime(2025, 3, 4, 10, 15, 30, 123456, tzinfo=timezone(timedelta(hours=2)))
    store = await store_location.open(clock=lambda: at)
    try:
        [recorded] = await store.append("board-1", [new_event()], 0, meta(causation_id="c-1"))
        assert recorded.recorded_at == at
        assert recorded.recorded_at.tzinfo == UTC
        assert await store.read_stream("board-1") == [recorded]
    finally:
        await store.close()


async def test_each_command_records_the_hashes_of_its_events(store: EventStore) -> None:
    one = await store.append("board-1", [new_event()], 0, meta("one"))
    three = await store.append("board-1", [new_event() for _ in range(3)], 1, meta("three"))
    group = await store.append_all(
        [
            AppendPart(
                stream_id="board-2", events=[new_event()], expected_version=0, meta=meta("a")
            ),
            AppendPart(
                stream_id="board-1",
                events=[new_event(), new_event()],
                expected_version=4,
                meta=meta("b"),
            ),
        ]
    )

    async with store.engine.connect() as conn:
        rows = (await conn.execute(sa.select(commands).order_by(commands.c.first_position))).all()

    assert [tuple(row) for row in rows] == [
        (command, events[0].stream_id, events[0].position, events[-1].position, hashes(events))
        for command, events in [("one", one), ("three", three), ("a", group[0]), ("b", group[1])]
    ]


def hashes(events: list[RecordedEvent]) -> bytes:
    return b"".join(event.hash for event in events)


async def test_stale_expected_version_is_a_conflict(store: EventStore) -> None:
    await store.append("board-1", [new_event()], 0, meta())

    with pytest.raises(ConcurrencyError) as raised:
        await store.append("board-1", [new_event()], 0, meta())

    assert (raised.value.stream_id, raised.value.expected, raised.value.actual) == ("board-1", 0, 1)
    assert raised.value.code == "conflict"
    assert await store.stream_version("board-1") == 1


async def test_concurrent_writers_exactly_one_wins_each_version(
    store: EventStore, store_location: StoreLocation
) -> None:
    other = await store_location.open()  # a second writer task, like a second process
    try:
        stores = (store, other)
        for version in range(6):
            results = await asyncio.gather(
                *(
                    stores[i % 2].append("board-race", [new_event()], version, meta())
                    for i in range(32)
                ),
                return_exceptions=True,
            )
            winners = [r for r in results if isinstance(r, list)]
            losers = [r for r in results if isinstance(r, ConcurrencyError)]
            assert len(winners) == 1, results
            assert len(losers) == 31, results
            assert winners[0][0].version == version + 1
            assert {(e.expected, e.actual) for e in losers} == {(version, version + 1)}
        versions = [e.version for e in await store.read_stream("board-race")]
        assert versions == [1, 2, 3, 4, 5, 6]
    finally:
        await other.close()


async def test_what_another_writer_appended_is_never_overlooked(
    store: EventStore, store_location: StoreLocation
) -> None:
    await store.append("board-1", [new_event()], 0, meta())  # this writer now knows board-1
    other = await store_location.open()
    try:
        [theirs] = await other.append("board-1", [new_event()], 1, meta())
    finally:
        await other.close()

    with pytest.raises(ConcurrencyError) as raised:
        await store.append("board-1", [new_event()], 1, meta())
    [ours] = await store.append("board-1", [new_event()], 2, meta())

    assert raised.value.actual == 2
    assert (ours.version, ours.position, ours.prev_hash) == (3, 3, theirs.hash)
    assert (await store.verify()).ok


async def test_repeated_command_returns_original_events_and_appends_nothing(
    store: EventStore, store_location: StoreLocation
) -> None:
    command = meta()
    original = await store.append("board-1", [new_event(), new_event()], 0, command)
    await store.append("board-1", [new_event()], 2, meta())

    again = await store.append("board-1", [new_event()], 0, command)  # stale version too
    other = await store_location.open()
    try:
        from_other = await other.append("board-9", [new_event()], 0, command)
    finally:
        await other.close()

    assert again == original
    assert from_other == original
    assert (await store.head()).position == 3
    assert await store.command_events(command.command_id) == original
    assert await store.command_events("never-seen") == []


async def test_repeated_command_in_one_batch_is_appended_once(store: EventStore) -> None:
    command = meta()
    first, second = await asyncio.gather(
        store.append("board-1", [new_event()], 0, command),
        store.append("board-1", [new_event()], 0, command),
    )
    assert first == second
    assert len(await store.read_all()) == 1


async def test_command_that_conflicted_can_be_retried_with_the_same_id(store: EventStore) -> None:
    await store.append("board-1", [new_event()], 0, meta())
    command = meta()
    stale, fresh = await asyncio.gather(
        store.append("board-1", [new_event()], 0, command),
        store.append("board-1", [new_event()], 1, command),
        return_exceptions=True,
    )
    assert isinstance(stale, ConcurrencyError)
    assert isinstance(fresh, list)
    assert [e.version for e in fresh] == [2]


async def test_appends_in_one_batch_see_each_other(store: EventStore) -> None:
    first, second, third = await asyncio.gather(
        store.append("board-1", [new_event()], 0, meta()),
        store.append("board-1", [new_event(), new_event()], 1, meta()),
        store.append("board-1", [new_event()], 3, meta()),
    )
    assert [e.version for e in first + second + third] == [1, 2, 3, 4]
    assert [e.position for e in first + second + third] == [1, 2, 3, 4]


async def test_batches_hold_at_most_max_batch_events(store_location: StoreLocation) -> None:
    store = await store_location.open(max_batch=3)
    try:
        await asyncio.gather(
            *(store.append(f"board-{i}", [new_event()], 0, meta()) for i in range(10)),
            store.append("board-big", [new_event() for _ in range(5)], 0, meta()),
        )
        assert max(store.batch_sizes) == 5  # an append larger than max_batch goes alone
        assert all(size <= 3 for size in store.batch_sizes if size != 5)
        assert (await store.head()).position == 15
    finally:
        await store.close()


@pytest.mark.parametrize("sizes", [[1], [3, 4], [255, 1, 1], [600], [256, 128, 7]])
async def test_a_batch_of_any_size_is_stored_whole(store: EventStore, sizes: list[int]) -> None:
    appends = [
        store.append(f"board-{i}", [new_event() for _ in range(size)], 0, meta())
        for i, size in enumerate(sizes)
    ]
    recorded = [event for events in await asyncio.gather(*appends) for event in events]

    assert await store.read_all(limit=10_000) == sorted(recorded, key=lambda e: e.position)
    assert [e.position for e in await store.read_all(limit=10_000)] == list(
        range(1, sum(sizes) + 1)
    )
    for i in range(len(sizes)):
        assert (await store.command_events(recorded_command(recorded, f"board-{i}"))) == [
            e for e in recorded if e.stream_id == f"board-{i}"
        ]
    assert (await store.verify()).ok


def recorded_command(recorded: list[RecordedEvent], stream_id: str) -> str:
    return next(e.meta.command_id for e in recorded if e.stream_id == stream_id)


async def test_empty_append_writes_nothing(store: EventStore) -> None:
    assert await store.append("board-1", [], 7, meta()) == []
    assert (await store.head()).position == 0


async def test_conflict_in_a_batch_fails_only_that_append(store: EventStore) -> None:
    await store.append("board-1", [new_event()], 0, meta())
    results = await asyncio.gather(
        store.append("board-2", [new_event()], 0, meta()),
        store.append("board-1", [new_event(), new_event()], 0, meta()),  # stale
        store.append("board-3", [new_event()], 0, meta()),
        return_exceptions=True,
    )
    assert isinstance(results[1], ConcurrencyError)
    assert [type(r) for r in (results[0], results[2])] == [list, list]
    assert [e.stream_id for e in await store.read_all()] == ["board-1", "board-2", "board-3"]
    assert (await store.verify()).ok


async def test_refused_rows_fail_only_their_append_and_write_nothing(store: EventStore) -> None:
    [taken] = await store.append("board-1", [new_event()], 0, meta())
    reused = new_event()
    reused = type(reused)(event_id=taken.event_id, type=reused.type, data=reused.data)

    results = await asyncio.gather(
        store.append("board-2", [new_event()], 0, meta()),
        store.append("board-3", [new_event(), new_event(), reused], 0, meta()),
        store.append("board-4", [new_event()], 0, meta()),
        return_exceptions=True,
    )

    assert type(results[1]) is StoreError
    assert [type(r) for r in (results[0], results[2])] == [list, list]
    assert await store.stream_version("board-3") == 0
    assert [e.stream_id for e in await store.read_all()] == ["board-1", "board-2", "board-4"]
    assert (await store.verify()).ok


async def test_database_error_fails_the_whole_batch_and_writes_nothing(store: EventStore) -> None:
    await _install_failing_trigger(store)
    await store.append("board-0", [new_event()], 0, meta())

    results = await asyncio.gather(
        store.append("board-1", [new_event()], 0, meta()),
        store.append("board-2", [new_event("boom")], 0, meta()),
        store.append("board-3", [new_event()], 0, meta()),
        return_exceptions=True,
    )

    assert all(isinstance(r, StoreUnavailable) for r in results), results
    for refused in results:  # the driver's words (SQL, values) stay in the log, off the wire
        assert isinstance(refused, StoreUnavailable)
        assert "INSERT" not in refused.message
        assert "overflow" not in refused.message.lower()
    assert [e.stream_id for e in await store.read_all()] == ["board-0"]
    [after] = await store.append("board-1", [new_event()], 0, meta())  # the writer recovered
    assert after.position == 2


async def _install_failing_trigger(store: EventStore) -> None:
    """Make inserting an event of type "boom" fail with a non-constraint database error."""
    if store.backend == "sqlite":
        statements = [  # abs() of the smallest integer fails at run time: "integer overflow"
            "CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.type = 'boom' "
            "BEGIN SELECT abs(-9223372036854775807 - 1); END"
        ]
    else:
        statements = [
            "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN IF NEW.type = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER boom BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION boom()",
        ]
    async with store.engine.begin() as conn:
        for statement in statements:
            await conn.exec_driver_sql(statement)


async def test_close_commits_every_queued_append(store_location: StoreLocation) -> None:
    store = await store_location.open()
    pending = [
        asyncio.ensure_future(store.append(f"board-{i}", [new_event()], 0, meta()))
        for i in range(50)
    ]
    await asyncio.sleep(0)  # every append is queued, few if any are committed
    await store.close()

    results: list[list[RecordedEvent]] = [task.result() for task in pending]
    assert sorted(e[0].position for e in results) == list(range(1, 51))
    with pytest.raises(StoreUnavailable):
        await store.append("board-x", [new_event()], 0, meta())

    reopened = await store_location.open()
    try:
        assert (await reopened.head()).position == 50
    finally:
        await reopened.close()


async def test_listeners_are_called_after_commit(
    store: EventStore, store_location: StoreLocation
) -> None:
    calls: list[tuple[str, int, int]] = []
    visible: list[int] = []

    def listener(stream_id: str, version: int, position: int) -> None:
        calls.append((stream_id, version, position))
        # Another connection (in another thread) must already see the event.
        visible.append(_head_seen_elsewhere(store_location))

    unsubscribe = store.add_listener(listener)
    store.add_listener(_failing_listener)  # a broken listener must not break appends
    await store.append("board-1", [new_event(), new_event()], 0, meta())
    await store.append("board-2", [new_event()], 0, meta())
    unsubscribe()
    await store.append("board-3", [new_event()], 0, meta())

    assert calls == [("board-1", 2, 2), ("board-2", 1, 3)]
    assert visible == [2, 3]


def _failing_listener(stream_id: str, version: int, position: int) -> None:
    raise RuntimeError("listener bug")


def _head_seen_elsewhere(location: StoreLocation) -> int:
    async def head() -> int:
        other = await location.open()
        try:
            return (await other.head()).position
        finally:
            await other.close()

    result: list[int] = []

    def run() -> None:
        result.append(asyncio.run(head()))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]
