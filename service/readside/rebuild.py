"""``rebuild_all``: every projection built again from the first event, reading the log once.

What ``plenary rebuild`` runs, and the projector after an erasure (``docs/privacy.md``). One
pass instead of one per projection: each page of the log is read (and its sealed texts opened)
once and fed to every projection (``projections/rebuild.py``), in a thread while the next
page is read, so the database's work and the folding overlap. Views stay decoded in memory
and are saved, each projection's with its checkpoint in one transaction, every
``save_every`` events and at the end; a save runs while the next pages are folded. A rebuild
stopped halfway leaves every projection at its last save, from where ``catch_up`` goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from domain.recorded import RecordedEvent
from projections.base import EventSource, Projection
from projections.rebuild import KEEP_VIEWS, Folds
from projections.runner import ViewStore

PAGE = 5_000
"""Events read at a time: big enough that a read's fixed costs vanish, small enough to fold
while the next one is read."""
SAVE_EVERY = 200_000
"""Events folded between saves (and checkpoints) at the least."""


async def rebuild_all(
    projections: Sequence[Projection[Any]],
    source: EventSource,
    views: ViewStore,
    *,
    page: int = PAGE,
    save_every: int = SAVE_EVERY,
    keep: int = KEEP_VIEWS,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Forget every view of ``projections`` and build them again from the first event; the
    last position applied. ``progress(position)`` is called after each page; ``keep`` bounds
    the views kept decoded in memory between saves (``Folds``)."""
    for projection in projections:
        await views.reset(projection.name)
    folds = Folds(projections, keep)
    saver = _Saver(folds, views)
    position = unsaved = 0
    reading = asyncio.ensure_future(source.read_all(0, page))
    try:
        while events := await reading:
            reading = asyncio.ensure_future(source.read_all(events[-1].position, page))
            await _restore(folds, views, saver, events)
            await asyncio.to_thread(folds.feed, events)
            position, unsaved = events[-1].position, unsaved + len(events)
            if progress is not None:
                progress(position)
            if unsaved >= save_every:
                await saver.save_behind(position)
                unsaved = 0
        if unsaved:
            await saver.save_behind(position)
        await saver.wait()
        return position
    finally:  # on the way out after a failure: what failed is what the caller hears of
        reading.cancel()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await reading
        with contextlib.suppress(Exception):
            await saver.wait()


async def _restore(
    folds: Folds, views: ViewStore, saver: _Saver, events: list[RecordedEvent]
) -> None:
    """Load the views ``events`` change that an earlier save took out of memory."""
    wanted = folds.wanted(events)
    if wanted:
        await saver.wait()  # the views wanted may be in the save under way
    for name, keys in wanted.items():
        folds.restore(name, await views.load_views(name, keys))


class _Saver:
    """Saves what ``Folds.take`` encodes, one save at a time, behind the folding."""

    def __init__(self, folds: Folds, views: ViewStore) -> None:
        self._folds = folds
        self._views = views
        self._task: asyncio.Task[None] | None = None

    async def save_behind(self, position: int) -> None:
        """Start saving every changed view with checkpoint ``position`` once the last save
        is done; returns before this one is."""
        await self.wait()
        taken = await asyncio.to_thread(self._folds.take)
        self._task = asyncio.ensure_future(self._save(taken, position))

    async def _save(self, taken: dict[str, dict[str, bytes]], position: int) -> None:
        for projection in self._folds.projections:
            await self._views.save(
                projection.name, projection.version, position, taken[projection.name]
            )

    async def wait(self) -> None:
        """Wait for the save under way, if any; raises what it raised."""
        task, self._task = self._task, None
        if task is not None:
            await task
