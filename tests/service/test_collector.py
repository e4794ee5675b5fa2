"""The collector policy: survivors of a full pass are frozen; a sweep thaws them for cycles."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from service.collector import FreezeSurvivors


class Node:
    """An object in a reference cycle with itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    yield Clock()
    gc.unfreeze()


def test_survivors_of_a_full_pass_are_frozen(clock: Clock) -> None:
    collector = FreezeSurvivors(sweep_seconds=60, clock=clock)
    collector.start()
    try:
        frozen = gc.get_freeze_count()
        kept = [Node() for _ in range(1000)]
        assert gc.get_freeze_count() == frozen

        gc.collect()

        assert collector.full_passes == 1
        assert gc.get_freeze_count() >= frozen + len(kept)
        assert all(gc.is_tracked(node) for node in kept)
    finally:
        collector.close()
    assert gc.get_freeze_count() == 0


def test_a_frozen_object_is_still_freed_by_reference_counting(clock: Clock) -> None:
    collector = FreezeSurvivors(sweep_seconds=60, clock=clock)
    collector.start()
    try:
        plain = Clock()
        gc.collect()
        ref = weakref.ref(plain)
        del plain
        assert ref() is None
    finally:
        collector.close()


def test_a_sweep_collects_cycles_that_died_while_frozen(clock: Clock) -> None:
    collector = FreezeSurvivors(sweep_seconds=60, clock=clock)
    collector.start()
    try:
        node = Node()
        ref = weakref.ref(node)
        gc.collect()  # node survives and is frozen
        del node
        gc.collect()
        assert ref() is not None, "a frozen cycle is not collected before the sweep"

        clock.now = 61.0
        gc.collect()  # due: this pass thaws the permanent generation
        assert collector.sweeps == 1
        gc.collect()  # ...and the next one walks it

        assert ref() is None
        assert gc.get_freeze_count() > 0, "the sweep's survivors are frozen again"
    finally:
        collector.close()


def test_close_stops_freezing(clock: Clock) -> None:
    collector = FreezeSurvivors(sweep_seconds=60, clock=clock)
    collector.start()
    collector.close()
    gc.collect()
    assert gc.get_freeze_count() == 0
    assert collector.full_passes == 0
