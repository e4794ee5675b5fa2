"""Given/when/then over any decider: given these events, when this command by this actor,
then these events (or this refusal, or nothing).

    given(workshop.DECIDER, created()).when(command, by=ALICE).then_refused(Forbidden, "forbidden")

A decider's tests may fix who acts unless ``when`` says otherwise, in a one-line ``given`` of
their own (see ``tests/domain/builders.py``). A history event that must say who caused it (the
board's undo keeps that) is given ``stamped`` with its meta.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pytest

from domain.actor import Actor
from domain.decider import Decider
from domain.errors import DomainError
from domain.recorded import EventMeta

S = TypeVar("S")


@dataclass(frozen=True)
class Stamped:
    """A history event with the meta it was recorded with: who caused it, by which command."""

    event: Any
    meta: EventMeta


def stamped(actor: Actor, command_id: str, *events: Any) -> tuple[Stamped, ...]:
    """``events`` as recorded for one command ``command_id`` of ``actor``."""
    meta = EventMeta(
        actor=actor.id, role=actor.role, command_id=command_id, correlation_id=command_id
    )
    return tuple(Stamped(event, meta) for event in events)


def replayed(decider: Decider[S, Any, Any], history: tuple[Any, ...]) -> S:
    """The state after ``history``: events, and ``Stamped`` events applied with their meta."""
    state = decider.initial_state
    for item in history:
        if isinstance(item, Stamped):
            state = decider.apply(state, item.event, item.meta)
        else:
            state = decider.apply(state, item)
    return state


@dataclass(frozen=True)
class Outcome(Generic[S]):
    decider: Decider[S, Any, Any]
    state: S
    command: Any
    actor: Actor

    def then(self, *expected: Any) -> S:
        """Assert the command yields exactly ``expected``; the state once they are applied."""
        events = self.decider.decide(self.state, self.command, self.actor)
        assert events == list(expected)
        return self.decider.fold(events, self.state)

    def then_accepted(self) -> list[Any]:
        """Assert the command is accepted and records something; the events it records."""
        events: list[Any] = self.decider.decide(self.state, self.command, self.actor)
        assert events
        return events

    def then_nothing(self) -> S:
        """Assert the command is accepted and records nothing."""
        return self.then()

    def then_refused(self, error: type[DomainError], code: str) -> None:
        """Assert the command is refused with an ``error`` whose ``code`` is ``code``."""
        with pytest.raises(error) as refused:
            self.decider.decide(self.state, self.command, self.actor)
        assert refused.value.code == code
        assert refused.value.message


@dataclass(frozen=True)
class Scenario(Generic[S]):
    decider: Decider[S, Any, Any]
    history: tuple[Any, ...]
    actor: Actor | None = None

    def when(self, command: Any, *, by: Actor | None = None) -> Outcome[S]:
        """``command`` by ``by``, or by the scenario's actor when ``by`` is not given."""
        actor = self.actor if by is None else by
        if actor is None:
            raise TypeError("when() needs by= in a scenario without a default actor")
        return Outcome(self.decider, replayed(self.decider, self.history), command, actor)


def given(decider: Decider[S, Any, Any], *history: Any, actor: Actor | None = None) -> Scenario[S]:
    """A decider's state after ``history``, ready for a command by ``actor`` unless ``when``
    names another."""
    return Scenario(decider, history, actor)
