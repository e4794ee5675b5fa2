"""append_all: several streams' appends commit together, in order, or not at all."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from domain.recorded import EventMeta, RecordedEvent
from service.store import (
    AppendPart,
    CommandIdReused,
    ConcurrencyError,
    EventStore,
    NewEvent,
    StoreError,
)
from tests.conftest import StoreLocation
from tests.service.store.support import meta, new_event, race


def part(stream_id: str, count: int, expected: int, command: EventMeta | None = None) -> AppendPart:
    """A part of ``count`` fresh events on ``stream_id`` at ``expected``, its own command id."""
    return AppendPart(
        stream_id=stream_id,
        events=[new_event() for _ in range(count)],
        expected_version=expected,
        meta=command or meta(),
    )


async def test_parts_commit_at_contiguous_positions_in_part_order(store: EventStore) -> None:
    await store.append("board-b", [new_event()], 0, meta())
    parts = [part("workshop-w", 2, 0), part("board-b", 1, 1), part("workshop-w", 1, 2)]

    recorded = await store.append_all(parts)

    flat = [event for events in recorded for event in events]
    assert [(e.stream_id, e.version, e.position) for e in flat] == [
        ("workshop-w", 1, 2),
        ("workshop-w", 2, 3),
        ("board-b", 2, 4),
        ("workshop-w", 3, 5),
    ]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(flat))
    for given, events in zip(parts, recorded, strict=True):
        assert [e.meta for e in events] == [given.meta] * len(given.events)
        assert await store.command_events(given.meta.command_id) == events
    assert await store.read_all(after_position=1) == flat
    assert (await store.verify()).ok


async def test_one_stale_part_writes_nothing_of_the_group(store: EventStore) -> None:
    await store.append("board-b", [new_event()], 0, meta())
    stale = [part("workshop-w", 2, 0), part("board-b", 1, 0), part("board-c", 1, 0)]

    with pytest.raises(ConcurrencyError) as raised:
        await store.append_all(stale)

    assert (raised.value.stream_id, raised.value.expected, raised.value.actual) == ("board-b", 0, 1)
    assert [e.stream_id for e in await store.read_all()] == ["board-b"]
    for given in stale:
        assert await store.command_events(given.meta.command_id) == []


async def test_a_later_part_counts_the_earlier_parts_events(store: EventStore) -> None:
    with pytest.raises(ConcurrencyError) as raised:
        await store.append_all([part("board-b", 2, 0), part("board-b", 1, 1)])

    assert (raised.value.expected, raised.value.actual) == (1, 2)
    assert (await store.head()).position == 0


async def test_a_group_in_a_batch_of_single_appends(store: EventStore) -> None:
    """Every append of one batch stands alone: a failed group fails no single append, a failed
    single append no group; the batch's positions stay gap-free."""
    await store.append("board-x", [new_event()], 0, meta())
    results = await asyncio.gather(
        store.append("board-1", [new_event()], 0, meta()),
        store.append_all([part("workshop-w", 1, 0), part("board-x", 1, 0)]),  # stale
        store.append("board-2", [new_event()], 0, meta()),
        store.append_all([part("workshop-v", 2, 0), part("board-v", 1, 0)]),
        store.append("board-x", [new_event()], 7, meta()),  # stale
        store.append("board-3", [new_event()], 0, meta()),
        return_exceptions=True,
    )

    assert [type(r).__name__ for r in results] == [
        "list",
        "ConcurrencyError",
        "list",
        "list",
        "ConcurrencyError",
        "list",
    ]
    assert [(e.stream_id, e.position) for e in await store.read_all()] == [
        ("board-x", 1),
        ("board-1", 2),
        ("board-2", 3),
        ("workshop-v", 4),
        ("workshop-v", 5),
        ("board-v", 6),
        ("board-3", 7),
    ]
    assert (await store.verify()).ok


async def test_a_resent_group_returns_what_it_recorded(
    store: EventStore, store_location: StoreLocation
) -> None:
    parts = [part("workshop-w", 1, 0), part("board-b", 2, 0)]
    original = await store.append_all(parts)
    await store.append("board-b", [new_event()], 2, meta())

    again = await store.append_all(parts)  # stale versions too: the ids decide
    twice = await asyncio.gather(store.append_all(parts), store.append_all(parts))
    other = await store_location.open()  # another writer, which knows nothing of it
    try:
        from_other = await other.append_all(parts)
    finally:
        await other.close()

    assert again == original
    assert list(twice) == [original, original]
    assert from_other == original
    assert (await store.head()).position == 4


async def test_a_group_resent_in_the_batch_that_records_it_is_appended_once(
    store: EventStore,
) -> None:
    parts = [part("workshop-w", 1, 0), part("board-b", 1, 0)]
    first, second = await asyncio.gather(store.append_all(parts), store.append_all(parts))

    assert first == second
    assert (await store.head()).position == 2


async def test_a_group_only_partly_recorded_is_refused(store: EventStore) -> None:
    recorded_alone = part("board-b", 1, 0)
    await store.append("board-b", recorded_alone.events, 0, recorded_alone.meta)

    with pytest.raises(CommandIdReused) as raised:
        await store.append_all([part("workshop-w", 1, 0), recorded_alone])
    with pytest.raises(CommandIdReused):  # in the same batch as the part's own append
        await asyncio.gather(
            store.append("board-c", [new_event()], 0, command := meta()),
            store.append_all([part("workshop-w", 1, 0), part("board-d", 1, 0, command)]),
        )

    assert raised.value.code == "command_id_reused"
    assert [e.stream_id for e in await store.read_all()] == ["board-b", "board-c"]


async def test_parts_without_events_record_nothing(store: EventStore) -> None:
    empty = AppendPart(stream_id="board-b", events=[], expected_version=9, meta=meta())
    recorded = await store.append_all([empty, part("workshop-w", 1, 0)])

    assert recorded[0] == []
    assert [e.stream_id for e in recorded[1]] == ["workshop-w"]
    assert await store.command_events(empty.meta.command_id) == []
    assert await store.append_all([empty]) == [[]]


async def test_parts_need_command_ids_of_their_own(store: EventStore) -> None:
    command = meta()
    with pytest.raises(ValueError, match="command_id of its own"):
        await store.append_all([part("board-a", 1, 0, command), part("board-b", 1, 0, command)])
    assert (await store.head()).position == 0


async def test_refused_rows_fail_the_whole_group_and_nothing_else(store: EventStore) -> None:
    [taken] = await store.append("board-1", [new_event()], 0, meta())
    reused = NewEvent(event_id=taken.event_id, type="note.added", data=b"{}")
    refused = [
        part("workshop-w", 1, 0),
        AppendPart(stream_id="board-r", events=[reused], expected_version=0, meta=meta()),
    ]

    results = await asyncio.gather(
        store.append("board-2", [new_event()], 0, meta()),
        store.append_all(refused),
        store.append_all([part("workshop-v", 1, 0), part("board-v", 1, 0)]),
        return_exceptions=True,
    )

    assert type(results[1]) is StoreError
    assert [type(r) for r in (results[0], results[2])] == [list, list]
    assert {e.stream_id for e in await store.read_all()} == {
        "board-1",
        "board-2",
        "workshop-v",
        "board-v",
    }
    assert (await store.verify()).ok


async def test_a_group_larger_than_max_batch_commits_whole(store_location: StoreLocation) -> None:
    store = await store_location.open(max_batch=4)
    try:
        results = await asyncio.gather(
            *(store.append(f"board-{i}", [new_event()], 0, meta()) for i in range(6)),
            store.append_all([part("workshop-w", 3, 0), part("board-big", 4, 0)]),
        )
        group = results[-1]
        assert isinstance(group, list)
        positions = [e.position for events in group for e in events]
        assert positions == list(range(positions[0], positions[0] + 7))
        assert 7 in store.batch_sizes
        assert (await store.head()).position == 13
    finally:
        await store.close()


async def test_listeners_hear_every_part(store: EventStore) -> None:
    hints: list[tuple[str, int, int]] = []
    batches: list[list[RecordedEvent]] = []
    store.add_listener(lambda *hint: hints.append(hint))
    store.add_event_listener(batches.append)

    recorded = await store.append_all([part("workshop-w", 2, 0), part("board-b", 1, 0)])
    with pytest.raises(ConcurrencyError):  # and a stale group is not heard
        await store.append_all([part("workshop-w", 1, 0), part("board-b", 1, 0)])

    assert hints == [("workshop-w", 2, 2), ("board-b", 1, 3)]
    assert batches == [recorded[0] + recorded[1]]


async def test_racing_groups_on_two_writers_commit_one_per_version(
    store: EventStore, store_location: StoreLocation
) -> None:
    """Groups from two processes that all claim version 1 of a shared stream: one wins, and
    the losers leave nothing on their own streams either."""
    results = await race(
        store,
        store_location,
        20,
        lambda writer, i: writer.append_all([part("workshop-x", 1, 0), part(f"board-{i}", 1, 0)]),
    )

    winners = [i for i, r in enumerate(results) if isinstance(r, list)]
    assert len(winners) == 1, results
    assert all(isinstance(r, ConcurrencyError) for i, r in enumerate(results) if i != winners[0])
    assert sorted({e.stream_id for e in await store.read_all()}) == [
        f"board-{winners[0]}",
        "workshop-x",
    ]
