"""The one generic command runner: load, decide, append, retry on conflict.

It re-implements no rule: every yes or no comes from the stream's ``Decider``. It keeps the
last state of recently used streams in memory and lets the append's version check catch
another process's writes, so several processes writing one database never act on a stale
state. ``execute_all`` runs several commands on several streams as one: all appended in one
transaction, or none.

Longer than most modules, on purpose: the load-decide-append loop for one command and the
one for a group share the stream locks, the memory of states and the replay rule for a
command sent twice; apart, each would need the other's private parts.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from domain.actor import Actor
from domain.codec import encode_event, event_type
from domain.decider import Decider
from domain.errors import DomainError
from domain.recorded import EventMeta, RecordedEvent
from service.ids import new_id
from service.store import AppendPart, CommandIdReused, ConcurrencyError, EventStore, NewEvent

S = TypeVar("S")
C = TypeVar("C")
E = TypeVar("E", bound=msgspec.Struct)

Guard = Callable[[Any], None]
"""Called with the loaded state before ``decide``; raises to refuse (e.g. a foreign board)."""
Seal = Callable[[str, Any, list[Any], Actor], Awaitable[list[Any]]]
"""``(stream_id, state, events, actor)`` → the events as they are to be stored: with their
personal texts sealed (``service.privacy.sealer``). ``state`` is the one they were decided on."""


_CONFLICT = object()
"""An attempt lost the race for the stream's next version to another process."""
_STALE = object()
"""An attempt on remembered state found nothing to do or a refusal: check the store."""


__all__ = ["CommandIdReused", "CommandRunner", "Guard", "Loaded", "Outcome", "Step"]


@dataclass(frozen=True, slots=True)
class Loaded(Generic[S]):
    """A stream's state folded up to ``version``."""

    state: S
    version: int
    cached: bool = False
    """Taken from this process's memory without reading the stream's tail."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did: the stream's version after it, the events it recorded."""

    version: int
    events: list[RecordedEvent]
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    """One command of an ``execute_all``: what ``execute`` takes for a single command."""

    decider: Decider[Any, Any, Any]
    stream_id: str
    command: Any
    command_id: str
    guard: Guard | None = None
    """Called with the stream's state as the earlier steps left it, before ``decide``."""
    actor: Actor | None = None
    """Who issues this step, when not the group's actor (an organiser creating a workshop
    acts as its facilitator on the workshop's stream)."""


class CommandRunner:
    """Runs commands against streams of any kind. One per process, shared by HTTP and WS."""

    def __init__(
        self,
        store: EventStore,
        *,
        snapshot_every: int = 100,
        cache_size: int = 2048,
        retries: int = 8,
        seal: Seal | None = None,
    ) -> None:
        self.store = store
        self.seal = seal
        """Applied to decided events before they are encoded; ``None`` stores them as they are."""
        self.snapshot_every = snapshot_every
        self.retries = retries
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._cache: OrderedDict[str, tuple[str, int, Any]] = OrderedDict()
        self._cache_size = cache_size
        self._generation = 0
        """Bumped by ``forget``: a state loaded before is neither remembered nor snapshotted."""

    def forget(self) -> None:
        """Drop every state held in memory, and any still being loaded or decided on (after an
        erasure, states hold texts that must not be used again)."""
        self._cache.clear()
        self._generation += 1

    async def load(
        self,
        decider: Decider[S, C, E],
        stream_id: str,
        at_most_version: int | None = None,
        *,
        trust_cache: bool = False,
    ) -> Loaded[S]:
        """The state of ``stream_id`` now, or at ``at_most_version`` (time travel).

        With ``trust_cache`` a state this process holds is returned without reading the
        stream's tail: it is current unless another process appended since, which the append
        then reports as a conflict.
        """
        generation = self._generation
        state, version = self._cached(decider, stream_id, at_most_version)
        if trust_cache and version > 0 and at_most_version is None:
            return Loaded(state, version, cached=True)
        if version == 0:
            snap = await self.store.load_snapshot(stream_id, decider.snapshot_kind, at_most_version)
            if snap is not None:
                version = snap[0]
                state = msgspec.json.decode(snap[1], type=decider.state_type)
        tail = await self.store.read_stream(stream_id, version, at_most_version)
        if tail:
            state = decider.fold_recorded(tail, state)
            version = tail[-1].version
        if at_most_version is None and generation == self._generation:
            self._remember(decider, stream_id, version, state)
        return Loaded(state, version)

    async def execute(
        self,
        decider: Decider[S, C, E],
        stream_id: str,
        command: C,
        actor: Actor,
        command_id: str,
        *,
        correlation_id: str | None = None,
        causation_id: str | None = None,
        guard: Guard | None = None,
    ) -> Outcome:
        """Decide ``command`` on the latest state and append its events exactly once.

        Raises ``DomainError`` when a rule says no, ``ConcurrencyError`` when the stream kept
        moving through every retry, ``StoreUnavailable`` when the database is down.
        """
        meta = EventMeta(
            actor=actor.id,
            role=actor.role,
            command_id=command_id,
            correlation_id=correlation_id or command_id,
            causation_id=causation_id,
        )
        async with self._lock(stream_id):
            trust_cache = True
            for attempt in range(self.retries):
                outcome = await self._attempt(
                    decider, stream_id, command, actor, meta, guard, trust_cache
                )
                if isinstance(outcome, Outcome):
                    return outcome
                if outcome is _CONFLICT:  # another process appended first: let it finish
                    await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))
                trust_cache = False
        raise ConcurrencyError(
            f"The stream {stream_id} kept changing; the command was not applied.", code="conflict"
        )

    async def execute_all(self, steps: Sequence[Step], actor: Actor) -> list[Outcome]:
        """Decide ``steps`` in order, each on its stream as the earlier steps left it, and
        append every step's events in one transaction, or nothing.

        Each step records its own ``command_id``; all are correlated by the first step's, which
        is the cause of the others. A group sent again answers what it recorded
        (``duplicate=True``). Raises ``DomainError`` when any step's rule says no (nothing is
        appended), ``ConcurrencyError`` when the streams kept moving through every retry,
        ``CommandIdReused``, ``StoreUnavailable``.
        """
        if not steps:
            return []
        first = steps[0].command_id
        metas = [
            EventMeta(
                actor=(step.actor or actor).id,
                role=(step.actor or actor).role,
                command_id=step.command_id,
                correlation_id=first,
                causation_id=None if i == 0 else first,
            )
            for i, step in enumerate(steps)
        ]
        async with contextlib.AsyncExitStack() as locks:
            for stream_id in sorted({step.stream_id for step in steps}):  # one order: no deadlock
                await locks.enter_async_context(self._lock(stream_id))
            for attempt in range(self.retries):
                outcomes = await self._attempt_all(steps, actor, metas)
                if outcomes is not None:
                    return outcomes
                await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))
        raise ConcurrencyError(
            "The streams kept changing; the commands were not applied.", code="conflict"
        )

    async def _attempt_all(
        self, steps: Sequence[Step], actor: Actor, metas: list[EventMeta]
    ) -> list[Outcome] | None:
        """One load-decide-append of every step: the outcomes, or None after a conflict."""
        generation = self._generation
        loaded: dict[str, Loaded[Any]] = {}
        deciders: dict[str, Decider[Any, Any, Any]] = {}
        for step in steps:
            if deciders.setdefault(step.stream_id, step.decider) is not step.decider:
                raise ValueError(f"steps on {step.stream_id} name different deciders")
            if step.stream_id not in loaded:  # fresh: a refusal must hold in the store
                loaded[step.stream_id] = await self.load(step.decider, step.stream_id)
        states = {stream_id: (one.state, one.version) for stream_id, one in loaded.items()}
        try:
            parts = await self._decide_all(steps, actor, metas, states)
        except DomainError:
            if replayed := await self._replayed_all(steps, loaded):
                return replayed
            raise
        versions = [part.expected_version + len(part.events) for part in parts]
        if not any(part.events for part in parts):
            return await self._replayed_all(steps, loaded) or [Outcome(v, []) for v in versions]
        try:
            recorded = await self.store.append_all(parts)
        except ConcurrencyError:
            return None
        if any(
            events[0].event_id != part.events[0].event_id
            for part, events in zip(parts, recorded, strict=True)
            if events
        ):
            return await self._replayed_all(steps, loaded)  # the store had this group already
        for stream_id, (state, version) in states.items():
            if generation != self._generation:
                break  # loaded before an erasure: neither remembered nor snapshotted
            decider = deciders[stream_id]
            self._after_append(decider, stream_id, state, loaded[stream_id].version, version)
        return [Outcome(v, events) for v, events in zip(versions, recorded, strict=True)]

    async def _decide_all(
        self,
        steps: Sequence[Step],
        actor: Actor,
        metas: list[EventMeta],
        states: dict[str, tuple[Any, int]],
    ) -> list[AppendPart]:
        """Decide each step on ``states`` and fold its events in; one part per step, its events
        as they are to be stored (``seal``)."""
        parts: list[AppendPart] = []
        for step, meta in zip(steps, metas, strict=True):
            state, version = states[step.stream_id]
            if step.guard is not None:
                step.guard(state)
            who = step.actor or actor
            events = step.decider.decide(state, step.command, who)
            stored = await self._sealed(step.stream_id, state, events, who)
            new = [
                NewEvent(event_id=new_id(), type=event_type(e), data=encode_event(e))
                for e in stored
            ]
            parts.append(
                AppendPart(
                    stream_id=step.stream_id, events=new, expected_version=version, meta=meta
                )
            )
            folded = step.decider.fold(events, state, meta)
            states[step.stream_id] = (folded, version + len(events))
        return parts

    async def _replayed_all(
        self, steps: Sequence[Step], loaded: dict[str, Loaded[Any]]
    ) -> list[Outcome] | None:
        """What a group sent before recorded, step by step; None if it was never recorded."""
        previous = [await self.store.command_events(step.command_id) for step in steps]
        if not any(previous):
            return None
        return [
            self._replayed(step.stream_id, events)
            if events
            else Outcome(loaded[step.stream_id].version, [], duplicate=True)
            for step, events in zip(steps, previous, strict=True)
        ]

    def _lock(self, stream_id: str) -> asyncio.Lock:
        """This process's lock for ``stream_id``: its commands to one stream run one at a time,
        so they never race each other through optimistic retries."""
        lock = self._locks.get(stream_id)
        if lock is None:
            lock = self._locks[stream_id] = asyncio.Lock()
        return lock

    async def _attempt(
        self,
        decider: Decider[S, C, E],
        stream_id: str,
        command: C,
        actor: Actor,
        meta: EventMeta,
        guard: Guard | None,
        trust_cache: bool,
    ) -> Outcome | object:
        """One load-decide-append: the outcome, or ``_CONFLICT`` / ``_STALE`` to try again."""
        command_id = meta.command_id
        generation = self._generation
        loaded = await self.load(decider, stream_id, trust_cache=trust_cache)
        try:
            if guard is not None:
                guard(loaded.state)
            events = decider.decide(loaded.state, command, actor)
        except DomainError:
            if loaded.cached:
                return _STALE  # say no only on the stream as it is in the store
            # A resent command may now break a rule (its note exists): answer as before.
            if previous := await self.store.command_events(command_id):
                return self._replayed(stream_id, previous)
            raise
        if not events:
            if loaded.cached:
                return _STALE
            previous = await self.store.command_events(command_id)
            return self._replayed(stream_id, previous) if previous else Outcome(loaded.version, [])
        stored = await self._sealed(stream_id, loaded.state, events, actor)
        new = [
            NewEvent(event_id=new_id(), type=event_type(e), data=encode_event(e)) for e in stored
        ]
        try:
            recorded = await self.store.append(stream_id, new, loaded.version, meta)
        except ConcurrencyError:
            return _CONFLICT
        if recorded[0].event_id != new[0].event_id:  # the store had this command already
            return self._replayed(stream_id, recorded)
        version = recorded[-1].version
        if generation == self._generation:
            state = decider.fold(events, loaded.state, meta)
            self._after_append(decider, stream_id, state, loaded.version, version)
        return Outcome(version, recorded)

    async def _sealed(self, stream_id: str, state: Any, events: list[E], actor: Actor) -> list[E]:
        """``events`` as they are to be stored: through ``seal``, if the runner has one."""
        return events if self.seal is None else await self.seal(stream_id, state, events, actor)

    def _replayed(self, stream_id: str, previous: list[RecordedEvent]) -> Outcome:
        if previous[0].stream_id != stream_id:
            raise CommandIdReused("This command_id was already used for another board or workshop.")
        return Outcome(previous[-1].version, previous, duplicate=True)

    def _after_append(
        self, decider: Decider[S, C, E], stream_id: str, state: S, loaded: int, version: int
    ) -> None:
        """Remember ``state`` at ``version`` (appended after ``loaded``); queue a snapshot when
        the stream crossed a multiple of ``snapshot_every``."""
        self._remember(decider, stream_id, version, state)
        if version // self.snapshot_every > loaded // self.snapshot_every:
            self.store.save_snapshot_soon(
                stream_id, version, decider.snapshot_kind, msgspec.json.encode(state)
            )

    def _cached(
        self, decider: Decider[S, C, E], stream_id: str, at_most_version: int | None
    ) -> tuple[S, int]:
        entry = self._cache.get(stream_id)
        if entry is None or entry[0] != decider.name:
            return decider.initial_state, 0
        _, version, state = entry
        if at_most_version is not None and version > at_most_version:
            return decider.initial_state, 0
        self._cache.move_to_end(stream_id)
        return state, version

    def _remember(self, decider: Decider[S, C, E], stream_id: str, version: int, state: S) -> None:
        entry = self._cache.get(stream_id)
        if entry is not None and entry[1] >= version:
            return
        self._cache[stream_id] = (decider.name, version, state)
        self._cache.move_to_end(stream_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
