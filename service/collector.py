"""Short full garbage collections for a server that holds many long-lived objects.

CPython's full (generation 2) pass walks every tracked object. A server with a thousand open
sockets holds about 150 such objects per connection (tasks, coroutines, queues, protocol
state), and a pass over all of them stops the event loop, and every board's deliveries with
it, for as long as it walks. ``FreezeSurvivors`` moves what survives a full pass into the
permanent generation, so the next full pass walks only what was created since; objects in
it are still freed by reference counting the moment nothing points at them. Cycles among
them are not: every ``sweep_seconds`` the permanent generation is thawed, so the next full
pass (one long pause, that often) collects them.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

SWEEP_SECONDS = 600.0


class FreezeSurvivors:
    """Installs itself as a ``gc`` callback; ``close()`` removes it and thaws everything."""

    def __init__(
        self, sweep_seconds: float = SWEEP_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._sweep_seconds = sweep_seconds
        self._clock = clock
        self._thawed_at = clock()
        self.full_passes = 0
        """Full passes seen since ``start``, for diagnostics and tests."""
        self.sweeps = 0
        """Times the permanent generation was thawed for a full sweep."""

    def start(self) -> None:
        """Collect and freeze what is alive now, then freeze the survivors of each full pass."""
        gc.collect()
        gc.freeze()
        self._thawed_at = self._clock()
        gc.callbacks.append(self._on_collection)

    def close(self) -> None:
        """Stop freezing and return every frozen object to the collector."""
        if self._on_collection in gc.callbacks:
            gc.callbacks.remove(self._on_collection)
        gc.unfreeze()

    def _on_collection(self, phase: str, info: dict[str, Any]) -> None:
        # At "stop" of a full pass the young generations are empty and the old one holds
        # exactly its survivors: freezing them is moving one list onto another.
        if phase != "stop" or info["generation"] != 2:
            return
        self.full_passes += 1
        if self._clock() - self._thawed_at >= self._sweep_seconds:
            gc.unfreeze()  # the next full pass walks everything once, and collects old cycles
            self._thawed_at = self._clock()
            self.sweeps += 1
        else:
            gc.freeze()
