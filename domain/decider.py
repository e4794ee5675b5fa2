"""The decider shape shared by every stream kind, so the service needs one generic runner."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from domain.actor import Actor
from domain.recorded import EventMeta, RecordedEvent

S = TypeVar("S")
C = TypeVar("C")
E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class Decider(Generic[S, C, E]):
    """One stream kind's rules: ``decide`` refuses or emits events; ``evolve`` applies them.

    ``snapshot_kind`` names the state's stored shape; change it whenever ``S`` changes shape,
    so cached snapshots of the old shape are ignored rather than misread.
    """

    name: str
    initial_state: S
    decide: Callable[[S, C, Actor], list[E]]
    evolve: Callable[[S, E], S]
    state_type: type[S]
    event_type: Any
    command_type: Any
    snapshot_kind: str
    evolve_by: Callable[[S, E, EventMeta], S] | None = None
    """``evolve`` that also keeps who caused the event (the board's undo, ``domain.undo``),
    for a caller that knows each event's meta; ``None``: the kind keeps nothing of it."""

    def apply(self, state: S, event: E, meta: EventMeta | None = None) -> S:
        """``state`` with ``event`` applied, and what the kind keeps of ``meta`` if given."""
        if meta is None or self.evolve_by is None:
            return self.evolve(state, event)
        return self.evolve_by(state, event, meta)

    def fold(self, events: list[E], state: S | None = None, meta: EventMeta | None = None) -> S:
        """The state after ``events`` (all caused by ``meta``'s command, if given), starting
        from ``state`` or the initial state."""
        current = self.initial_state if state is None else state
        for event in events:
            current = self.apply(current, event, meta)
        return current

    def fold_recorded(self, records: Sequence[RecordedEvent], state: S | None = None) -> S:
        """The state after the recorded ``records``, each applied with its meta."""
        current = self.initial_state if state is None else state
        for rec in records:
            current = self.apply(current, self.decode_event(rec.data), rec.meta)
        return current

    def decode_event(self, data: bytes) -> E:
        """A recorded event's data back as a domain event (old shapes upcast by defaults)."""
        result: E = msgspec.json.decode(data, type=self.event_type)
        return result
