"""What a projection is, and where it reads events from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar, runtime_checkable

from domain.recorded import RecordedEvent

V = TypeVar("V")


class EventSource(Protocol):
    """Where a runner reads the log: the event store, a file, a list in a test."""

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        """Up to ``limit`` events with a position above ``after_position``, in position order."""
        ...


class Projection(Protocol[V]):
    """A named, versioned pure fold; bump ``version`` when ``apply`` changes (it rebuilds)."""

    name: str
    version: int

    def key_of(self, recorded: RecordedEvent) -> str | None:
        """The key of the view ``recorded`` changes, or ``None`` when it changes none."""
        ...

    def initial(self, key: str) -> V:
        """The view before any event."""
        ...

    def apply(self, view: V, recorded: RecordedEvent) -> V:
        """``view`` with ``recorded`` applied. Pure; never raises for a recorded event."""
        ...

    def encode(self, view: V) -> bytes:
        """Bytes to store the view as."""
        ...

    def decode(self, data: bytes) -> V:
        """The view back from ``encode``'s bytes."""
        ...


@runtime_checkable
class FoldsInPlace(Projection[V], Protocol[V]):
    """A projection that can fold a run of events changing its view in place: what a rebuild,
    which holds the only reference to each view it builds, uses when a projection has it."""

    def apply_all(self, view: V, records: Sequence[RecordedEvent]) -> V:
        """``view`` with ``records`` (all of ``view``'s key) applied in order, equal to
        ``apply`` one at a time; ``view`` and what it holds may be changed on the way."""
        ...


def fold(
    projection: Projection[V], key: str, events: Sequence[RecordedEvent], view: V | None = None
) -> V:
    """``view`` (or the initial view of ``key``) with the events of ``key`` applied in order."""
    current = projection.initial(key) if view is None else view
    for recorded in events:
        if projection.key_of(recorded) == key:
            current = projection.apply(current, recorded)
    return current
