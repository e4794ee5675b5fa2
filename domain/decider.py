"""The decider shape shared by every stream kind, so the service needs one generic runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from domain.actor import Actor

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

    def fold(self, events: list[E], state: S | None = None) -> S:
        """The state after ``events``, starting from ``state`` or the initial state."""
        current = self.initial_state if state is None else state
        for event in events:
            current = self.evolve(current, event)
        return current

    def decode_event(self, data: bytes) -> E:
        """A recorded event's data back as a domain event (old shapes upcast by defaults)."""
        result: E = msgspec.json.decode(data, type=self.event_type)
        return result
