"""The checkpointed runner: feeds a projection from an ``EventSource`` into a ``ViewStore``.

Views and the checkpoint are saved in one transaction, so a crash never leaves a view ahead
of or behind its checkpoint. The same runner serves live catch-up and a full rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, Protocol

from projections.base import EventSource, Projection, V


class ViewStore(Protocol):
    """Where read models and their checkpoints live (a database in the service)."""

    async def checkpoint(self, name: str) -> tuple[int, int] | None:
        """``(projection_version, position)`` last saved for ``name``, or ``None``."""
        ...

    async def load_views(self, name: str, keys: list[str]) -> dict[str, bytes]:
        """The stored bytes of the views of ``keys`` that exist."""
        ...

    async def save(
        self, name: str, projection_version: int, position: int, views: Mapping[str, bytes]
    ) -> None:
        """Store ``views`` and the checkpoint ``position`` atomically."""
        ...

    async def reset(self, name: str) -> None:
        """Drop every view and the checkpoint of ``name``."""
        ...


class ProjectionRunner(Generic[V]):
    """Applies new events to one projection in batches of ``batch_size``."""

    def __init__(
        self,
        projection: Projection[V],
        source: EventSource,
        views: ViewStore,
        batch_size: int = 500,
    ) -> None:
        self.projection = projection
        self.source = source
        self.views = views
        self.batch_size = batch_size

    async def position(self) -> int:
        """The last position applied; resets first if the projection's version changed."""
        saved = await self.views.checkpoint(self.projection.name)
        if saved is None:
            return 0
        version, position = saved
        if version != self.projection.version:
            await self.views.reset(self.projection.name)
            return 0
        return position

    async def step(self, after: int) -> int:
        """Apply one batch after position ``after``; the new position (``after`` if idle)."""
        batch = await self.source.read_all(after, self.batch_size)
        if not batch:
            return after
        keyed = [(self.projection.key_of(rec), rec) for rec in batch]
        keys = sorted({key for key, _ in keyed if key is not None})
        stored = await self.views.load_views(self.projection.name, keys)
        current = {
            key: (
                self.projection.decode(stored[key])
                if key in stored
                else self.projection.initial(key)
            )
            for key in keys
        }
        for key, rec in keyed:
            if key is not None:
                current[key] = self.projection.apply(current[key], rec)
        encoded = {key: self.projection.encode(view) for key, view in current.items()}
        position = batch[-1].position
        await self.views.save(self.projection.name, self.projection.version, position, encoded)
        return position

    async def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Apply every event recorded so far; the final position."""
        position = await self.position()
        while True:
            new_position = await self.step(position)
            if new_position == position:
                return position
            position = new_position
            if progress is not None:
                progress(position)

    async def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Forget the projection and build it again from the first event."""
        await self.views.reset(self.projection.name)
        return await self.catch_up(progress)
