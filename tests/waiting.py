"""Waiting on a condition, never on a guess: tests poll a named condition until it holds or
fail with ``TimeoutError(what)``. The only other pauses are ``jitter`` (a chaos test's random
timing) and ``Peak`` (a sampler); a test module itself sleeps for nothing (``test_suite_rules``).
"""

from __future__ import annotations

import asyncio
import inspect
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")

EVERY = 0.01
"""Seconds between two looks at a condition, unless told."""


@overload
async def until(
    probe: Callable[[], Awaitable[T | None]], *, within: float, what: str, every: float = EVERY
) -> T: ...
@overload
async def until(
    probe: Callable[[], T | None], *, within: float, what: str, every: float = EVERY
) -> T: ...
async def until(probe: Callable[[], Any], *, within: float, what: str, every: float = EVERY) -> Any:
    """Look at ``probe()`` (sync or async) until it is truthy, and return that value.

    Raises ``TimeoutError(what)`` when ``within`` seconds pass first (a probe still running
    then is cancelled).
    """
    scope = asyncio.timeout(within)
    try:
        async with scope:
            while True:
                value = probe()
                found = await value if inspect.isawaitable(value) else value
                if found:
                    return found
                await asyncio.sleep(every)
    except TimeoutError:
        if scope.expired():
            raise TimeoutError(f"not within {within} s: {what}") from None
        raise


def until_sync(
    probe: Callable[[], T | None], *, within: float, what: str, every: float = EVERY
) -> T:
    """``until`` for code without an event loop: blocks this thread between looks."""
    deadline = time.monotonic() + within
    while not (found := probe()):
        if time.monotonic() >= deadline:
            raise TimeoutError(f"not within {within} s: {what}")
        time.sleep(every)
    return found


async def jitter(rng: random.Random, most: float) -> None:
    """A random pause of up to ``most`` seconds, drawn from ``rng`` (one ``rng.random()``):
    for chaos tests that act at random moments, not for waiting on something."""
    await asyncio.sleep(rng.random() * most)


class Peak:
    """The largest value ``probe()`` takes between ``start`` and ``stop``, sampled every
    ``every`` seconds on the running loop."""

    def __init__(self, probe: Callable[[], float], every: float = 0.002) -> None:
        self.probe, self.every = probe, every
        self.most: float = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> Peak:
        self._task = asyncio.create_task(self._sample())
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _sample(self) -> None:
        while True:
            self.most = max(self.most, self.probe())
            await asyncio.sleep(self.every)
