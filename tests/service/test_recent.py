"""RecentEvents serves reads behind the head from memory, and never across a gap."""

from __future__ import annotations

from typing import cast

from domain import board
from domain.recorded import RecordedEvent
from service.readside.recent import RecentEvents
from service.store import EventStore
from tests.factories import record

EVENTS = record(
    [board.BoardCreated(board_id="b", workshop_id="w", title="B")]
    + [
        board.NoteAdded(note_id=f"n{i}", text="t", x=0, y=0, colour="yellow", author="a")
        for i in range(9)
    ]
)


class CountingStore:
    def __init__(self) -> None:
        self.reads: list[tuple[int, int]] = []

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        self.reads.append((after_position, limit))
        return [e for e in EVENTS if e.position > after_position][:limit]


async def test_reads_behind_the_head_come_from_memory_and_misses_from_the_store() -> None:
    store = CountingStore()
    recent = RecentEvents(cast(EventStore, store), capacity=6)
    recent.remember(EVENTS[:4])
    recent.remember(EVENTS[4:])  # capacity 6: positions 5..10 remain
    assert [e.position for e in await recent.read_all(6, 3)] == [7, 8, 9]
    assert [e.position for e in await recent.read_all(4, 100)] == [5, 6, 7, 8, 9, 10]
    assert store.reads == []
    assert [e.position for e in await recent.read_all(2, 2)] == [3, 4]  # evicted: a miss
    assert await recent.read_all(10) == []  # at the head: asks the store
    assert store.reads == [(2, 2), (10, 1000)]


async def test_a_gap_in_what_this_process_saw_is_never_served() -> None:
    store = CountingStore()
    recent = RecentEvents(cast(EventStore, store))
    recent.remember(EVENTS[:3])  # positions 1..3
    recent.remember(EVENTS[5:7])  # 6..7: another process wrote 4..5
    assert [e.position for e in await recent.read_all(3, 10)] == [4, 5, 6, 7, 8, 9, 10]
    assert store.reads == [(3, 10)]
    assert [e.position for e in await recent.read_all(5, 10)] == [6, 7]
