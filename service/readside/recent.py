"""The log's newest events in memory: an ``EventSource`` that reads the store only on a miss.

The store hands every listener the events each commit recorded. Projections read the log
right behind the head, so they find what they need here instead of reading back, from the
database, events this process has just written. Events written by another process leave a
gap in what this process saw; a read that would cross it goes to the store.
"""

from __future__ import annotations

from collections import deque

from domain.recorded import RecordedEvent
from service.store import EventStore


class RecentEvents:
    """The last ``capacity`` events this process committed, contiguous by position."""

    def __init__(self, store: EventStore, capacity: int = 20_000) -> None:
        self.store = store
        self._events: deque[RecordedEvent] = deque(maxlen=capacity)

    def remember(self, committed: list[RecordedEvent]) -> None:
        """Keep ``committed`` (in position order); a gap before it starts the memory afresh."""
        if not committed:
            return
        if self._events and committed[0].position != self._events[-1].position + 1:
            self._events.clear()
        self._events.extend(committed)

    def forget(self) -> None:
        """Drop every event held (after an erasure: they hold texts opened with a dropped key);
        reads go to the store until the next commit."""
        self._events.clear()

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        """As ``EventStore.read_all``: from memory when it holds ``after_position + 1``."""
        events = self._events
        if events and events[0].position <= after_position + 1 <= events[-1].position:
            start = after_position + 1 - events[0].position
            return [events[i] for i in range(start, min(start + limit, len(events)))]
        return await self.store.read_all(after_position, limit)
