"""The checkpointed runner: feeds a projection from an ``EventSource`` into a ``ViewStore``.

Views and the checkpoint are saved in one transaction, so a crash never leaves a view ahead
of or behind its checkpoint. The same runner serves live catch-up and a full rebuild.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Generic, Protocol

from projections.base import EventSource, Projection, V

Offload = Callable[[Callable[[], dict[str, bytes]]], Awaitable[dict[str, bytes]]]

MEMO_LIMIT = 10_000
"""Decoded views a runner keeps between batches at the most."""


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
        offload: Offload | None = None,
    ) -> None:
        self.projection = projection
        self.source = source
        self.views = views
        self.batch_size = batch_size
        self.offload = offload
        """Runs the pure folding and encoding of a batch elsewhere (the service passes
        ``asyncio.to_thread``), so a big batch never stalls the caller's event loop."""
        self._memo: dict[str, V] = {}
        self._memo_position = -1
        """Views as this runner last saved them, at ``_memo_position``: decoded already."""

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
        current = self._remembered(after, keys)
        missing = [key for key in keys if key not in current]
        stored = await self.views.load_views(self.projection.name, missing)

        def fold_batch() -> dict[str, bytes]:
            for name in missing:
                current[name] = (
                    self.projection.decode(stored[name])
                    if name in stored
                    else self.projection.initial(name)
                )
            for key, rec in keyed:
                if key is not None:
                    current[key] = self.projection.apply(current[key], rec)
            return {key: self.projection.encode(view) for key, view in current.items()}

        encoded = fold_batch() if self.offload is None else await self.offload(fold_batch)
        position = batch[-1].position
        await self.views.save(self.projection.name, self.projection.version, position, encoded)
        self._remember(position, current)
        return position

    def _remembered(self, after: int, keys: list[str]) -> dict[str, V]:
        """The views this runner saved at ``after``, if it was the last to save (else none)."""
        if after != self._memo_position:
            self._memo.clear()
            return {}
        return {key: self._memo[key] for key in keys if key in self._memo}

    def _remember(self, position: int, views: dict[str, V]) -> None:
        if len(self._memo) + len(views) > MEMO_LIMIT:
            self._memo.clear()
        self._memo.update(views)
        self._memo_position = position

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

    def forget(self) -> None:
        """Drop the views remembered between batches: they were saved over (a rebuild)."""
        self._memo.clear()
        self._memo_position = -1

    async def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Forget the projection and build it again from the first event, on its own (the
        service rebuilds every projection in one pass: ``service/readside/rebuild.py``)."""
        self.forget()
        await self.views.reset(self.projection.name)
        return await self.catch_up(progress)
