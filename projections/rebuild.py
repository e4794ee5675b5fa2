"""Several projections folded side by side over the same pages of the log, views in memory.

A rebuild reads the log once for every projection (``service/readside/rebuild.py``): each
page goes through ``Folds.feed``, which hands every event to each projection whose
``key_of`` names a view (a test of the stream name or the type, before any decoding), and
keeps the views decoded in memory until ``Folds.take`` encodes the ones changed since the last
take, to be saved with the checkpoint. The views this takes are those the same projection
folded alone would store: the folds are the projections' own ``apply``, or, for one that has
it (``FoldsInPlace``), its ``apply_all`` over each view's run of events in a page, which may
change the view in place since no one else holds it (``board_view`` then adds and changes
notes without copying the board's notes for each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from domain.recorded import RecordedEvent
from projections.base import FoldsInPlace, Projection

KEEP_VIEWS = 10_000
"""Views of one projection kept decoded between saves at the most; past it, a save forgets
the views it did not change (saved already: ``wanted`` names them when an event needs one)."""


class Folds:
    """The views of ``projections``, built from the first event, one page at a time."""

    def __init__(self, projections: Sequence[Projection[Any]], keep: int = KEEP_VIEWS) -> None:
        self.projections = tuple(projections)
        self.keep = keep
        self._views: list[dict[str, Any]] = [{} for _ in self.projections]
        self._changed: list[set[str]] = [set() for _ in self.projections]
        self._saved: list[set[str]] = [set() for _ in self.projections]
        """Keys saved and forgotten since: to be loaded before an event changes them."""

    def wanted(self, page: Iterable[RecordedEvent]) -> dict[str, list[str]]:
        """By projection name, the saved views ``page`` changes that are not in memory."""
        wanted: dict[str, list[str]] = {}
        for projection, saved in zip(self.projections, self._saved, strict=True):
            if saved:
                keys = {projection.key_of(rec) for rec in page} & saved
                if keys:
                    wanted[projection.name] = sorted(k for k in keys if k is not None)
        return wanted

    def restore(self, name: str, stored: Mapping[str, bytes]) -> None:
        """Put the saved views ``wanted`` named back in memory, decoded."""
        index = next(i for i, p in enumerate(self.projections) if p.name == name)
        projection = self.projections[index]
        for key, data in stored.items():
            self._views[index][key] = projection.decode(data)
            self._saved[index].discard(key)

    def feed(self, page: Sequence[RecordedEvent]) -> None:
        """Apply ``page`` (after ``restore`` of what ``wanted`` named) to every projection."""
        for projection, views, changed in zip(
            self.projections, self._views, self._changed, strict=True
        ):
            runs: dict[str, list[RecordedEvent]] = {}
            key_of = projection.key_of
            for rec in page:
                key = key_of(rec)
                if key is not None:
                    run = runs.get(key)
                    if run is None:
                        runs[key] = [rec]
                    else:
                        run.append(rec)
            apply_all = _apply_all(projection)
            for key, run in runs.items():
                view = views.get(key)
                views[key] = apply_all(projection.initial(key) if view is None else view, run)
            changed.update(runs)

    def take(self) -> dict[str, dict[str, bytes]]:
        """By projection name, the views changed since the last take, encoded. Past ``keep``
        views, those left unchanged are forgotten (the caller saves what this returns)."""
        taken: dict[str, dict[str, bytes]] = {}
        for index, projection in enumerate(self.projections):
            views, changed = self._views[index], self._changed[index]
            taken[projection.name] = {key: projection.encode(views[key]) for key in changed}
            if len(views) > self.keep:
                idle = views.keys() - changed
                self._saved[index].update(idle)
                for key in idle:
                    del views[key]
            self._changed[index] = set()
        return taken


def _apply_all(projection: Projection[Any]) -> Callable[[Any, Sequence[RecordedEvent]], Any]:
    """How ``projection`` folds a run of one view's events: its own ``apply_all``
    (``FoldsInPlace``: the views here are held nowhere else), or ``apply`` one at a time."""
    if isinstance(projection, FoldsInPlace):
        return projection.apply_all
    apply = projection.apply

    def one_at_a_time(view: Any, records: Sequence[RecordedEvent]) -> Any:
        for rec in records:
            view = apply(view, rec)
        return view

    return one_at_a_time
